"""`TranslationGrid`: PNG panels of held-out translations every k epochs."""

import numpy as np

from keras_gans.callbacks.panel_grid import PanelGrid
from keras_gans.metrics.image_checks import to_model_range


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
    rows = translation_rows(model, a_images, b_images, paired)
    channels = max(row.shape[-1] for row in rows)
    rows = [np.broadcast_to(r, r.shape[:-1] + (channels,)) for r in rows]
    return np.concatenate(rows, axis=0), len(rows)


def translation_rows(model, a_images, b_images=None, paired=True):
    """The rows of `translation_panel` as a list (for `make_panel`)."""
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
    return [np.clip(r, -1.0, 1.0) for r in rows]


class TranslationGrid(PanelGrid):
    """Writes `directory/epoch_XXXX.png`: translations of fixed held-out images.

    A `PanelGrid` whose panel is `translation_panel`'s rows.

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
        self.a_images = to_model_range(a_images)
        self.b_images = None if b_images is None else to_model_range(b_images)
        self.paired = bool(paired)
        super().__init__(directory, self.panel_rows, every)

    def panel_rows(self, model):
        """The panel: `translation_rows` of the held-out images."""
        return translation_rows(
            model, self.a_images, self.b_images, self.paired
        )
