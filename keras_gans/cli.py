"""The `keras-gans` command line: `train`, `sample`, `mix`, `project`,
`translate`, `upscale`, `export` and `eval`.

```
keras-gans [--backend {tensorflow,jax,torch}] [--verbose] COMMAND ...
keras-gans train --help                  (the variants)
keras-gans train VARIANT --help          (the recipe's flags and defaults)
keras-gans train VARIANT [recipe flags]
keras-gans sample ARTIFACT -n 16 -o grid.png|DIR/ [--seed 0] [--truncation 0.7]
                  [--size H W | --scale-h X --scale-w Y]   (SinGAN sampler)
keras-gans mix ARTIFACT --rows 1,2,3 --cols 4,5,6 --crossover K -o grid.png
               [--truncation 0.7]                        (StyleGAN2)
keras-gans project MODEL.keras IMAGE -o DIR [--steps N]  (StyleGAN2)
keras-gans translate ARTIFACT IMAGE [IMAGE ...] -o OUT_DIR_OR_PNG
keras-gans upscale ARTIFACT IMAGE [IMAGE ...] -o DIR [--tile N]
                   [--overlap M]
keras-gans export MODEL.keras --out DIR [--quantize float16|int8]
                  [--start-scale K]                       (SinGAN refiner)
keras-gans eval ARTIFACT --dataset NAME [--data-dir DIR]
                [--extractor NAME|PATH] [--n N]        (generator, translator)
keras-gans eval ARTIFACT --sr-data HR_FOLDER [--scale N]  (upscaler)
```

The console script starts in `keras_gans_cli`, which quiets TensorFlow's
start-up logging before this package (and so Keras and TensorFlow) is
imported, unless `--verbose` is given; see there.

Keras reads `KERAS_BACKEND` once, when it is first imported, and this
module is imported through the `keras_gans` package, which imports Keras.
`--backend` therefore sets `KERAS_BACKEND` when Keras is not loaded yet, and
otherwise, if the loaded backend differs, runs the same command again in a
child process with `KERAS_BACKEND` set. Keras and the model code are only
imported inside the command functions.
"""

import argparse
import contextlib
import copy
import functools
import json
import os
import subprocess
import sys

from keras_gans.cli_singan import add_singan_parser

BACKENDS = ("tensorflow", "jax", "torch")

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2


def _build_parser():
    parser = argparse.ArgumentParser(
        prog="keras-gans",
        description="Train, sample, style-mix, project, translate, upscale, "
        "export and evaluate keras-gans models, and run SinGAN's "
        "applications.",
        epilog="`keras-gans COMMAND --help` shows a command's flags; "
        "`keras-gans train --help` lists the variants and `keras-gans "
        "train VARIANT --help` a recipe's flags and defaults.",
        # The console script reads `--verbose` before this parser exists
        # (keras_gans_cli.global_options): an abbreviation would escape it.
        allow_abbrev=False,
    )
    parser.add_argument(
        "--backend",
        choices=BACKENDS,
        help="Keras backend to run on (sets KERAS_BACKEND).",
    )
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="show TensorFlow's start-up and C++ log lines (hidden by "
        "default; give it before the command)",
    )
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", title="commands"
    )
    _add_train_parser(commands)

    sample = commands.add_parser(
        "sample",
        help="write generated images: a PNG grid, or one PNG per sample",
        description=(
            "Samples a latent generator or a single-image sampler (a "
            "SinGAN) from a .keras file, a SavedModel or export directory, "
            "or a .tflite file, and writes a PNG grid (-o FILE.png) or one "
            "PNG per sample at its own size (-o DIR/: an existing "
            "directory, a path ending in '/', or one without an "
            "extension). A sampler samples at its training size, or "
            "--size H W, or --scale-h/--scale-w times it."
        ),
    )
    sample.add_argument(
        "artifact", help=".keras, SavedModel dir, export dir or .tflite"
    )
    sample.add_argument(
        "-n", "--num", type=int, default=16, help="number of images"
    )
    sample.add_argument(
        "-o", "--output", required=True,
        help="PNG path of a grid, or a directory for one PNG per sample "
        "(sample_000.png, ...)",
    )
    sample.add_argument(
        "--size", type=_positive_int, nargs=2, default=None,
        metavar=("H", "W"),
        help="single-image samplers (SinGAN): the output height and width",
    )
    sample.add_argument(
        "--scale-h", type=_positive_float, default=None, metavar="X",
        help="single-image samplers: output height over the training "
        "height (default 1)",
    )
    sample.add_argument(
        "--scale-w", type=_positive_float, default=None, metavar="Y",
        help="single-image samplers: output width over the training "
        "width (default 1), e.g. 2 for twice as wide",
    )
    sample.add_argument(
        "--seed",
        type=int,
        default=None,
        help="latent seed (the same seed gives gan.generate(n, seed=seed))",
    )
    sample.add_argument(
        "--labels",
        type=_parse_labels,
        default=None,
        help=(
            "conditional generators: one class for every image (7) or one "
            "per image (0,1,2,...); default every class equally often"
        ),
    )
    sample.add_argument(
        "--truncation",
        type=_truncation,
        default=None,
        metavar="PSI",
        help="truncation psi >= 0 of a StyleGAN2 (export or .keras): 1 "
        "leaves w unchanged (default), 0.5-0.7 trades variety for quality",
    )
    sample.add_argument("--rows", type=int, default=None, help="grid rows")
    sample.add_argument(
        "--scale",
        type=int,
        default=None,
        help="integer upscaling of the grid (default: fit about 256 "
        "pixels) or of each PNG of -o DIR/ (default: none)",
    )
    sample.set_defaults(handler=_sample)
    _add_mix_parser(commands)
    _add_project_parser(commands)
    _add_translate_parser(commands)
    _add_upscale_parser(commands)

    export = commands.add_parser(
        "export",
        help="export a .keras model to SavedModel + TFLite + model card",
        description=(
            "Exports a .keras file by its kind: a keras-gans GAN's sampling "
            "generator, a SinGAN's single-image sampler (noise map of any "
            "size -> images; --start-scale adds its refiner), or an image "
            "network (a translator, or an upscaler when its output is an "
            "integer factor larger), with free height and width where it "
            "is fully convolutional."
        ),
    )
    export.add_argument(
        "model", help="a .keras file: a keras-gans GAN or an image network"
    )
    export.add_argument("--out", required=True, help="export directory")
    export.add_argument("--quantize", choices=("float16", "int8"), default=None)
    export.add_argument(
        "--representative-latents",
        type=int,
        default=None,
        help="with --quantize int8: calibrate activations on N latents",
    )
    export.add_argument(
        "--dataset", default=None, help="dataset name for the card"
    )
    export.add_argument(
        "--epochs", type=int, default=None, help="epochs for the card"
    )
    export.add_argument(
        "--start-scale", type=_non_negative_int, default=None, metavar="K",
        help="a SinGAN only: also export its harmonization/editing refiner "
        "(a translator, in OUT/refine/) injecting images at scale K",
    )
    export.set_defaults(handler=_export)
    _add_eval_parser(commands)
    add_singan_parser(commands)
    return parser


def _add_train_parser(commands):
    train = commands.add_parser(
        "train",
        help="train a variant with its recipe (`train --help` lists them)",
        description="Runs the recipe of VARIANT (keras_gans.recipes.VARIANT) "
        "with the given flags: training, sample grids, checkpoints and the "
        "export. `keras-gans train VARIANT --help` shows the recipe's flags "
        "and defaults.",
        # The variants are listed only when help is asked for: finding
        # their descriptions imports every recipe.
        add_help=False,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    train.add_argument(
        "-h", "--help", action=_VariantsHelp, help="list the variants"
    )
    train.add_argument("variant", help="recipe name, e.g. dcgan")
    train.add_argument(
        "recipe_args",
        nargs=argparse.REMAINDER,
        help="flags passed to the recipe (see `keras-gans train VARIANT -h`)",
    )
    train.set_defaults(handler=_train)


class _VariantsHelp(argparse.Action):
    """`keras-gans train --help`: the usage, then the installed variants,
    each with the first clause of its recipe's description."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, help=None):
        super().__init__(
            option_strings, dest, default=argparse.SUPPRESS, nargs=0, help=help
        )

    def __call__(self, parser, namespace, values, option_string=None):
        parser.epilog = "variants:\n" + "\n".join(
            f"  {name:<10} {summary}" for name, summary in _variant_summaries()
        )
        parser.print_help()
        parser.exit()


def _add_mix_parser(commands):
    mix = commands.add_parser(
        "mix",
        help="write a StyleGAN2 style-mixing grid (PNG)",
        description=(
            "Writes the style-mixing figure of the StyleGAN papers: the top "
            "row shows the --cols seeds' images, the left column the --rows "
            "seeds' (the corner is blank), and cell (i, j) takes the coarse "
            "styles (indices below --crossover: pose, shape) from row seed "
            "i and the fine ones (stroke, colour, texture) from column seed "
            "j. ARTIFACT is a StyleGAN2 .keras file, or a StyleGAN2 export "
            "directory (its mapping/ and synthesis/ networks). Seeds draw "
            "the latents gan.mix(rows, cols, crossover) draws."
        ),
    )
    mix.add_argument(
        "artifact",
        help="StyleGAN2 .keras file, or export dir with mapping/ and "
        "synthesis/",
    )
    mix.add_argument(
        "--rows", type=_seeds, required=True, metavar="SEEDS",
        help="comma-separated seeds of the rows (coarse styles), e.g. 1,2,3",
    )
    mix.add_argument(
        "--cols", type=_seeds, required=True, metavar="SEEDS",
        help="comma-separated seeds of the columns (fine styles)",
    )
    mix.add_argument(
        "--crossover", type=_non_negative_int, required=True, metavar="K",
        help="the first style index taken from the column seed, in [0, "
        "num_ws] (0: all from the columns; num_ws: all from the rows)",
    )
    mix.add_argument(
        "--truncation", type=_truncation, default=None, metavar="PSI",
        help="truncation psi >= 0 of every latent (default 1: none)",
    )
    mix.add_argument(
        "--label", type=_non_negative_int, default=None,
        help="conditional models: the class of every image (default: "
        "every class equally often, as gan.mix)",
    )
    mix.add_argument("-o", "--output", required=True, help="PNG path to write")
    mix.add_argument(
        "--scale", type=_positive_int, default=None,
        help="integer upscaling of the grid (default: fit about 256 pixels)",
    )
    mix.set_defaults(handler=_mix)


def _add_project_parser(commands):
    project = commands.add_parser(
        "project",
        help="find the StyleGAN2 styles that reproduce an image",
        description=(
            "Projects IMAGE into a StyleGAN2's latent space (GAN inversion: "
            "gan.project, optimizing w and the noise maps) and writes into "
            "DIR, for IMAGE name.png: name_projected.png (the "
            "reconstruction at the model's size), name_comparison.png "
            "(target | reconstruction), name_ws.npy (the styles, (num_ws, "
            "w_dim) float32), name_noise.npz (the optimized noise maps) and "
            "name_losses.json (the loss of every step). The image is "
            "converted to the model's channels and resized to its size."
        ),
    )
    project.add_argument(
        "artifact", help="a StyleGAN2 .keras file (projection optimizes "
        "through the network: exports cannot)"
    )
    project.add_argument("image", help="the image file to project")
    project.add_argument(
        "-o", "--out", required=True, metavar="DIR",
        help="directory for the results",
    )
    project.add_argument(
        "--steps", type=_positive_int, default=None, metavar="N",
        help="optimization steps (default: gan.project's, 500)",
    )
    project.add_argument(
        "--label", type=_non_negative_int, default=None,
        help="conditional models (required there): the image's class",
    )
    project.add_argument(
        "--scale", type=_positive_int, default=None,
        help="integer upscaling of the comparison PNG (default: fit about "
        "256 pixels)",
    )
    project.set_defaults(handler=_project)


def _add_translate_parser(commands):
    translate = commands.add_parser(
        "translate",
        help="run image files through an exported image-to-image model "
        "(translator or upscaler)",
        description=(
            "Runs an image-to-image export directory, SavedModel or .tflite "
            "file on image files: a translator (Pix2Pix, CycleGAN, DiscoGAN: "
            "one direction) or a super-resolution upscaler. "
            "Each image is converted to the model's channels and resized to "
            "its input size; a model exported with free height and width "
            "keeps each image's size (rounded to the multiple its strides "
            "need)."
        ),
    )
    translate.add_argument("artifact", help="export dir, SavedModel or .tflite")
    translate.add_argument("images", nargs="+", help="image files to translate")
    translate.add_argument(
        "-o",
        "--output",
        required=True,
        help="a directory (one PNG per input, same name), or a .png path "
        "for a single input",
    )
    translate.set_defaults(handler=_translate)


def _add_upscale_parser(commands):
    upscale = commands.add_parser(
        "upscale",
        help="super-resolve image files of any size with an upscaler, "
        "tiled without seams",
        description=(
            "Upscales image files of any size with a super-resolution "
            "upscaler (an export directory, SavedModel, .tflite or .keras "
            "file) and writes DIR/<name>_x<scale>.png for each. With "
            "--tile N the image is upscaled in N x N tiles (bounded "
            "memory), each extended by --overlap LR pixels of context of "
            "which only the tile's own part is kept; the default overlap, "
            "the network's receptive field (the model card's "
            "receptive_field, or computed from a .keras network), makes "
            "the tiled image equal the untiled one, so no seams show. "
            "Images keep their size and colour: a grayscale file for an "
            "RGB upscaler (or the reverse) is refused."
        ),
    )
    upscale.add_argument(
        "artifact", help="upscaler export dir, SavedModel, .tflite or .keras"
    )
    upscale.add_argument("images", nargs="+", help="image files to upscale")
    upscale.add_argument(
        "-o", "--out", required=True, metavar="DIR",
        help="directory for the PNGs (<name>_x<scale>.png)",
    )
    upscale.add_argument(
        "--tile", type=_positive_int, default=None, metavar="N",
        help="upscale in tiles of N x N LR pixels (default: whole images)",
    )
    upscale.add_argument(
        "--overlap", type=_non_negative_int, default=None, metavar="M",
        help="with --tile: LR pixels of context around each tile "
        "(default: the network's receptive field, or a fixed default, "
        "said on stderr, where it is unknown)",
    )
    upscale.set_defaults(handler=_upscale)


def _add_eval_parser(commands):
    evaluate = commands.add_parser(
        "eval",
        help="measure any artifact by its kind's protocol (JSON line)",
        description=(
            "Measures an artifact (.keras, SavedModel or export dir, "
            ".tflite) by the protocol of its kind and prints ONE JSON line "
            "on stdout naming the kind and the protocol. A generator "
            "(conditional ones too) against --dataset's images: fid, kid, "
            "kid_std, precision, recall, inception_score and class_counts "
            "with a classifier extractor, label_acc for conditional "
            "generators, with the extractor, weights and sample counts. A "
            "translator on the test split of a paired --dataset: psnr, "
            "ssim and their input and mean-target baselines. An upscaler "
            "on the HR images in --sr-data (or --data-dir; e.g. Set5): "
            "psnr and ssim on the Y channel, border shaved, next to "
            "bicubic; --scale checks its factor. Everything else goes to "
            "stderr."
        ),
    )
    evaluate.add_argument(
        "artifact", help=".keras, SavedModel dir, export dir or .tflite"
    )
    evaluate.add_argument(
        "--dataset", default=None,
        help="generators: digits, mnist-idx, a tfds name or a folder; "
        "translators: a paired translation dataset (e.g. digits-edges); "
        "upscalers: optional name of the --data-dir folder",
    )
    evaluate.add_argument(
        "--data-dir", default=None,
        help="the dataset's directory; for an upscaler the HR image folder",
    )
    evaluate.add_argument(
        "--sr-data", default=None,
        help="upscalers: the folder of HR images (e.g. Set5; the same as "
        "--data-dir); an error for other kinds",
    )
    evaluate.add_argument(
        "--scale", type=_positive_int, default=None,
        help="upscalers: the factor expected; an upscaler of another "
        "scale (or another kind) is an error",
    )
    evaluate.add_argument(
        "--extractor", default="classifier",
        help=(
            "'classifier' (the dataset's own CNN, trained and cached; "
            "default), 'inception:WEIGHTS' (InceptionV3 with a weights "
            "file), a keras-gans classifier .keras file, an InceptionV3 "
            ".h5 weights file or any Keras model .keras file"
        ),
    )
    evaluate.add_argument(
        "--feature-layer", default=None,
        help="with a Keras model extractor: the layer giving the features",
    )
    evaluate.add_argument(
        "--n", type=int, default=10_000, help="generated images (10000)"
    )
    evaluate.add_argument(
        "--n-real", type=int, default=None,
        help="real images to compare with (default: all)",
    )
    evaluate.add_argument("--seed", type=int, default=0)
    evaluate.add_argument("--batch-size", type=int, default=256)
    evaluate.add_argument(
        "--cache-dir", default=None,
        help="classifier cache (default $KERAS_GANS_CACHE or ~/.cache)",
    )
    evaluate.add_argument(
        "--output", default=None, help="also write the JSON to this file"
    )
    evaluate.set_defaults(handler=_eval)


def main(argv=None):
    """Runs the `keras-gans` command line.

    The `keras-gans` console script is `keras_gans_cli.main`, which hides
    TensorFlow's start-up logging before calling this (unless `--verbose`);
    called from Python, this leaves the logging as it is.

    Args:
        argv: argument list without the program name; `None` reads
            `sys.argv[1:]`.

    Returns:
        The exit code: 0 on success, 1 when the command fails (the error is
        printed on stderr), 2 for usage errors and unknown variants. `train`
        passes on its recipe's code (1 diverged, 3 the run could not start
        or go on: see `RecipeRunner.main`).

    Example:

    ```python
    from keras_gans.cli import main
    main(["sample", "exports/dcgan", "-n", "16", "-o", "grid.png"])
    ```
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _build_parser()
    args, code = _parse(parser, argv)
    if args is None:
        return code
    if args.backend is not None and not _select_backend(args.backend):
        return _relaunch(argv, args.backend)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return args.handler(args)
    except (ValueError, FileNotFoundError, RuntimeError) as error:
        print(f"keras-gans {args.command}: error: {error}", file=sys.stderr)
        return EXIT_ERROR


def _parse(parser, argv):
    """`(args, None)`, or `(None, exit code)` where `parser` stops on
    `argv` after printing help (0) or a usage error (2)."""
    try:
        return parser.parse_args(argv), None
    except SystemExit as stop:  # argparse exits on -h and on usage errors
        return None, stop.code if isinstance(stop.code, int) else EXIT_USAGE


def _select_backend(backend):
    """Sets `KERAS_BACKEND`; False if Keras already runs another backend."""
    keras = sys.modules.get("keras")
    if keras is not None:
        return keras.backend.backend() == backend
    os.environ["KERAS_BACKEND"] = backend
    return True


def _relaunch(argv, backend):
    # The backend is fixed once Keras is imported: run the command in a
    # fresh interpreter, which sees the requested backend from the start.
    env = dict(os.environ, KERAS_BACKEND=backend)
    command = [sys.executable, "-m", "keras_gans.cli", *argv]
    return subprocess.run(command, env=env, check=False).returncode


def known_variants():
    """Names `keras-gans train` accepts: the recipe modules, sorted."""
    import importlib
    import pkgutil

    try:
        recipes = importlib.import_module("keras_gans.recipes")
    except ModuleNotFoundError:
        return []
    return sorted(
        info.name
        for info in pkgutil.iter_modules(recipes.__path__)
        if not info.name.startswith("_")
        and info.name not in recipes.SHARED_MODULES
    )


def _variant_summaries():
    """`(name, summary)` of every variant: the first clause of its recipe's
    description, each parenthesis cut to its citation."""
    import importlib

    return [
        (
            name,
            _first_clause(
                importlib.import_module(
                    f"keras_gans.recipes.{name}"
                ).RECIPE.description
            ),
        )
        for name in known_variants()
    ]


def _first_clause(description):
    """`Trains CycleGAN (Zhu et al. 2017: ResNet generators, ...) on two
    unpaired domains, scores ...` gives `Trains CycleGAN (Zhu et al. 2017)
    on two unpaired domains`."""
    clause, depth, in_details = "", 0, False
    for char in description:
        depth += (char == "(") - (char == ")")
        if depth == 0 and char in ".:;,":
            break
        if depth == 0:
            in_details = False
        elif depth == 1 and char == ":":
            # A parenthesis' details follow its citation after a colon.
            in_details = True
        if not in_details:
            clause += char
        if depth == 0 and clause.endswith(" and "):
            return clause[: -len(" and ")]
    return clause


def _train(args):
    recipe = _import_recipe(args.variant)
    if recipe is None:
        return EXIT_USAGE
    # The recipe's parser under this command's name: help (flags with
    # their defaults) and usage errors read `keras-gans train VARIANT`.
    parsed, code = _parse(
        _recipe_parser(recipe.RECIPE, args.variant), args.recipe_args
    )
    if parsed is None:
        return code
    result = recipe.main(list(args.recipe_args))
    return result if isinstance(result, int) else EXIT_OK


def _import_recipe(variant):
    """The recipe module of `variant`, or `None` after printing the known
    variants."""
    import importlib

    name = variant.lower().replace("-", "_")
    module_name = f"keras_gans.recipes.{name}"
    try:
        from keras_gans.recipes import SHARED_MODULES

        if name in SHARED_MODULES:
            raise ModuleNotFoundError(name=module_name)
        return importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        # Only a missing recipe is an unknown variant; a recipe that fails
        # to import one of its own dependencies is a real error.
        if error.name not in (module_name, "keras_gans.recipes"):
            raise
    known = known_variants()
    print(
        f"keras-gans train: unknown variant {variant!r}. Known "
        f"variants: {', '.join(known) if known else '(none installed)'}. "
        f"Received: variant={variant!r}",
        file=sys.stderr,
    )
    return None


def _recipe_parser(recipe, variant):
    """`recipe.build_parser()` named `keras-gans train VARIANT`, its help
    showing each flag's default, per dataset where the recipe sets it."""
    parser = recipe.build_parser()
    parser.prog = f"keras-gans train {variant}"
    parser.formatter_class = functools.partial(
        _RecipeHelpFormatter, dataset_defaults=recipe.dataset_defaults
    )
    return parser


class _RecipeHelpFormatter(argparse.HelpFormatter):
    """Appends each flag's default to its help: its parser default, or for
    a flag left unset (`None`) the value of each dataset's defaults
    (`"*"`: any other dataset)."""

    def __init__(self, prog, dataset_defaults, **kwargs):
        super().__init__(prog, **kwargs)
        self._dataset_defaults = dataset_defaults

    def _format_action(self, action):
        default = _default_text(
            action.default, action.dest, self._dataset_defaults
        )
        text = action.help or ""
        if action.option_strings and default is not None and "%(" not in text:
            action = copy.copy(action)
            # argparse %-formats help strings.
            default = default.replace("%", "%%")
            action.help = f"{text} (default: {default})".lstrip()
        return super()._format_action(action)


def _default_text(default, dest, dataset_defaults):
    """`0`, `0.999`, `20; digits: 50, mnist-idx: 16`, or `None` when there
    is no default to show."""
    if default is argparse.SUPPRESS or default is False:
        return None
    if default is not None:
        return str(default)
    values = {
        dataset: defaults[dest]
        for dataset, defaults in dataset_defaults.items()
        if dest in defaults
    }
    fallback = values.pop("*", None)
    exceptions = ", ".join(
        f"{dataset}: {value}"
        for dataset, value in values.items()
        if fallback is None or value != fallback
    )
    parts = [str(fallback)] if fallback is not None else []
    return "; ".join(parts + ([exceptions] if exceptions else [])) or None


def _sample(args):
    from keras_gans.export import artifact_kinds
    from keras_gans.export import load_artifact
    from keras_gans.utils.images import save_grid
    from keras_gans.utils.validation import check_positive_int

    count = check_positive_int("n", args.num)
    directory = _is_directory_output(args.output)
    if directory and args.rows is not None:
        raise ValueError(
            "`--rows` arranges a grid: give `-o` a .png path, or leave "
            f"`--rows` out for one PNG per sample in `{args.output}`. "
            f"Received: rows={args.rows!r}"
        )
    artifact = load_artifact(
        args.artifact, kind=(artifact_kinds.GENERATOR, artifact_kinds.SAMPLER)
    )
    if args.truncation is not None and not artifact.takes_truncation:
        raise ValueError(
            "`--truncation` is for style-based generators (a StyleGAN2 "
            "export or .keras file), whose signature takes `truncation`; "
            f"`{args.artifact}` takes {list(artifact.spec.input_names)}. "
            f"Received: truncation={args.truncation!r}"
        )
    size_flags = {
        "size": args.size, "scale_h": args.scale_h, "scale_w": args.scale_w,
    }
    given = {n: v for n, v in size_flags.items() if v is not None}
    if given and artifact.kind != artifact_kinds.SAMPLER:
        flags = ", ".join(f"--{name.replace('_', '-')}" for name in given)
        raise ValueError(
            f"`{flags}` choose the output size of a single-image sampler "
            f"(a SinGAN export or .keras file); `{args.artifact}` is "
            f"{artifact_kinds.describe(artifact.kind)}, of one size. "
            + ", ".join(f"Received: {n}={v!r}" for n, v in given.items())
        )
    sized = {}
    if artifact.kind == artifact_kinds.SAMPLER:
        sized = {
            "size": None if args.size is None else tuple(args.size),
            "scale_h": args.scale_h or 1.0,
            "scale_w": args.scale_w or 1.0,
        }
    images = artifact.sample(
        count, seed=args.seed, labels=args.labels, truncation=args.truncation,
        **sized,
    )
    if directory:
        written = _save_each(images, args.output, args.scale)
        target = f"{len(written)} PNGs in {args.output!r}"
    else:
        save_grid(images, args.output, rows=args.rows, scale=args.scale)
        target = repr(args.output)
    truncated = ""
    if args.truncation is not None:
        truncated = f" at truncation {args.truncation:g}"
    height, width = images.shape[1:3]
    print(
        f"Wrote {count} samples ({height}x{width}){truncated} from "
        f"{artifact.format} {artifact.path!r} to {target}."
    )
    return EXIT_OK


def _is_directory_output(path):
    """Whether `-o` names a directory (one PNG per sample): an existing
    one, a path ending in a separator, or one without an extension."""
    if os.path.isdir(path) or path.endswith(("/", os.sep)):
        return True
    return not os.path.splitext(os.path.basename(path))[1]


def _save_each(images, directory, scale=None):
    """`directory/sample_000.png`, ... one per image, at its own size
    (times `scale`)."""
    from keras_gans.utils.images import save_png
    from keras_gans.utils.images import to_uint8

    os.makedirs(directory, exist_ok=True)
    digits = max(3, len(str(len(images) - 1)))
    paths = []
    for i, image in enumerate(to_uint8(images)):
        path = os.path.join(directory, f"sample_{i:0{digits}d}.png")
        paths.append(save_png(image, path, scale=scale or 1))
    return paths


def _mix(args):
    from keras_gans.utils.images import save_grid
    from keras_gans.utils.images import style_mixing_grid

    if os.path.isfile(args.artifact) and args.artifact.endswith(".keras"):
        mixed, images_a, images_b = _mix_keras(args)
    else:
        mixed, images_a, images_b = _mix_exports(args)
    cells = style_mixing_grid(mixed, images_a, images_b)
    save_grid(cells, args.output, rows=len(args.rows) + 1, scale=args.scale)
    print(
        f"Wrote the style mixing of rows {args.rows} (coarse styles, "
        f"indices < {args.crossover}) and columns {args.cols} (fine styles) "
        f"from {args.artifact!r} to {args.output!r}."
    )
    return EXIT_OK


def _mix_keras(args):
    """`gan.mix(...)` of a StyleGAN2 `.keras` file."""
    gan = _load_stylegan2(args.artifact, "mix")
    _check_crossover(args.crossover, gan.num_ws)
    _check_label(args.label, gan.uses_labels, args.artifact)
    return gan.mix(
        args.rows,
        args.cols,
        args.crossover,
        truncation=1.0 if args.truncation is None else args.truncation,
        labels=args.label,
    )


def _mix_exports(args):
    """`gan.mix(...)` computed with an export's mapping and synthesis
    networks: each seed's latent `latents_for(1, seed)` mapped to its
    styles, the styles mixed at the crossover, then synthesized."""
    import numpy as np

    mapping, synthesis = _load_style_exports(args.artifact)
    _check_crossover(args.crossover, synthesis.num_ws)
    _check_label(args.label, mapping.conditional, args.artifact)

    def styles(seeds):
        latents = np.stack([mapping.latents_for(1, seed)[0] for seed in seeds])
        named = {"truncation": args.truncation}
        if args.label is not None:
            named["labels"] = np.full((len(seeds),), args.label, "int32")
        return mapping(latents, **named)

    ws_a, ws_b = styles(args.rows), styles(args.cols)
    rows, cols, crossover = len(ws_a), len(ws_b), args.crossover
    mixed = np.concatenate(
        [np.repeat(ws_a, cols, axis=0)[:, :crossover],
         np.tile(ws_b, (rows, 1, 1))[:, crossover:]],
        axis=1,
    )
    images = synthesis(mixed)
    return (
        images.reshape((rows, cols) + images.shape[1:]),
        synthesis(ws_a),
        synthesis(ws_b),
    )


def _load_stylegan2(path, command):
    """The StyleGAN2 of a `.keras` file, refusing anything else."""
    from keras_gans.models.stylegan2 import StyleGAN2
    from keras_gans.utils.safe_loading import load_keras_file

    if not path.endswith(".keras"):
        raise ValueError(
            f"`keras-gans {command}` needs a StyleGAN2 .keras file "
            "(projection optimizes through the whole network; an export "
            f"cannot). Received: artifact={path!r}"
        )
    model = load_keras_file(path, compile=False, name="artifact")
    if not isinstance(model, StyleGAN2):
        raise ValueError(
            f"`keras-gans {command}` needs a StyleGAN2; `{path}` holds a "
            f"{type(model).__name__}. Received: artifact={path!r}"
        )
    return model


def _load_style_exports(path):
    """`(mapping, synthesis)` artifacts of a StyleGAN2 export directory."""
    from keras_gans.export import load_artifact
    from keras_gans.models.stylegan2.style_sampler import MAPPING_DIR
    from keras_gans.models.stylegan2.style_sampler import SYNTHESIS_DIR

    if not os.path.exists(path):
        raise FileNotFoundError(
            f"No StyleGAN2 .keras file or export directory at this path. "
            f"Received: artifact={path!r}"
        )
    names = (MAPPING_DIR, SYNTHESIS_DIR)
    missing = [n for n in names if not os.path.isdir(os.path.join(path, n))]
    if missing:
        raise ValueError(
            "`keras-gans mix` needs a StyleGAN2 .keras file, or a StyleGAN2 "
            f"export directory holding {MAPPING_DIR}/ and {SYNTHESIS_DIR}/ "
            f"(export_generator writes them); `{path}` has no "
            f"{' or '.join(name + '/' for name in missing)}. "
            f"Received: artifact={path!r}"
        )
    folders = [os.path.join(path, name) for name in names]
    mapping = load_artifact(folders[0], kind="mapping")
    synthesis = load_artifact(folders[1], kind="synthesis")
    return mapping, synthesis


def _check_crossover(crossover, num_ws):
    if not 0 <= crossover <= num_ws:
        raise ValueError(
            f"`--crossover` must be an int in [0, {num_ws}]: the first of "
            f"the model's {num_ws} style indices taken from the column seed "
            f"(0: all from the columns; {num_ws}: all from the rows). "
            f"Received: crossover={crossover!r}"
        )


def _check_label(label, conditional, path):
    if label is not None and not conditional:
        raise ValueError(
            f"`--label` is for conditional models; `{path}` is "
            f"unconditional. Received: label={label!r}"
        )


def _project(args):
    import numpy as np

    from keras_gans.utils.images import make_panel
    from keras_gans.utils.images import read_image_for
    from keras_gans.utils.images import save_png
    from keras_gans.utils.images import save_viewable
    from keras_gans.utils.images import to_uint8

    gan = _load_stylegan2(args.artifact, "project")
    _check_label(args.label, gan.uses_labels, args.artifact)
    if gan.uses_labels and args.label is None:
        raise ValueError(
            f"`--label` is required for a conditional model: `{args.artifact}`"
            f" has {gan.num_classes} classes, and projection searches the "
            "styles of one. Received: label=None"
        )
    target = read_image_for(args.image, gan.image_shape)
    kwargs = {} if args.steps is None else {"steps": args.steps}
    if args.label is not None:
        kwargs["label"] = args.label
    result = gan.project(target, **kwargs)
    image = np.clip(np.asarray(result["image"], "float32"), -1.0, 1.0)
    ws = np.asarray(result["ws"], "float32")
    losses = [float(loss) for loss in result["losses"]]
    stem = os.path.join(
        args.out, os.path.splitext(os.path.basename(args.image))[0]
    )
    os.makedirs(args.out, exist_ok=True)
    written = [
        save_png(to_uint8(image), f"{stem}_projected.png"),
        save_viewable(
            make_panel([[target, image]]), f"{stem}_comparison.png",
            scale=args.scale,
        ),
    ]
    np.save(f"{stem}_ws.npy", ws)
    np.savez(
        f"{stem}_noise.npz",
        **{
            f"noise_{i}": np.asarray(maps, "float32")
            for i, maps in enumerate(result.get("noise") or [])
        },
    )
    with open(f"{stem}_losses.json", "w", encoding="utf-8") as handle:
        json.dump(
            {
                "image": args.image,
                "artifact": args.artifact,
                "steps": len(losses),
                "distance": result.get("distance"),
                "losses": losses,
                "final_loss": losses[-1] if losses else None,
            },
            handle,
            indent=1,
        )
        handle.write("\n")
    written += [f"{stem}_ws.npy", f"{stem}_noise.npz", f"{stem}_losses.json"]
    final = f", final loss {losses[-1]:.4g}" if losses else ""
    print(
        f"Projected {args.image!r} in {len(losses)} steps{final}: "
        + ", ".join(written)
    )
    return EXIT_OK


def _translate(args):
    import numpy as np

    from keras_gans.export import load_artifact
    from keras_gans.utils.images import read_image_for
    from keras_gans.utils.images import save_png
    from keras_gans.utils.images import to_uint8

    artifact = load_artifact(args.artifact)
    if artifact.kind not in _IMAGE_KINDS:
        raise ValueError(
            f"`keras-gans translate` runs image-to-image artifacts "
            f"({', '.join(_IMAGE_KINDS)}); `{args.artifact}` is a "
            f"{artifact.kind}: use {_command_for(artifact.kind)}. "
            f"Received: artifact={args.artifact!r}"
        )
    single = args.output.lower().endswith(".png")
    if single and len(args.images) != 1:
        raise ValueError(
            "`--output` is one .png file, so give one image (or a directory "
            "for several). " + f"Received: images={len(args.images)} files"
        )
    if not single:
        os.makedirs(args.output, exist_ok=True)
    for path in args.images:
        image = read_image_for(
            path, artifact.input_shape, artifact.size_multiple
        )
        output = artifact(image[None])[0]
        name = os.path.splitext(os.path.basename(path))[0] + ".png"
        target = args.output if single else os.path.join(args.output, name)
        save_png(to_uint8(np.clip(output, -1.0, 1.0)), target)
        print(f"{path} -> {target}")
    return EXIT_OK


# The kinds that map an image to an image: `translate` runs them all.
_IMAGE_KINDS = ("translator", "upscaler")


def _command_for(kind):
    """The command that runs an artifact of `kind`, quoted."""
    if kind in ("synthesis", "mapping"):  # a StyleGAN2's two halves
        return "`keras-gans mix` on the export directory holding it"
    commands = {"translator": "translate", "upscaler": "upscale"}
    return f"`keras-gans {commands.get(kind, 'sample')}`"


def _upscale(args):
    from keras_gans.export.tiled_upscale import upscale_image
    from keras_gans.utils.images import save_png
    from keras_gans.utils.images import to_uint8
    from keras_gans.utils.validation import format_received

    if args.overlap is not None and args.tile is None:
        raise ValueError(
            "`--overlap` is the context around each tile: it needs "
            "`--tile`. " + format_received(overlap=args.overlap, tile=None)
        )
    artifact = _load_upscaler(args.artifact)
    channels = artifact.input_shape[2]
    # Every input is checked before anything is written: a bad third
    # file does not leave a half-done output folder.
    targets = _upscale_targets(args.images, args.out, artifact.scale)
    for path in args.images:
        _check_image_channels(path, channels)
    overlap = None
    if args.tile is not None:
        overlap = args.overlap
        if overlap is None:
            overlap = _tile_overlap(artifact)
    os.makedirs(args.out, exist_ok=True)
    for path, target in zip(args.images, targets):
        image = _read_lr_image(path, channels)
        output = upscale_image(
            artifact, image, artifact.scale, tile=args.tile, overlap=overlap
        )
        save_png(to_uint8(output), target)
        tiling = (
            "" if args.tile is None
            else f", tiles {args.tile}, overlap {overlap}"
        )
        print(
            f"{path} -> {target} ({image.shape[1]}x{image.shape[0]} -> "
            f"{output.shape[1]}x{output.shape[0]}{tiling})"
        )
    return EXIT_OK


def _load_upscaler(path):
    """The upscaler at `path`, refusing other kinds and fixed sizes."""
    from keras_gans.export import artifact_kinds
    from keras_gans.export import load_artifact
    from keras_gans.utils.validation import format_received

    artifact = load_artifact(path)
    if artifact.kind != artifact_kinds.UPSCALER:
        raise ValueError(
            f"`keras-gans upscale` runs super-resolution upscalers; "
            f"`{path}` is {artifact_kinds.describe(artifact.kind)}: use "
            f"{_command_for(artifact.kind)}. " + format_received(artifact=path)
        )
    height, width, _ = artifact.input_shape
    if height is not None or width is not None or artifact.size_multiple > 1:
        # Tiles and images of any size need a network of free size whose
        # tiles need no alignment.
        taken = (
            f"only {height}x{width} images" if height or width
            else f"sizes that are multiples of {artifact.size_multiple}"
        )
        raise ValueError(
            f"`keras-gans upscale` needs an upscaler that takes images of "
            f"any size; `{path}` takes {taken}. Export the network with "
            "free height and width (export_upscaler(..., free_size=True)), "
            "or use `keras-gans translate`, which resizes the images. "
            + format_received(artifact=path)
        )
    return artifact


def _upscale_targets(images, out, scale):
    """`OUT/<name>_x<scale>.png` for each image; two images may not share
    one (`a/cat.png` and `b/cat.jpg`)."""
    from keras_gans.utils.validation import format_received

    targets = {}
    for path in images:
        stem = os.path.splitext(os.path.basename(path))[0]
        target = os.path.join(out, f"{stem}_x{scale}.png")
        if target in targets:
            raise ValueError(
                f"`{targets[target]}` and `{path}` would both be written to "
                f"`{target}`: upscale them into different --out folders. "
                + format_received(images=list(images))
            )
        targets[target] = path
    return list(targets)


def _check_image_channels(path, channels):
    """Refuses a missing or non-image file, and one whose colour differs
    from the upscaler's (converting would hide a wrong model choice)."""
    from keras_gans.data.folder import file_channels
    from keras_gans.utils.validation import format_received

    if not os.path.isfile(path):
        raise FileNotFoundError(
            f"No image file at {path!r}. " + format_received(image=path)
        )
    found = file_channels(path)  # names the file if it is not an image
    if found == channels:
        return
    if found == 1:
        hint = (
            "is a grayscale image and the upscaler takes RGB (3 channels): "
            "convert it to RGB first (e.g. `PIL.Image.open(path)"
            ".convert('RGB')`), or use a grayscale upscaler"
        )
    else:
        hint = (
            "is a colour image and the upscaler takes grayscale (1 "
            "channel): convert it to grayscale first (e.g. "
            "`PIL.Image.open(path).convert('L')`), or use an RGB upscaler"
        )
    raise ValueError(f"`{path}` {hint}. " + format_received(image=path))


def _read_lr_image(path, channels):
    """An image file as float32 `(H, W, C)` in [-1, 1], at its own size."""
    import numpy as np

    from keras_gans.data import read_image

    image = read_image(path, "L" if channels == 1 else "RGB")
    pixels = np.asarray(image, "float32")
    return pixels.reshape(image.height, image.width, channels) / 127.5 - 1.0


def _tile_overlap(artifact):
    """The default overlap: the network's receptive field (the card's, or
    computed from a `.keras` network), else `DEFAULT_OVERLAP`, said on
    stderr."""
    from keras_gans.export import tiled_upscale
    from keras_gans.utils.safe_loading import load_keras_file

    key = tiled_upscale.RECEPTIVE_FIELD_CARD_KEY
    if artifact.format == "keras":
        field = tiled_upscale.receptive_field(load_keras_file(artifact.path))
        if field is not None:
            return field
        reason = "its network has layers receptive_field cannot analyse"
    elif artifact.card is not None and key in artifact.card:
        field = artifact.card[key]
        if field is not None:
            return int(field)
        reason = "its model card says receptive_field: null"
    else:
        reason = (
            "it has no model card with a receptive_field (exported before "
            "keras-gans recorded it)"
        )
    print(
        f"keras-gans upscale: the receptive field of `{artifact.path}` is "
        f"unknown ({reason}): tiles overlap by the default "
        f"{tiled_upscale.DEFAULT_OVERLAP} LR pixels, and seams may show if "
        "the network sees further. Pass --overlap to choose.",
        file=sys.stderr,
    )
    return tiled_upscale.DEFAULT_OVERLAP


def _positive_int(text):
    return _int_at_least(text, 1, "a positive integer")


def _non_negative_int(text):
    return _int_at_least(text, 0, "an integer >= 0")


def _int_at_least(text, minimum, expected):
    # argparse names the flag: "argument --tile: expected ...".
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or value < minimum:
        raise argparse.ArgumentTypeError(
            f"expected {expected}. Received: {text!r}"
        )
    return value


def _positive_float(text):
    # argparse names the flag: "argument --scale-w: expected ...".
    try:
        value = float(text)
    except ValueError:
        value = None
    if value is None or not (0.0 < value < float("inf")):
        raise argparse.ArgumentTypeError(
            f"expected a positive number. Received: {text!r}"
        )
    return value


def _truncation(text):
    # argparse names the flag: "argument --truncation: expected ...".
    try:
        value = float(text)
    except ValueError:
        value = None
    if value is None or not (value >= 0.0 and value != float("inf")):
        raise argparse.ArgumentTypeError(
            "expected truncation psi, a finite number >= 0 (1 leaves w "
            "unchanged, 0.5-0.7 trades variety for quality). "
            f"Received: {text!r}"
        )
    return value


def _seeds(text):
    try:
        seeds = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated integer seeds, e.g. 1,2,3. "
            f"Received: {text!r}"
        ) from None
    return seeds


def _parse_labels(text):
    try:
        labels = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected an integer class or comma-separated classes. "
            f"Received: labels={text!r}"
        ) from None
    return labels[0] if len(labels) == 1 else labels


def _export(args):
    from keras_gans.export import export_from_file

    # A SinGAN's refiner scale, passed only when given.
    refiner = {}
    if args.start_scale is not None:
        refiner["start_scale"] = args.start_scale
    card = export_from_file(
        args.model,
        args.out,
        quantize=args.quantize,
        dataset=args.dataset,
        epochs=args.epochs,
        representative_latents=args.representative_latents,
        **refiner,
    )
    errors = card["export_errors"]
    print(
        f"Exported {card.get('variant') or card.get('network')} "
        f"({card.get('kind')}) to {args.out!r} (quantize="
        f"{card['quantize']}): SavedModel max abs error "
        f"{errors['saved_model_max_abs_error']:.3g}, TFLite max abs error "
        f"{errors['tflite_max_abs_error']:.3g}."
    )
    return EXIT_OK


def _eval(args):
    with _stdout_to_stderr():
        from keras_gans.metrics import evaluate

        data_dir = args.data_dir
        if args.sr_data is not None or args.scale is not None:
            data_dir = _upscaler_data_dir(args)
        result = evaluate(
            args.artifact,
            args.dataset,
            data_dir=data_dir,
            n=args.n,
            seed=args.seed,
            cache_dir=args.cache_dir,
            n_real=args.n_real,
            batch_size=args.batch_size,
            extractor=args.extractor,
            feature_layer=args.feature_layer,
        )
    line = json.dumps(result)
    if args.output:
        with open(args.output, "w") as handle:
            handle.write(line + "\n")
    print(line, flush=True)
    return EXIT_OK


def _upscaler_data_dir(args):
    """The HR folder of `eval --sr-data/--scale`, after checking that the
    artifact is an upscaler of that scale.

    The artifact is loaded here and again by `evaluate`: only with these
    flags, so that a wrong kind or scale fails before any scoring.
    """
    from keras_gans.export import artifact_kinds
    from keras_gans.export import load_artifact
    from keras_gans.utils.validation import format_received

    if (
        args.sr_data is not None
        and args.data_dir is not None
        and os.path.abspath(args.sr_data) != os.path.abspath(args.data_dir)
    ):
        raise ValueError(
            "`--sr-data` is the upscaler's HR folder, as `--data-dir`: "
            "give one of them, or the same folder. "
            + format_received(sr_data=args.sr_data, data_dir=args.data_dir)
        )
    artifact = load_artifact(args.artifact)
    flag, value = (
        ("sr_data", args.sr_data) if args.sr_data is not None
        else ("scale", args.scale)
    )
    if artifact.kind != artifact_kinds.UPSCALER:
        raise ValueError(
            f"`--{flag.replace('_', '-')}` is for super-resolution "
            f"upscalers; `{args.artifact}` is "
            f"{artifact_kinds.describe(artifact.kind)}: measure it with "
            "`--dataset` (and `--data-dir`). "
            + format_received(**{flag: value})
        )
    if args.scale is not None and args.scale != artifact.scale:
        raise ValueError(
            f"`--scale` must be the upscaler's own factor: "
            f"`{args.artifact}` upscales x{artifact.scale}. "
            + format_received(scale=args.scale)
        )
    return args.sr_data if args.sr_data is not None else args.data_dir


@contextlib.contextmanager
def _stdout_to_stderr():
    """Sends everything written to stdout (also by C code) to stderr, so
    that stdout carries only the command's JSON line."""
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no file descriptor (e.g. captured in-process)
        with contextlib.redirect_stdout(sys.stderr):
            yield
        return
    try:
        os.dup2(2, 1)
        with contextlib.redirect_stdout(sys.stderr):
            yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


if __name__ == "__main__":
    sys.exit(main())
