"""`RecipeRunner`: one recipe's command line and training run."""

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable

from keras_gans.recipes.recipe_flags import build_parser
from keras_gans.recipes.recipe_kind import RecipeKind
from keras_gans.recipes.resume_check import restore_matching
from keras_gans.recipes.run_directory_error import RunDirectoryError
from keras_gans.recipes.run_directory_lock import RunDirectoryLock
from keras_gans.utils.checkpoint_write_error import CheckpointWriteError

# `main`'s exit codes besides 0. argparse exits with 2 on a usage error
# (and `keras-gans train` passes the recipe's code on), hence 3.
EXIT_DIVERGED = 1
EXIT_RUN_FAILED = 3


@dataclasses.dataclass(frozen=True)
class RecipeRunner:
    """A recipe: what it declares, and the run every recipe shares.

    A recipe module declares one runner (`RECIPE = RecipeRunner(...)`) and
    its `main(argv)` is `RECIPE.main(argv)`. The runner parses the shared
    flags, the kind's and the recipe's own; relaunches itself under another
    `--backend`; fills unset flags from the per-dataset defaults; sets up
    `--strategy`, `--dtype-policy` and `--seed`; builds the model, or with
    `--resume` restores the last checkpoint of `--run-dir` (refusing one of
    another model, image shape or backend); holds `--run-dir` for the run
    (`RunDirectoryLock`: a second run there refuses); trains with a
    checkpoint per epoch, the kind's grids and scores, a `NaNGuard`, the
    `TrainingCurves` of every logged loss and score (`run_dir/curves.png`
    and `curves.json`, continued by a resumed run) and, with
    `--tensorboard`, TensorBoard logs in `run_dir/tensorboard`; saves
    `final.keras`; exports (unless `--no-export`; the curves PNG goes next
    to the exported `samples.png`); and writes `summary.json` and a
    `SUMMARY {json}` line.

    A model with a staged plan (stages with step counts, see
    `keras_gans.Stage`) is trained with `fit_stages`: its stages set the
    number of epochs, a checkpoint restores it inside the stage it was
    saved in, and the summary lists the stages.

    Args:
        module: the recipe's module name (relaunched with `python -m` when
            `--backend` differs from the running one).
        name: recipe name for default paths (`"wgan_gp"`).
        description: help text.
        kind: the `RecipeKind` (`LatentKind()`, `TranslationKind(paired)`).
        dataset_defaults: per-dataset flag defaults, `{dataset: {flag:
            value}}` with `"*"` for any other dataset.
        build_model: `args -> compiled model`, called through
            `kind.build` (a translation recipe's also takes the image
            shapes and the total steps).
        add_flags: optional `parser -> parser` adding the recipe's flags.
    """

    module: str
    name: str
    description: str
    kind: RecipeKind
    dataset_defaults: dict
    build_model: Callable
    add_flags: Callable | None = None

    def build_parser(self):
        """The shared flags, then the kind's, then the recipe's own."""
        parser = build_parser(
            self.name,
            self.description,
            dataset_default=self.kind.default_dataset(),
            dataset_help=self.kind.dataset_help,
            data_dir_help=self.kind.data_dir_help,
        )
        parser = self.kind.add_flags(parser)
        if self.add_flags is not None:
            parser = self.add_flags(parser)
        return parser

    def parse_args(self, argv=None):
        """The parsed and resolved flags of `argv` (default `sys.argv[1:]`)."""
        argv = sys.argv[1:] if argv is None else argv
        return self.resolve(self.build_parser().parse_args(argv))

    def resolve(self, args):
        """Fills unset flags from `dataset_defaults[args.dataset]` (or
        `"*"`), the default paths, then the kind's own defaults."""
        defaults = self.dataset_defaults.get(
            args.dataset, self.dataset_defaults["*"]
        )
        given = {key for key, value in vars(args).items() if value is not None}
        for key, value in defaults.items():
            if getattr(args, key, None) is None and not _rival_given(key, given):
                setattr(args, key, value)
        safe_name = args.dataset.replace("/", "_")
        if args.out is None:
            args.out = os.path.join("saved_models", f"{self.name}_{safe_name}")
        if args.run_dir is None:
            args.run_dir = os.path.join("runs", f"{self.name}_{safe_name}")
        self.kind.resolve(args)
        return args

    def main(self, argv=None):
        """The recipe's command line: parse, pick the backend, resolve, run.

        A run that cannot start or go on for a reason the user must fix
        prints the reason on stderr, without a traceback: its `--run-dir`
        is held by another run or holds, for `--resume`, a checkpoint of
        another model, image shape or backend (`RunDirectoryError`), or a
        checkpoint could not be written (`CheckpointWriteError`, e.g. a
        full disk; the previous checkpoint is kept for `--resume`).

        Returns:
            The process exit code: 0; `EXIT_DIVERGED` (1) when training
            diverged; `EXIT_RUN_FAILED` (3) for the errors above. (A usage
            error exits with argparse's 2.)
        """
        argv = list(sys.argv[1:] if argv is None else argv)
        args = self.build_parser().parse_args(argv)
        code = _relaunch_if_other_backend(self.module, argv, args.backend)
        if code is not None:
            return code
        try:
            summary = self.run(self.resolve(args))
        except (RunDirectoryError, CheckpointWriteError) as error:
            print(f"{self.name}: error: {error}", file=sys.stderr)
            return EXIT_RUN_FAILED
        return EXIT_DIVERGED if "diverged" in summary else 0

    def run(self, args):
        """Trains the recipe's model on `args.dataset` and exports it.

        Args:
            args: parsed and resolved flags.

        Returns:
            The summary dict (also written to `run_dir/summary.json`). When
            `NaNGuard` stopped a diverging run it has a `"diverged"` entry
            (the loss, its value and the step) and nothing is saved,
            scored or exported.

        Raises:
            RunDirectoryError: if another run holds `args.run_dir`, or
                `--resume` finds a checkpoint of another model there.
            CheckpointWriteError: if a checkpoint could not be written.
        """
        scope, replicas = _start_run(args)
        # After `_start_run`, which gives a worker that is not the chief a
        # folder of its own; released however the run ends.
        with RunDirectoryLock(args.run_dir):
            return self._train_and_export(args, scope, replicas)

    def _train_and_export(self, args, scope, replicas):
        """`run`'s work, with the run directory held."""
        import keras

        from keras_gans import callbacks

        state = self.kind.prepare(args)
        checkpoint = callbacks.TrainingCheckpoint(
            os.path.join(args.run_dir, "checkpoints")
        )
        with scope:
            model, initial_epoch = self._model_and_epoch(
                args, state, checkpoint
            )
        stages = planned_stages(model)
        if stages:
            steps = self.kind.steps_per_epoch(args, state)
            args.epochs = sum(stage.steps for stage in stages) // steps
        guard = callbacks.NaNGuard()
        # After the kind's scorers, which add their scores to the epoch
        # logs: the curves and TensorBoard see them.
        fit_callbacks = [
            *self.kind.callbacks(args, state, model),
            guard,
            checkpoint,
            *_logging_callbacks(args),
        ]
        start = time.perf_counter()
        if initial_epoch < args.epochs:
            self._fit(model, args, state, initial_epoch, fit_callbacks)
        train_seconds = time.perf_counter() - start
        summary = _summary_head(model, args, initial_epoch)
        if guard.diverged is not None:
            return _diverged(summary, args, guard)
        model.save(os.path.join(args.run_dir, "final.keras"))
        summary.update(
            generator_steps=int(
                keras.ops.convert_to_numpy(model.g_optimizer.iterations)
            ),
            train_seconds=round(train_seconds, 1),
            **self.kind.final_fields(args, state, model),
            replicas=replicas,
            dtype_policy=args.dtype_policy,
            run_dir=args.run_dir,
        )
        if not args.no_export:
            summary.update(self.kind.export(args, state, model, summary))
            _copy_curves(args)
        _write_summary(summary, args.run_dir)
        print("SUMMARY " + json.dumps(summary))
        return summary

    def _model_and_epoch(self, args, state, checkpoint):
        """`(model, epoch)`: the last checkpoint's with `--resume`, if any,
        else a new model at epoch 0."""
        # Built on `--resume` too: the checkpoint must hold a model like it.
        model = self.kind.build(self.build_model, args, state)
        if not args.resume:
            return model, 0
        restored = restore_matching(checkpoint, model)
        if restored is None:
            print(f"No checkpoint in {checkpoint.directory}: starting afresh.")
            return model, 0
        epoch = restored[1]
        print(f"Resuming from {checkpoint.path(epoch)} (epoch {epoch}).")
        return restored

    def _fit(self, model, args, state, initial_epoch, fit_callbacks):
        dataset = self.kind.dataset(args, state, initial_epoch)
        steps_per_epoch = len(dataset) // (args.epochs - initial_epoch)
        options = {
            "steps_per_epoch": steps_per_epoch,
            "callbacks": fit_callbacks,
            "verbose": _verbosity(args.verbose),
        }
        if not planned_stages(model):
            model.fit(
                dataset,
                epochs=args.epochs,
                initial_epoch=initial_epoch,
                **options,
            )
            return
        # The model knows its stage and the steps done in it: no
        # initial_epoch. fit_stages calls fit() once per stage, and each
        # fit() iterates its data anew (after reading ahead in the last
        # one): each iteration starts at the epoch after the last one done.
        import keras
        import tensorflow as tf

        next_epoch = [initial_epoch]

        def count(epoch, logs=None):
            next_epoch[0] = epoch + 1

        def batches():
            dataset = self.kind.dataset(args, state, next_epoch[0])
            return dataset.as_numpy_iterator()

        options["callbacks"] = [
            *fit_callbacks, keras.callbacks.LambdaCallback(on_epoch_end=count)
        ]
        model.fit_stages(
            tf.data.Dataset.from_generator(
                batches, output_signature=dataset.element_spec
            ),
            **options,
        )


def planned_stages(model):
    """`model.stages()` when they plan steps (a staged model), else `[]`.

    Every keras-gans model has one open-ended stage; a model whose stages
    give step counts trains with `fit_stages`.
    """
    stages = model.stages()
    if all(stage.steps is None for stage in stages):
        return []
    return stages


# Flags that replace each other: a default of one must not override the
# other given on the command line (a recipe defaulting to a fixed EMA decay
# would otherwise ignore `--ema-half-life`).
_RIVALS = ({"ema_decay", "ema_half_life"},)


def _rival_given(key, given):
    return any(key in pair and (pair - {key}) & given for pair in _RIVALS)


def _summary_head(model, args, initial_epoch):
    """The summary entries of every run, diverged or not."""
    import keras

    summary = {
        "recipe": type(model).__name__,
        "backend": keras.backend.backend(),
        "dataset": args.dataset,
        "epochs": args.epochs,
        "resumed_from_epoch": initial_epoch,
    }
    stages = planned_stages(model)
    if stages:
        summary["stages"] = [dataclasses.asdict(s) for s in stages]
        summary["stage"] = model.stage_name
    return summary


def _relaunch_if_other_backend(module, argv, backend):
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


def _start_run(args):
    """Sets up `--strategy`, `--dtype-policy` and `--seed` for a run.

    Called before loading data or building the model (see
    `select_strategy`). On a worker that is not the chief, `args.run_dir`
    becomes its own subfolder and the export is turned off: only the chief
    writes checkpoints and exports.

    Returns:
        `(scope, num_replicas)` from `select_strategy`: the model is built,
        compiled and restored inside `scope`.
    """
    import keras

    from keras_gans.recipes.strategy import non_chief_name
    from keras_gans.recipes.strategy import select_strategy

    scope, replicas = select_strategy(args.strategy, args.batch_size)
    worker = non_chief_name()
    if worker is not None:
        args.run_dir = os.path.join(args.run_dir, worker)
        args.no_export = True
    keras.config.set_dtype_policy(args.dtype_policy)
    keras.utils.set_random_seed(args.seed)
    return scope, replicas


def _verbosity(verbose):
    """The `fit()` verbosity of the `--verbose` flag (default: per stdout)."""
    # A progress bar redrawn with carriage returns turns into one long line
    # in logs: print one line per epoch when stdout is not a terminal.
    if verbose is not None:
        return verbose
    return 1 if sys.stdout.isatty() else 2


def _diverged(summary, args, guard):
    """The summary of a run `NaNGuard` stopped: no final model, no export."""
    summary = {**summary, "diverged": guard.diverged, "run_dir": args.run_dir}
    os.makedirs(args.run_dir, exist_ok=True)
    _write_summary(summary, args.run_dir)
    print(
        "Training diverged (see the NaNGuard message above); nothing "
        "exported. The checkpoints from before the divergence are in "
        f"{os.path.join(args.run_dir, 'checkpoints')}."
    )
    return summary


def _logging_callbacks(args):
    """`TrainingCurves` in the run folder, and TensorBoard's callback with
    `--tensorboard`."""
    import keras

    from keras_gans import callbacks

    logging = [callbacks.TrainingCurves(_curves_path(args.run_dir))]
    if args.tensorboard:
        # No graph: the train step of a GAN traced as one graph is of
        # little use to read, and only the TensorFlow backend has one.
        logging.append(
            keras.callbacks.TensorBoard(
                log_dir=os.path.join(args.run_dir, "tensorboard"),
                write_graph=False,
            )
        )
    return logging


def _curves_path(run_dir):
    return os.path.join(run_dir, "curves.png")


def _copy_curves(args):
    """Copies the run's curves PNG next to the export's `samples.png`."""
    curves = _curves_path(args.run_dir)
    if os.path.isfile(curves):  # a run that trained at least one epoch
        shutil.copyfile(curves, os.path.join(args.out, "curves.png"))


def _write_summary(summary, run_dir):
    with open(os.path.join(run_dir, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
