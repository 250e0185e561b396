"""`TranslationKind`: recipes of image-to-image translators (pix2pix,
cyclegan, discogan)."""

import os
import time
import types

from keras_gans.recipes.recipe_flags import parse_size
from keras_gans.recipes.recipe_kind import RecipeKind

# Columns of the translation grids and of the exported samples.png.
GRID_COLUMNS = 8

_JITTER = {"auto": None, "on": True, "crop": "crop", "off": False}


class TranslationKind(RecipeKind):
    """Translators between two image domains, paired or unpaired.

    Trains on the train split (`keras_gans.data.load_paired` or
    `load_unpaired`, epoch-keyed), writes a `TranslationGrid` and scores
    the held-out test split every `--eval-every` epochs, scores the final
    model (against the trivial baselines for paired data; cycle error and
    digit identity for unpaired data) and exports every direction with
    `keras_gans.export.export_translator`. The recipe's `build_model` is
    called as `build_model(args, a_shape, b_shape, total_steps)`.

    Args:
        paired: whether the recipe trains on aligned pairs.
    """

    data_dir_help = "folder of folder / MNIST sources"

    def __init__(self, paired):
        self.paired = paired

    @property
    def dataset_help(self):
        from keras_gans import data

        sources = ", ".join(data.translation_sources(paired=self.paired))
        if self.paired:
            return f"paired data: {sources}"
        return (
            f"unpaired data: {sources}, or a tensorflow-datasets "
            "cycle_gan/<name>"
        )

    def default_dataset(self):
        from keras_gans import data

        return data.translation_sources(paired=self.paired)[0]

    def add_flags(self, parser):
        parser.add_argument(
            "--image-size",
            type=parse_size,
            default=None,
            help="H,W of the images (default: per dataset, 32,32 for digits)",
        )
        parser.add_argument(
            "--filters",
            type=int,
            default=None,
            help="base width of the networks",
        )
        parser.add_argument(
            "--lr",
            type=float,
            default=None,
            help="Adam learning rate of D and G",
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

    def resolve(self, args):
        if args.eval_every is None:
            args.eval_every = 5

    def prepare(self, args):
        """The test and train arrays (in file order), their shapes and the
        steps of one epoch."""
        from keras_gans import data
        from keras_gans.data.epoch_pipeline import epoch_steps

        test, train = (
            data.load_translation_arrays(
                args.dataset,
                data_dir=args.data_dir,
                split=split,
                image_size=args.image_size,
            )
            for split in ("test", "train")
        )
        return types.SimpleNamespace(
            test=test,
            train=train,
            steps_per_epoch=epoch_steps(
                len(train.a), len(train.b), args.batch_size
            ),
            scores=None,
        )

    def build(self, build_model, args, state):
        total_steps = args.epochs * state.steps_per_epoch
        a_shape, b_shape = state.test.a.shape[1:], state.test.b.shape[1:]
        return build_model(args, a_shape, b_shape, total_steps)

    def steps_per_epoch(self, args, state):
        return state.steps_per_epoch

    def dataset(self, args, state, initial_epoch):
        # Epoch-keyed (see `keras_gans.data.load_paired`): a resumed run
        # sees, epoch for epoch, the batches and jitter of an
        # uninterrupted one.
        from keras_gans import data

        loader = data.load_paired if self.paired else data.load_unpaired
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

    def callbacks(self, args, state, model):
        from keras_gans import callbacks

        state.scores = self._scores(args, state)
        grid = callbacks.TranslationGrid(
            os.path.join(args.run_dir, "samples"),
            state.test.a[:GRID_COLUMNS],
            state.test.b[:GRID_COLUMNS],
            paired=self.paired,
        )
        return [state.scores, grid]

    def _scores(self, args, state):
        """The held-out scoring callback, with the unpaired identity
        classifiers."""
        from keras_gans import callbacks
        from keras_gans.metrics import translation_evaluation

        test, train = state.test, state.train
        if self.paired:
            mean_target = (train.b.astype("float32") / 127.5 - 1.0).mean(
                axis=0
            )
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
                f"A {classifiers[0].accuracy:.3f}, "
                f"B {classifiers[1].accuracy:.3f} "
                f"({time.perf_counter() - start:.0f} s)."
            )
        return callbacks.TranslationMetrics(
            test, every=args.eval_every, classifiers=classifiers
        )

    def final_fields(self, args, state, model):
        # fit() hands the callbacks the model; a finished run that is
        # resumed does not fit, and is scored all the same.
        state.scores.set_model(model)
        return {"test_scores": state.scores.compute()}

    def export(self, args, state, model, summary):
        """Exports each direction to `args.out/<direction>/`; writes
        samples.png."""
        from keras_gans.callbacks.translation_grid import translation_panel
        from keras_gans.export import export_translator
        from keras_gans.metrics.translation_evaluation import to_model_range
        from keras_gans.utils.images import save_grid

        test = state.test
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
            model, test.a[:GRID_COLUMNS], test.b[:GRID_COLUMNS], self.paired
        )
        save_grid(images, os.path.join(args.out, "samples.png"), rows=rows)
        return {"out": args.out, "export_errors": errors}


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
