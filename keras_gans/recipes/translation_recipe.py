"""What the image-to-image recipes (pix2pix, cyclegan, discogan) share.

A recipe names its model class, whether its data is paired, and its
per-dataset defaults; `main()` parses the common flags (see
`keras_gans.recipes.common`) plus the translation ones, trains on the
train split with a translation grid, held-out scores and checkpoints per
epoch, scores the final model on the test split (against the trivial
baselines for paired data; cycle error and digit identity for unpaired
data) and exports every direction as SavedModel + TFLite. As in
`keras_gans.recipes.common`, `--resume` continues exactly where a killed
run stopped (epoch-keyed data, image pools and seed states in the
checkpoints) and a diverging run stops with exit code 1.
"""

import json
import os
import sys
import time

from keras_gans.recipes import common

# Columns of the translation grids and of the exported samples.png.
GRID_COLUMNS = 8


def add_translation_flags(parser):
    """Flags of every translation recipe."""
    parser.add_argument(
        "--image-size",
        type=_parse_size,
        default=None,
        help="H,W of the images (default: per dataset, 32,32 for digits)",
    )
    parser.add_argument(
        "--filters", type=int, default=None, help="base width of the networks"
    )
    parser.add_argument(
        "--lr", type=float, default=None, help="Adam learning rate of D and G"
    )
    parser.add_argument(
        "--d-layers",
        type=int,
        default=3,
        help="strided layers of the PatchGAN discriminators (3: the 70x70 "
        "PatchGAN, needs images of at least 24 px; 2 for smaller ones)",
    )
    parser.add_argument(
        "--jitter",
        choices=("auto", "on", "crop", "off"),
        default="auto",
        help="pix2pix jitter of the training images (auto: per dataset)",
    )
    parser.add_argument(
        "--eval-every",
        type=int,
        default=None,
        help="score the held-out images every k epochs (default: 5)",
    )
    parser.add_argument(
        "--no-identity",
        action="store_true",
        help="unpaired digit tasks: skip the identity classifiers",
    )
    return parser


def compile_adam(model, lr, decay_steps=None):
    """Compiles with Adam(lr, beta_1=0.5) for both sides (the papers').

    Args:
        model: a `TranslationModel`.
        lr: the learning rate.
        decay_steps: if given, the rate is held for the first half of
            these steps and decays linearly to zero at the end
            (`keras_gans.schedules.LinearDecay`, CycleGAN's schedule).

    Returns:
        `model`, compiled.
    """
    import keras

    from keras_gans.schedules import LinearDecay

    def adam():
        rate = lr if decay_steps is None else LinearDecay(lr, decay_steps)
        return keras.optimizers.Adam(learning_rate=rate, beta_1=0.5)

    model.compile(d_optimizer=adam(), g_optimizer=adam())
    return model


def _parse_size(text):
    import argparse

    try:
        size = tuple(int(part) for part in text.split(","))
    except ValueError:
        size = ()
    if len(size) != 2 or min(size) <= 0:
        raise argparse.ArgumentTypeError(
            f"expected H,W such as 32,32. Received: {text!r}"
        )
    return size


def resolve(args, recipe, dataset_defaults):
    """Fills unset flags from the dataset's defaults (or `"*"`)."""
    defaults = dataset_defaults.get(args.dataset, dataset_defaults["*"])
    for key, value in defaults.items():
        if getattr(args, key, None) is None:
            setattr(args, key, value)
    if args.eval_every is None:
        args.eval_every = 5
    safe_name = args.dataset.replace("/", "_")
    if args.out is None:
        args.out = os.path.join("saved_models", f"{recipe}_{safe_name}")
    if args.run_dir is None:
        args.run_dir = os.path.join("runs", f"{recipe}_{safe_name}")
    return args


_JITTER = {"auto": None, "on": True, "crop": "crop", "off": False}


def load_arrays(args):
    """`(test_arrays, train_arrays)` of the resolved flags, in file order."""
    from keras_gans import data

    return tuple(
        data.load_translation_arrays(
            args.dataset,
            data_dir=args.data_dir,
            split=split,
            image_size=args.image_size,
        )
        for split in ("test", "train")
    )


def load_dataset(args, paired, initial_epoch=0):
    """The training batches of epochs `initial_epoch` to `args.epochs - 1`.

    Epoch-keyed (see `keras_gans.data.load_paired`): a resumed run sees,
    epoch for epoch, the batches and jitter of an uninterrupted one.
    """
    from keras_gans import data

    loader = data.load_paired if paired else data.load_unpaired
    return loader(
        args.dataset,
        data_dir=args.data_dir,
        split="train",
        image_size=args.image_size,
        batch_size=args.batch_size,
        jitter=_JITTER[args.jitter],
        seed=args.seed,
        epochs=args.epochs,
        initial_epoch=initial_epoch,
    )


def _scoring_callbacks(args, paired, test, train):
    """The held-out scoring callback, and the unpaired identity classifiers."""
    from keras_gans import callbacks
    from keras_gans.metrics import translation_evaluation

    if paired:
        mean_target = (train.b.astype("float32") / 127.5 - 1.0).mean(axis=0)
        return callbacks.TranslationMetrics(
            test, every=args.eval_every, mean_target=mean_target
        )
    classifiers = None
    if not args.no_identity and train.a_labels is not None:
        start = time.perf_counter()
        classifiers = translation_evaluation.domain_classifiers(
            train, seed=args.seed
        )
        print(
            "Identity classifiers: held-out accuracy "
            f"A {classifiers[0].accuracy:.3f}, B {classifiers[1].accuracy:.3f}"
            f" ({time.perf_counter() - start:.0f} s)."
        )
    return callbacks.TranslationMetrics(
        test, every=args.eval_every, classifiers=classifiers
    )


def run(args, build_model, paired):
    """Trains `build_model(args, a_shape, b_shape, total_steps)`; exports.

    As `keras_gans.recipes.common.run`: with `--resume` the last checkpoint
    is restored first and the data is loaded from its epoch on, so the
    resumed run trains on the batches an uninterrupted one would;
    `NaNGuard` stops a diverging run.

    Returns:
        The summary dict (also in `run_dir/summary.json`). When `NaNGuard`
        stopped a diverging run it has a `"diverged"` entry (the loss, its
        value and the step); nothing is scored, saved or exported then.
    """
    import keras

    from keras_gans import callbacks
    from keras_gans.data.translation_pipeline import epoch_steps

    scope, replicas = common.start_run(args)
    test, train = load_arrays(args)
    a_shape, b_shape = test.a.shape[1:], test.b.shape[1:]
    steps_per_epoch = epoch_steps(len(train.a), len(train.b), args.batch_size)

    def build(args):
        total_steps = args.epochs * steps_per_epoch
        return build_model(args, a_shape, b_shape, total_steps)

    checkpoint = callbacks.TrainingCheckpoint(
        os.path.join(args.run_dir, "checkpoints")
    )
    with scope:
        model, initial_epoch = common.model_and_epoch(args, build, checkpoint)
    scores = _scoring_callbacks(args, paired, test, train)
    grid = callbacks.TranslationGrid(
        os.path.join(args.run_dir, "samples"),
        test.a[:GRID_COLUMNS],
        test.b[:GRID_COLUMNS],
        paired=paired,
    )
    guard = callbacks.NaNGuard()
    start = time.perf_counter()
    if initial_epoch < args.epochs:
        dataset = load_dataset(args, paired, initial_epoch)
        model.fit(
            dataset,
            epochs=args.epochs,
            initial_epoch=initial_epoch,
            steps_per_epoch=len(dataset) // (args.epochs - initial_epoch),
            callbacks=[scores, grid, guard, checkpoint],
            verbose=common.verbosity(args.verbose),
        )
    train_seconds = time.perf_counter() - start
    if guard.diverged is not None:
        return common.diverged_summary(args, model, initial_epoch, guard)
    model.save(os.path.join(args.run_dir, "final.keras"))
    # fit() hands the callbacks the model; a finished run that is resumed
    # does not fit, and is scored all the same.
    scores.set_model(model)
    final_scores = scores.compute()
    summary = {
        "recipe": type(model).__name__,
        "backend": keras.backend.backend(),
        "dataset": args.dataset,
        "epochs": args.epochs,
        "resumed_from_epoch": initial_epoch,
        "generator_steps": int(
            keras.ops.convert_to_numpy(model.g_optimizer.iterations)
        ),
        "train_seconds": round(train_seconds, 1),
        "test_scores": final_scores,
        "replicas": replicas,
        "dtype_policy": args.dtype_policy,
        "run_dir": args.run_dir,
    }
    if not args.no_export:
        summary.update(export(model, args, test, paired, summary))
    with open(os.path.join(args.run_dir, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
    print("SUMMARY " + json.dumps(summary))
    return summary


def export(model, args, test, paired, summary):
    """Exports each direction to `args.out/<direction>/`; writes samples.png.

    Returns:
        Summary fields: `out` and the `export_errors` of every direction.
    """
    from keras_gans.callbacks.translation_grid import translation_panel
    from keras_gans.export import export_translator
    from keras_gans.metrics.translation_evaluation import to_model_range
    from keras_gans.utils.images import save_grid

    errors = {}
    sources = {"a_to_b": test.a, "b_to_a": test.b}
    for direction in model.directions:
        card = export_translator(
            model.translator(direction),
            os.path.join(args.out, direction),
            quantize=args.quantize,
            parity_images=to_model_range(sources[direction][:4]),
            dataset=args.dataset,
            epochs=args.epochs,
            steps=summary["generator_steps"],
            direction=direction.replace("_to_", "->").upper(),
            extra_card={"test_scores": summary["test_scores"]},
        )
        errors[direction] = card["export_errors"]
    images, rows = translation_panel(
        model, test.a[:GRID_COLUMNS], test.b[:GRID_COLUMNS], paired
    )
    save_grid(images, os.path.join(args.out, "samples.png"), rows=rows)
    return {"out": args.out, "export_errors": errors}


def _adapt_shared_flags(parser, paired):
    import argparse

    from keras_gans import data

    actions = parser._option_string_actions
    sources = ", ".join(data.translation_sources(paired=paired))
    kind = "paired" if paired else "unpaired"
    parser.set_defaults(dataset=data.translation_sources(paired=paired)[0])
    actions["--dataset"].help = (
        f"{kind} data: {sources}"
        + ("" if paired else ", or a tensorflow-datasets cycle_gan/<name>")
    )
    actions["--data-dir"].help = "folder of folder / MNIST sources"
    # Latents and a single image shape mean nothing to a translator.
    for flag in ("--latent-dim", "--image-shape"):
        actions[flag].help = argparse.SUPPRESS


def main(module, recipe, description, dataset_defaults, build_model, paired,
         argv=None, add_flags=None):
    """A translation recipe's command line: parse, pick backend, resolve, run.

    Args:
        module: the recipe's module (relaunched under another `--backend`).
        recipe: recipe name for default paths.
        description: help text.
        dataset_defaults: per-dataset defaults (see `resolve`).
        build_model: `(args, a_shape, b_shape, total_steps) -> compiled
            TranslationModel`.
        paired: whether the recipe trains on aligned pairs.
        argv: arguments (default `sys.argv[1:]`).
        add_flags: optional `parser -> parser` adding the recipe's flags.

    Returns:
        The process exit code: 0, or 1 when training diverged.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = add_translation_flags(common.build_parser(recipe, description))
    _adapt_shared_flags(parser, paired)
    if add_flags is not None:
        parser = add_flags(parser)
    args = parser.parse_args(argv)
    code = common.relaunch_if_other_backend(module, argv, args.backend)
    if code is not None:
        return code
    resolve(args, recipe, dataset_defaults)
    summary = run(args, build_model, paired)
    return 1 if "diverged" in summary else 0
