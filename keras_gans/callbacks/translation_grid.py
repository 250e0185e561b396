"""`TranslationGrid`: PNG panels of held-out translations every k epochs."""

import os

import numpy as np

from keras_gans.callbacks.periodic_callback import PeriodicCallback
from keras_gans.metrics.translation_evaluation import to_model_range
from keras_gans.utils.images import save_grid
from keras_gans.utils.validation import check_directory_arg


def _rgb_if_mixed(rows):
    channels = {row.shape[-1] for row in rows}
    if len(channels) == 1:
        return rows
    return [np.repeat(r, 3, axis=-1) if r.shape[-1] == 1 else r for r in rows]


def translation_panel(model, a_images, b_images=None, paired=True):
    """`(images, rows)` of a panel showing what a translator does.

    Paired models (one direction): rows input, output, target (the
    triptych of the pix2pix paper). Two-way models: rows A, A->B, A->B->A,
    B, B->A, B->A->B, so a glance shows translation and cycle
    reconstruction. Grayscale rows are repeated to RGB next to colour ones.

    Args:
        model: a `keras_gans.TranslationModel`.
        a_images: A images (uint8 or floats in [-1, 1]), one per column.
        b_images: B images: the targets of `a_images` when `paired`, or B
            images of their own for a two-way model.
        paired: whether `b_images` are aligned targets.

    Returns:
        `(images, rows)` for `keras_gans.utils.images.save_grid`.
    """
    a = to_model_range(a_images)
    rows = [a, model.translate(a, "a_to_b")]
    if "b_to_a" in model.directions:
        rows.append(model.translate(rows[1], "b_to_a"))
    if b_images is not None:
        b = to_model_range(b_images)
        if paired or "b_to_a" not in model.directions:
            rows.append(b)
        else:
            to_a = model.translate(b, "b_to_a")
            rows += [b, to_a, model.translate(to_a, "a_to_b")]
    rows = _rgb_if_mixed([np.clip(r, -1.0, 1.0) for r in rows])
    return np.concatenate(rows, axis=0), len(rows)


class TranslationGrid(PeriodicCallback):
    """Writes `directory/epoch_XXXX.png`: translations of fixed held-out images.

    Args:
        directory: folder for the PNG files; created if missing.
        a_images: held-out A images shown in every grid (e.g. 8).
        b_images: their targets (paired) or held-out B images (two-way).
        paired: whether `b_images` are aligned targets.
        every: write a grid every `every` epochs (and after the last one).

    Example:

    ```python
    test = keras_gans.data.load_translation_arrays("digits-edges")
    grid = keras_gans.callbacks.TranslationGrid(
        "runs/pix2pix/samples", test.a[:8], test.b[:8]
    )
    ```
    """

    def __init__(self, directory, a_images, b_images=None, paired=True,
                 every=1):
        super().__init__(every)
        self.directory = check_directory_arg("directory", directory)
        self.a_images = to_model_range(a_images)
        self.b_images = None if b_images is None else to_model_range(b_images)
        self.paired = bool(paired)
        self.paths = []

    def on_period(self, epoch, logs):
        images, rows = translation_panel(
            self.model, self.a_images, self.b_images, self.paired
        )
        path = os.path.join(self.directory, f"epoch_{epoch + 1:04d}.png")
        self.paths.append(save_grid(images, path, rows=rows))
