"""Checks of the NumPy batches an artifact is called on, one per input role.

Every artifact kind checks its inputs with these (and the class labels with
`keras_gans.utils.labels.check_labels`): an image batch, a latent batch,
a StyleGAN2's truncation and styles.
"""

import numpy as np

from keras_gans.export.model_card import VALUE_RANGE
from keras_gans.utils.validation import format_received


def _shape_text(shape):
    dims = ", ".join("?" if d is None else str(d) for d in shape)
    return f"(N, {dims})"


def check_image_batch(
    images, input_shape, check_range=True, name="images", size_multiple=1
):
    """Validates a batch of input images; returns it as float32.

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
            f"must have {input_shape[2]} channels: the network maps "
            f"{expected} images.",
            shape,
        )
    if any(
        want is not None and got != want
        for want, got in zip(input_shape[:2], array.shape[1:3])
    ):
        raise error(
            f"must have height and width {tuple(input_shape[:2])}: the "
            f"network maps {expected} images.",
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


def check_latent_batch(latents, latent_dim, name="latents"):
    """Validates a latent batch `(N, latent_dim)`; returns it as float32.

    Raises:
        ValueError: for another shape or a non-numeric array, naming it.
    """
    array = np.asarray(latents)
    if (
        array.ndim != 2
        or array.shape[1] != latent_dim
        or not (
            np.issubdtype(array.dtype, np.floating)
            or np.issubdtype(array.dtype, np.integer)
        )
    ):
        raise ValueError(
            f"`{name}` must be a numeric array of shape (N, {latent_dim}). "
            + format_received(
                **{name: f"array of shape {array.shape} and dtype "
                   f"{array.dtype}"}
            )
        )
    return np.ascontiguousarray(array, dtype="float32")


def check_truncation_batch(truncation, count):
    """Validates truncation ψ for `count` samples; returns float32 `(count,)`.

    Args:
        truncation: a number >= 0 for every sample, or one per sample.
        count: the batch size.

    Raises:
        ValueError: naming `truncation`, for a negative or non-finite
            value, or another count than `count` (StyleGAN2's own
            `check_truncation`).
    """
    from keras_gans.models.stylegan2.mapping_network import check_truncation

    values = check_truncation(truncation, count=count)
    return np.ascontiguousarray(np.broadcast_to(values, (count,)), "float32")


def check_style_batch(ws, shape, name="ws"):
    """Validates styles `(N, num_ws, w_dim)`; returns them as float32.

    Raises:
        ValueError: naming `name`, for another shape, a non-numeric array
            or non-finite values.
    """
    array = np.asarray(ws)
    numeric = np.issubdtype(array.dtype, np.floating) or np.issubdtype(
        array.dtype, np.integer
    )
    if array.ndim != 3 or array.shape[1:] != tuple(shape) or not numeric:
        raise ValueError(
            f"`{name}` must be a numeric array of shape (N, "
            f"{', '.join(map(str, shape))}): one w per synthesis input. "
            + format_received(
                **{name: f"array of shape {array.shape} and dtype "
                   f"{array.dtype}"}
            )
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(
            f"`{name}` must be finite. "
            + format_received(**{name: "array with NaN or inf values"})
        )
    return np.ascontiguousarray(array, dtype="float32")



def check_noise_batch(noise, channels, name="noise"):
    """Validates a sampler's noise maps `(N, H, W, channels)`; returns them
    as float32.

    Raises:
        ValueError: naming `name`, for another rank or channel count, an
            empty batch, a non-numeric array or non-finite values.
    """
    array = np.asarray(noise)
    numeric = np.issubdtype(array.dtype, np.floating) or np.issubdtype(
        array.dtype, np.integer
    )
    if (
        array.ndim != 4
        or not len(array)
        or array.shape[3] != channels
        or not numeric
    ):
        raise ValueError(
            f"`{name}` must be a numeric batch of standard-normal maps of "
            f"shape (N, H, W, {channels}) (the output's height and width; "
            "3 channels per scale). "
            + format_received(
                **{name: f"array of shape {array.shape} and dtype "
                   f"{array.dtype}"}
            )
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(
            f"`{name}` must be finite. "
            + format_received(**{name: "array with NaN or inf values"})
        )
    return np.ascontiguousarray(array, dtype="float32")
