"""A loaded image-to-image translator: images in, images out."""

import numpy as np

from keras_gans.export.model_card import VALUE_RANGE
from keras_gans.utils.validation import format_received


def _shape_text(shape):
    dims = ", ".join("?" if d is None else str(d) for d in shape)
    return f"(N, {dims})"


def check_translator_images(
    images, input_shape, check_range=True, name="images", size_multiple=1
):
    """Validates a batch of translator inputs; returns it as float32.

    Args:
        images: the batch `(N, H, W, Ca)`, N >= 1.
        input_shape: the expected `(H, W, Ca)`; `None` entries accept any
            size.
        check_range: also require finite values in [-1, 1].
        name: the argument name error messages use.
        size_multiple: what a free (`None`) height or width must be a
            multiple of.

    Raises:
        ValueError: naming what is wrong (rank, size, channels, range) and
            the value received.
    """
    array = np.asarray(images)

    def error(what, received):
        return ValueError(
            f"`{name}` {what} " + format_received(**{name: received})
        )

    if not (
        np.issubdtype(array.dtype, np.floating)
        or np.issubdtype(array.dtype, np.integer)
    ):
        raise error("must be a numeric array.", f"array of dtype {array.dtype}")
    expected = _shape_text(input_shape)
    shape = f"array of shape {array.shape}"
    if array.ndim != 4 or not len(array):
        hint = " (add a batch axis for one image)" if array.ndim == 3 else ""
        raise error(f"must be a non-empty batch {expected}{hint}.", shape)
    if input_shape[2] is not None and array.shape[3] != input_shape[2]:
        raise error(
            f"must have {input_shape[2]} channels: the translator maps "
            f"{expected} images.",
            shape,
        )
    if any(
        want is not None and got != want
        for want, got in zip(input_shape[:2], array.shape[1:3])
    ):
        raise error(
            f"must have height and width {tuple(input_shape[:2])}: the "
            f"translator maps {expected} images.",
            shape,
        )
    free = [
        got
        for want, got in zip(input_shape[:2], array.shape[1:3])
        if want is None
    ]
    if any(size % size_multiple for size in free):
        raise error(
            f"must have a height and width that are multiples of "
            f"{size_multiple} (the product of the network's downsampling "
            f"strides), e.g. {size_multiple} or {2 * size_multiple}.",
            shape,
        )
    array = np.ascontiguousarray(array, dtype="float32")
    if not check_range:
        return array
    if not np.all(np.isfinite(array)):
        raise error("must be finite.", "array with NaN or inf values")
    low, high = VALUE_RANGE
    found = (float(array.min()), float(array.max()))
    if found[0] < low or found[1] > high:
        raise error(
            f"must be in [{low:g}, {high:g}] (scale 8-bit images with "
            "`x / 127.5 - 1`).",
            f"values in [{found[0]:g}, {found[1]:g}]",
        )
    return array


class TranslatorArtifact:
    """An image-to-image network loaded from `.keras`, SavedModel or TFLite.

    Created by `keras_gans.export.load_translator_artifact`; every kind
    behaves the same: a NumPy batch `(N, H, W, Ca)` in [-1, 1] in, a NumPy
    float32 batch `(N, H, W, Cb)` in [-1, 1] out.

    Args:
        run: callable mapping float32 images `(N, H, W, Ca)` to outputs.
        input_shape: `(H, W, Ca)` of one input image (`None` for a size a
            fully convolutional `.keras` network leaves free).
        output_shape: `(H, W, Cb)` of one output image.
        kind: `"keras"`, `"saved_model"` or `"tflite"`.
        path: the path it was loaded from.
        card: the export's model card dict, or `None`. Its `size_multiple`
            (free-size exports) is what a free height or width must be a
            multiple of.

    Example:

    ```python
    to_photo = keras_gans.export.load_translator_artifact("exports/edges2photo")
    photos = to_photo(edges)      # edges: float32 (N, 64, 64, 1) in [-1, 1]
    to_photo.input_shape          # (64, 64, 1)
    to_photo.direction            # "A->B", from the model card
    ```
    """

    def __init__(self, run, input_shape, output_shape, kind, path, card=None):
        self._run = run
        self.input_shape = _dims(input_shape)
        self.output_shape = _dims(output_shape)
        self.kind = kind
        self.path = str(path)
        self.card = card
        self.size_multiple = int((card or {}).get("size_multiple") or 1)

    @property
    def direction(self):
        """The card's direction (e.g. `"A->B"`), or `None`."""
        return None if self.card is None else self.card.get("direction")

    def __call__(self, images):
        """Translates a batch of images.

        Args:
            images: `(N, H, W, Ca)` array in [-1, 1].

        Returns:
            float32 `(N, H, W, Cb)` array.

        Raises:
            ValueError: for a batch of the wrong rank, size or channel
                count, or values outside [-1, 1], naming what was received.
        """
        images = check_translator_images(
            images, self.input_shape, size_multiple=self.size_multiple
        )
        return np.asarray(self._run(images), dtype="float32")

    def __repr__(self):
        return (
            f"TranslatorArtifact(kind={self.kind!r}, path={self.path!r}, "
            f"input_shape={self.input_shape}, "
            f"output_shape={self.output_shape}, "
            f"direction={self.direction!r})"
        )


def _dims(shape):
    return tuple(None if d is None else int(d) for d in shape)
