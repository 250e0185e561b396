"""What every recipe shares: flags, backend selection, the training run.

A recipe supplies a parser (from `build_parser`), per-dataset defaults and
a function that builds and compiles its model; `run()` does the rest: load
the data, resume from the last checkpoint if asked, `fit` with a sample
grid and checkpoints per epoch, then export the generator to `--out`.
"""

import argparse
import json
import os
import subprocess
import sys
import time

from keras_gans.recipes.strategy import STRATEGIES
from keras_gans.recipes.strategy import non_chief_name
from keras_gans.recipes.strategy import select_strategy

BACKENDS = ("tensorflow", "jax", "torch")


def build_parser(recipe, description):
    """The flags shared by every recipe.

    Args:
        recipe: recipe name (`"dcgan"`), used in default paths.
        description: one-paragraph help text.

    Returns:
        An `argparse.ArgumentParser`; recipes may add their own flags.
    """
    parser = argparse.ArgumentParser(
        prog=f"recipes/{recipe}.py", description=description
    )
    parser.add_argument(
        "--dataset",
        default="digits",
        help="'digits' (bundled, default), 'mnist-idx', 'folder' or a "
        "tensorflow-datasets name",
    )
    parser.add_argument(
        "--data-dir", default=None, help="files of mnist-idx / folder data"
    )
    parser.add_argument(
        "--epochs", type=int, default=None, help="default: per dataset"
    )
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--latent-dim", type=int, default=None)
    parser.add_argument(
        "--image-shape",
        type=_parse_shape,
        default=None,
        help="H,W,C of the training images (default: per dataset)",
    )
    parser.add_argument(
        "--out",
        default=None,
        help=f"export directory (default saved_models/{recipe}_<dataset>)",
    )
    parser.add_argument(
        "--run-dir",
        default=None,
        help=f"checkpoints and sample grids (default runs/{recipe}_<dataset>)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--backend",
        choices=BACKENDS,
        default=None,
        help="Keras backend (sets KERAS_BACKEND before Keras is imported)",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="continue from the last checkpoint in --run-dir",
    )
    parser.add_argument(
        "--quantize",
        choices=("float16", "int8"),
        default=None,
        help="quantize the exported TFLite weights",
    )
    parser.add_argument(
        "--no-export", action="store_true", help="train only, export nothing"
    )
    parser.add_argument(
        "--verbose", type=int, default=None, help="Keras fit verbosity"
    )
    parser.add_argument(
        "--strategy",
        choices=STRATEGIES,
        default="auto",
        help="data parallelism: auto (all GPUs of this host on TF, all "
        "devices on JAX), mirrored, multiworker (TF_CONFIG on TF) or tpu; "
        "--batch-size is the global batch",
    )
    parser.add_argument(
        "--dtype-policy",
        choices=("float32", "mixed_float16", "mixed_bfloat16"),
        default="float32",
        help="mixed_float16 on GPUs (one loss scale per optimizer), "
        "mixed_bfloat16 on TPUs and bf16-capable CPUs; exports stay float32",
    )
    return parser


def add_optimizer_flags(parser, d_steps_help="D steps per G step"):
    """`--d-lr`, `--g-lr`, `--ema-decay`, `--d-steps`: the training flags
    of the variant and conditional recipes (unset keeps the model's own
    setting)."""
    parser.add_argument(
        "--d-lr", type=float, default=None, help="discriminator learning rate"
    )
    parser.add_argument(
        "--g-lr", type=float, default=None, help="generator learning rate"
    )
    parser.add_argument(
        "--ema-decay",
        type=float,
        default=None,
        help="EMA of the generator weights (0 disables)",
    )
    parser.add_argument(
        "--d-steps", type=int, default=None, help=d_steps_help
    )
    return parser


def compile_with_flags(gan, args):
    """Compiles `gan` with its default optimizers, `--d-lr`/`--g-lr` applied.

    Returns:
        `gan`, compiled.
    """
    optimizers = gan.default_optimizers()
    for key, rate in (("discriminator", args.d_lr), ("generator", args.g_lr)):
        if rate is not None:
            optimizers[key].learning_rate = rate
    gan.compile(
        d_optimizer=optimizers["discriminator"],
        g_optimizer=optimizers["generator"],
    )
    return gan


def _parse_shape(text):
    try:
        shape = tuple(int(part) for part in text.split(","))
    except ValueError:
        shape = ()
    if len(shape) != 3:
        raise argparse.ArgumentTypeError(
            f"expected H,W,C such as 28,28,1. Received: {text!r}"
        )
    return shape


def relaunch_if_other_backend(module, argv, backend):
    """Runs `python -m module argv` under `backend` if Keras runs another.

    Keras fixes its backend when first imported, which importing a recipe
    already did; a different `--backend` therefore needs a new process.

    Returns:
        The child's exit code, or `None` when the current backend is fine.
    """
    import keras

    if backend is None or keras.backend.backend() == backend:
        return None
    env = dict(os.environ, KERAS_BACKEND=backend)
    command = [sys.executable, "-m", module, *argv]
    return subprocess.run(command, env=env, check=False).returncode


def resolve(args, recipe, dataset_defaults):
    """Fills unset flags from `dataset_defaults[args.dataset]` (or `"*"`)."""
    defaults = dataset_defaults.get(args.dataset, dataset_defaults["*"])
    for key, value in defaults.items():
        if getattr(args, key, None) is None:
            setattr(args, key, value)
    safe_name = args.dataset.replace("/", "_")
    if args.out is None:
        args.out = os.path.join("saved_models", f"{recipe}_{safe_name}")
    if args.run_dir is None:
        args.run_dir = os.path.join("runs", f"{recipe}_{safe_name}")
    if args.image_shape is None:
        from keras_gans import data

        args.image_shape = data.info(
            args.dataset, data_dir=args.data_dir
        ).image_shape
    return args


def start_run(args):
    """Sets up `--strategy`, `--dtype-policy` and `--seed` for a run.

    Call it before loading data or building the model (see
    `select_strategy`). On a worker that is not the chief, `args.run_dir`
    becomes its own subfolder and the export is turned off: only the chief
    writes checkpoints and exports.

    Args:
        args: parsed flags with `strategy`, `batch_size`, `dtype_policy`,
            `seed` and `run_dir`.

    Returns:
        `(scope, num_replicas)` from `select_strategy`: build, compile and
        restore the model inside `scope`.
    """
    import keras

    scope, replicas = select_strategy(args.strategy, args.batch_size)
    worker = non_chief_name()
    if worker is not None:
        args.run_dir = os.path.join(args.run_dir, worker)
        args.no_export = True
    keras.config.set_dtype_policy(args.dtype_policy)
    keras.utils.set_random_seed(args.seed)
    return scope, replicas


def run(args, build_model):
    """Trains `build_model(args)` on `args.dataset` and exports it.

    Args:
        args: parsed and resolved flags.
        build_model: callable `(args) -> compiled AdversarialModel`.

    Returns:
        A summary dict (also written to `run_dir/summary.json`). When
        `NaNGuard` stopped a diverging run it has a `"diverged"` entry
        (the loss, its value and the step) and nothing is exported.
    """
    import keras

    from keras_gans import callbacks
    from keras_gans import data
    from keras_gans.utils.images import save_grid

    scope, replicas = start_run(args)
    checkpoint = callbacks.TrainingCheckpoint(
        os.path.join(args.run_dir, "checkpoints")
    )
    with scope:
        gan, initial_epoch = model_and_epoch(args, build_model, checkpoint)
    # Epoch-keyed shuffling: a resumed run sees, epoch for epoch, the
    # batches of an uninterrupted one.
    dataset = data.load(
        args.dataset,
        batch_size=args.batch_size,
        data_dir=args.data_dir,
        image_shape=args.image_shape,
        with_labels=getattr(args, "with_labels", False),
        seed=args.seed,
        epochs=args.epochs,
        initial_epoch=min(initial_epoch, args.epochs),
    )
    grids = callbacks.SampleGrid(
        os.path.join(args.run_dir, "samples"), **_grid_layout(gan)
    )
    guard = callbacks.NaNGuard()
    start = time.perf_counter()
    if initial_epoch < args.epochs:
        gan.fit(
            dataset,
            epochs=args.epochs,
            initial_epoch=initial_epoch,
            steps_per_epoch=len(dataset) // (args.epochs - initial_epoch),
            callbacks=[grids, guard, checkpoint],
            verbose=verbosity(args.verbose),
        )
    train_seconds = time.perf_counter() - start
    if guard.diverged is not None:
        return diverged_summary(args, gan, initial_epoch, guard)
    gan.save(os.path.join(args.run_dir, "final.keras"))
    summary = {
        "recipe": type(gan).__name__,
        "backend": keras.backend.backend(),
        "dataset": args.dataset,
        "epochs": args.epochs,
        "resumed_from_epoch": initial_epoch,
        "generator_steps": int(
            keras.ops.convert_to_numpy(gan.g_optimizer.iterations)
        ),
        "train_seconds": round(train_seconds, 1),
        "replicas": replicas,
        "dtype_policy": args.dtype_policy,
        "run_dir": args.run_dir,
    }
    if not args.no_export:
        from keras_gans.export import export_generator

        card = export_generator(
            gan,
            args.out,
            quantize=args.quantize,
            dataset=args.dataset,
            epochs=args.epochs,
        )
        images, rows = final_samples(gan, args.seed)
        save_grid(images, os.path.join(args.out, "samples.png"), rows=rows)
        summary["out"] = args.out
        summary["export_errors"] = card["export_errors"]
    with open(os.path.join(args.run_dir, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
    print("SUMMARY " + json.dumps(summary))
    return summary


def main(
    module,
    recipe,
    description,
    dataset_defaults,
    add_flags,
    build_model,
    argv=None,
):
    """A recipe's command line: parse, pick the backend, resolve, run.

    Args:
        module: the recipe's module name (relaunched with `python -m` when
            `--backend` differs from the running one).
        recipe: recipe name for default paths (`"wgan_gp"`).
        description: help text.
        dataset_defaults: per-dataset defaults (see `resolve`).
        add_flags: `parser -> parser` adding the recipe's own flags.
        build_model: `args -> compiled AdversarialModel`.
        argv: arguments (default `sys.argv[1:]`).

    Returns:
        The process exit code: 0, or 1 when training diverged.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    args = add_flags(build_parser(recipe, description)).parse_args(argv)
    code = relaunch_if_other_backend(module, argv, args.backend)
    if code is not None:
        return code
    resolve(args, recipe, dataset_defaults)
    summary = run(args, build_model)
    return 1 if "diverged" in summary else 0


# A conditional model's grids show this many classes, one per row, and
# this many samples of each.
GRID_CLASSES = 10
GRID_PER_CLASS = 10


def _grid_layout(gan):
    """`SampleGrid` size: 64 samples, or one row per class (conditional).

    `generate(n)` draws the class-balanced labels in ascending blocks, so
    `n = rows * GRID_PER_CLASS` fills row `r` with class `r` when there are
    `rows` classes (with more classes, a row spans several).
    """
    if not gan.uses_labels:
        return {}
    rows = min(gan.num_classes, GRID_CLASSES)
    return {"n": rows * GRID_PER_CLASS, "rows": rows}


def final_samples(gan, seed):
    """`(images, rows)` of the exported `samples.png`.

    Unconditional: 64 samples in a square grid. Conditional: the first
    `GRID_CLASSES` classes, one row each with `GRID_PER_CLASS` samples
    (a 10x10 grid for ten classes).
    """
    if not gan.uses_labels:
        return gan.generate(64, seed=seed), None
    import numpy as np

    rows = min(gan.num_classes, GRID_CLASSES)
    labels = np.repeat(np.arange(rows, dtype="int32"), GRID_PER_CLASS)
    return gan.generate(len(labels), labels=labels, seed=seed), rows


def verbosity(verbose):
    """The `fit()` verbosity of the `--verbose` flag (default: per stdout)."""
    # A progress bar redrawn with carriage returns turns into one long line
    # in logs: print one line per epoch when stdout is not a terminal.
    if verbose is not None:
        return verbose
    return 1 if sys.stdout.isatty() else 2


def diverged_summary(args, gan, initial_epoch, guard):
    """The summary of a run `NaNGuard` stopped: no final model, no export.

    Writes it to `run_dir/summary.json` and returns it; its `"diverged"`
    entry is `guard.diverged`.
    """
    import keras

    summary = {
        "recipe": type(gan).__name__,
        "backend": keras.backend.backend(),
        "dataset": args.dataset,
        "epochs": args.epochs,
        "resumed_from_epoch": initial_epoch,
        "diverged": guard.diverged,
        "run_dir": args.run_dir,
    }
    os.makedirs(args.run_dir, exist_ok=True)
    with open(os.path.join(args.run_dir, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
    print(
        "Training diverged (see the NaNGuard message above); nothing "
        "exported. The checkpoints from before the divergence are in "
        f"{os.path.join(args.run_dir, 'checkpoints')}."
    )
    return summary


def model_and_epoch(args, build_model, checkpoint):
    """`(model, epoch)`: the last checkpoint's with `--resume`, if any,
    else `(build_model(args), 0)`."""
    if args.resume:
        restored = checkpoint.restore()
        if restored is not None:
            gan, epoch = restored
            print(f"Resuming from {checkpoint.latest()[0]} (epoch {epoch}).")
            return gan, epoch
        print(f"No checkpoint in {checkpoint.directory}: starting afresh.")
    return build_model(args), 0
