"""Checks on what users pass to `fit()`: shape, dtype and value range."""

import numpy as np

from keras_gans.utils.validation import format_received

# Tolerance for images that were scaled to [-1, 1] with float round-off.
_RANGE_TOLERANCE = 1e-3


def check_image_array(x, image_shape, name="x"):
    """Validates a NumPy batch of images against the model's image shape."""
    if x.ndim != 4 or tuple(x.shape[1:]) != tuple(image_shape):
        raise ValueError(
            f"`{name}` must have shape (N,) + {tuple(image_shape)} to match "
            f"the model's image_shape. " + format_received(**{name: f"array of shape {x.shape}"})
        )
    if len(x) == 0:
        raise ValueError(f"`{name}` is empty. " + format_received(**{name: x.shape}))
    if not np.issubdtype(x.dtype, np.floating):
        raise ValueError(
            f"`{name}` must be floating-point images scaled to [-1, 1]; "
            f"for uint8 images in [0, 255] pass `x / 127.5 - 1`. "
            + format_received(**{f"{name}.dtype": str(x.dtype)})
        )
    low, high = float(np.min(x)), float(np.max(x))
    if low < -1 - _RANGE_TOLERANCE or high > 1 + _RANGE_TOLERANCE:
        hint = ""
        if high > 1.5:
            hint = " They look like [0, 255] pixels: pass `x / 127.5 - 1`."
        raise ValueError(
            f"`{name}` values must lie in [-1, 1].{hint} "
            + format_received(**{f"{name} range": (low, high)})
        )


def check_labels_array(y, num_images, name="y"):
    if not np.issubdtype(y.dtype, np.integer):
        raise ValueError(
            f"`{name}` must hold integer class labels. "
            + format_received(**{f"{name}.dtype": str(y.dtype)})
        )
    if y.shape[0] != num_images:
        raise ValueError(
            f"`{name}` must have one label per image ({num_images}). "
            + format_received(**{f"{name}.shape": y.shape})
        )


def _check_dataset(dataset, image_shape):
    spec = dataset.element_spec
    if isinstance(spec, dict):
        spec = spec.get("images")
    elif isinstance(spec, (tuple, list)):
        spec = spec[0]
    shape = getattr(spec, "shape", None)
    dtype = getattr(spec, "dtype", None)
    if shape is None:
        return
    if shape.rank is not None and (
        shape.rank != 4
        or not shape[1:].is_compatible_with(tuple(image_shape))
    ):
        raise ValueError(
            "The dataset's images must be batched with shape (batch,) + "
            f"{tuple(image_shape)} to match the model's image_shape. "
            + format_received(element_shape=tuple(shape.as_list()))
        )
    if dtype is not None and not dtype.is_floating:
        raise ValueError(
            "The dataset must yield floating-point images scaled to [-1, 1] "
            "(keras_gans.data.load does this); for uint8 pixels map "
            "`x / 127.5 - 1`. " + format_received(element_dtype=dtype.name)
        )


def is_dataset(x):
    """Whether `x` is a `tf.data.Dataset` (without importing TensorFlow)."""
    if not type(x).__module__.startswith("tensorflow"):
        return False
    import tensorflow as tf

    return isinstance(x, tf.data.Dataset)


def check_training_data(x, y, image_shape, uses_labels=False):
    """Raises a clear `ValueError` for data `fit()` cannot train on."""
    if x is None:
        raise ValueError("`fit()` needs training images. Received: x=None")
    if isinstance(x, np.ndarray):
        check_image_array(x, image_shape)
        if y is not None:
            check_labels_array(np.asarray(y), len(x))
        return
    if is_dataset(x):
        _check_dataset(x, image_shape)
