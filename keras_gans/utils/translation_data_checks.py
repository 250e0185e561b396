"""Checks on the (A, B) image pairs image-to-image models train on."""

import numpy as np

from keras_gans.utils.data_checks import check_image_array
from keras_gans.utils.data_checks import is_dataset
from keras_gans.utils.validation import format_received


def _check_spec(spec, image_shape, name):
    shape = getattr(spec, "shape", None)
    dtype = getattr(spec, "dtype", None)
    if shape is not None and shape.rank is not None and (
        shape.rank != 4 or not shape[1:].is_compatible_with(tuple(image_shape))
    ):
        raise ValueError(
            f"The dataset's {name} images must be batched with shape "
            f"(batch,) + {tuple(image_shape)} to match the model. "
            + format_received(**{f"{name}_shape": tuple(shape.as_list())})
        )
    if dtype is not None and not dtype.is_floating:
        raise ValueError(
            f"The dataset must yield floating-point {name} images scaled to "
            "[-1, 1] (keras_gans.data.load_paired / load_unpaired do); for "
            "uint8 pixels map `x / 127.5 - 1`. "
            + format_received(**{f"{name}_dtype": dtype.name})
        )


def split_pair_spec(spec):
    """`(a_spec, b_spec)` of a dataset element, or raises `ValueError`."""
    if isinstance(spec, dict) and "a" in spec and "b" in spec:
        return spec["a"], spec["b"]
    if isinstance(spec, (tuple, list)) and len(spec) == 2:
        return spec[0], spec[1]
    raise ValueError(
        "An image-to-image model trains on (a, b) batches: the dataset must "
        "yield (a_images, b_images) tuples or dicts with 'a' and 'b' "
        "(keras_gans.data.load_paired / load_unpaired do). "
        + format_received(element_spec=spec)
    )


def check_translation_data(x, y, a_shape, b_shape):
    """Raises a clear `ValueError` for data a translation `fit()` rejects.

    Args:
        x: `fit()`'s `x`: A images as an array, or a `tf.data.Dataset` of
            `(a, b)` batches (other inputs are left to Keras).
        y: `fit()`'s `y`: B images when `x` is an array.
        a_shape: `(H, W, C)` the model takes from domain A.
        b_shape: `(H, W, C)` of domain B.
    """
    if x is None:
        raise ValueError("`fit()` needs training images. Received: x=None")
    if isinstance(x, np.ndarray):
        if y is None:
            raise ValueError(
                "An image-to-image model trains on two image sets: call "
                "`fit(a_images, b_images)` or pass a dataset of (a, b) "
                "batches. " + format_received(y=None)
            )
        y = np.asarray(y)
        check_image_array(x, a_shape, name="x")
        check_image_array(y, b_shape, name="y")
        if len(x) != len(y):
            raise ValueError(
                "`x` (domain A) and `y` (domain B) must hold as many images. "
                + format_received(x=f"{len(x)} images", y=f"{len(y)} images")
            )
        return
    if is_dataset(x):
        a_spec, b_spec = split_pair_spec(x.element_spec)
        _check_spec(a_spec, a_shape, "a")
        _check_spec(b_spec, b_shape, "b")
