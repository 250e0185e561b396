"""Validation and conversion of the image batches fed to feature extractors."""

import numpy as np

from keras_gans.utils.validation import format_received

# Exports may overshoot [-1, 1] a little; more is a scaling mistake.
RANGE_TOLERANCE = 0.1


def to_model_range(images):
    """uint8 `[0, 255]` -> float32 `[-1, 1]`; other arrays -> float32."""
    array = np.asarray(images)
    if array.dtype == np.uint8:
        return array.astype("float32") / 127.5 - 1.0
    return array.astype("float32", copy=False)


def to_numpy(images, name):
    """NumPy view of an array or backend tensor; errors name `name`."""
    if not isinstance(images, np.ndarray) and hasattr(images, "shape"):
        import keras

        images = keras.ops.convert_to_numpy(images)
    try:
        return np.asarray(images)
    except (TypeError, ValueError):
        raise ValueError(
            f"`{name}` must be an array of images. "
            + format_received(**{name: type(images).__name__})
        ) from None


def check_rank(array, name):
    """Returns `array` if it is 4-D `(N, H, W, C)`, else raises."""
    if array.ndim != 4:
        raise ValueError(
            f"`{name}` must be a 4-D array (N, height, width, channels). "
            + format_received(**{name: describe(array)})
        )
    return array


def check_pixel_values(images, name):
    """Float32 images in [-1, 1] from floats or uint8 pixels, validated.

    Args:
        images: a 4-D NumPy array or backend tensor.
        name: argument name used in error messages.

    Returns:
        float32 NumPy array in [-1, 1] (up to `RANGE_TOLERANCE`).

    Raises:
        ValueError: if `images` is not 4-D, not real numbers, not finite
            or outside [-1, 1].
    """
    array = check_rank(to_numpy(images, name), name)
    received = format_received(**{name: describe(array)})
    if not (np.issubdtype(array.dtype, np.floating)
            or np.issubdtype(array.dtype, np.integer)):
        raise ValueError(f"`{name}` must be real numbers. " + received)
    array = to_model_range(array)
    if array.size and not np.all(np.isfinite(array)):
        raise ValueError(
            f"`{name}` contains NaN or infinite values. " + received
        )
    if array.size and np.max(np.abs(array)) > 1.0 + RANGE_TOLERANCE:
        raise ValueError(
            f"`{name}` must be in [-1, 1]; found values in "
            f"[{array.min():.3g}, {array.max():.3g}]. Scale pixels with "
            "`x / 127.5 - 1`. " + received
        )
    return array


def describe(array):
    return f"array of shape {tuple(array.shape)} and dtype {array.dtype}"
