"""Checks on what users pass to `fit()`: shape, dtype and value range.

One set for every kind of model: the images of a latent or conditional
model (`check_training_data`) and the `(a, b)` pairs of an image-to-image
model (`check_translation_data`) share the same array and spec checks.
"""

import numpy as np

from keras_gans.utils.labels import check_labels
from keras_gans.utils.validation import format_received

# Tolerance for images that were scaled to [-1, 1] with float round-off.
_RANGE_TOLERANCE = 1e-3
# Non-negative images above this maximum are taken for [0, 255] pixels.
_PIXEL_RANGE_MIN_HIGH = 1.5


def _channel_hint(shape, image_shape):
    """Names a channel-count mismatch (grayscale data, RGB model, ...)."""
    if (
        len(shape) == 4
        and tuple(shape[1:3]) == tuple(image_shape[:2])
        and shape[3] != image_shape[2]
    ):
        return (
            f" The images have {shape[3]} channel(s) but the model was "
            f"built for {image_shape[2]}: build it with image_shape="
            f"{tuple(image_shape[:2]) + (shape[3],)} or load the data with "
            f"image_shape={tuple(image_shape)}."
        )
    return ""


def check_image_array(x, image_shape, name="x"):
    """Validates a NumPy batch of images against the model's image shape."""
    if x.ndim != 4 or tuple(x.shape[1:]) != tuple(image_shape):
        raise ValueError(
            f"`{name}` must have shape (N,) + {tuple(image_shape)} to match "
            "the model's image_shape."
            + _channel_hint(x.shape, image_shape)
            + " "
            + format_received(**{name: f"array of shape {x.shape}"})
        )
    if len(x) == 0:
        raise ValueError(f"`{name}` is empty. " + format_received(**{name: x.shape}))
    if not np.issubdtype(x.dtype, np.floating):
        raise ValueError(
            f"`{name}` must be floating-point images scaled to [-1, 1]; "
            f"for uint8 images in [0, 255] pass `x / 127.5 - 1`. "
            + format_received(**{f"{name}.dtype": str(x.dtype)})
        )
    if not np.all(np.isfinite(x)):
        raise ValueError(
            f"`{name}` holds NaN or infinite values; images must be finite "
            "and lie in [-1, 1]. "
            + format_received(
                **{f"{name} non-finite count": int(np.sum(~np.isfinite(x)))}
            )
        )
    low, high = float(np.min(x)), float(np.max(x))
    if low < -1 - _RANGE_TOLERANCE or high > 1 + _RANGE_TOLERANCE:
        hint = ""
        if low >= 0.0 and high > _PIXEL_RANGE_MIN_HIGH:
            hint = " They look like [0, 255] pixels: pass `x / 127.5 - 1`."
        raise ValueError(
            f"`{name}` values must lie in [-1, 1].{hint} "
            + format_received(**{f"{name} range": (low, high)})
        )


def check_labels_array(y, num_images, name="y", num_classes=None):
    """Validates NumPy class labels: integer dtype, one per image, in range.

    Args:
        y: the labels, shape `(N,)` or `(N, 1)`.
        num_images: the number of images `N`.
        name: argument name used in error messages.
        num_classes: if given, labels must lie in `[0, num_classes)`.

    Raises:
        ValueError: naming `name` and the offending dtype, shape or value.
    """
    if y.dtype == object or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(
            f"`{name}` must hold integer class labels. "
            + format_received(**{f"{name}.dtype": str(y.dtype)})
        )
    if y.ndim == 0 or y.shape[0] != num_images:
        raise ValueError(
            f"`{name}` must have one label per image ({num_images}). "
            + format_received(**{f"{name}.shape": y.shape})
        )
    if num_classes is not None:
        # A (N, 1) column is accepted like (N,); anything wider is not.
        flat = y[:, 0] if y.ndim == 2 and y.shape[1] == 1 else y
        check_labels(flat, num_images, num_classes, name=name)


def _split_spec(spec):
    """`(images_spec, labels_spec or None)` of a dataset's element spec."""
    if isinstance(spec, dict):
        return spec.get("images"), spec.get("labels")
    if isinstance(spec, (tuple, list)):
        return spec[0], spec[1] if len(spec) > 1 else None
    return spec, None


def _check_dataset_labels(dataset):
    _, labels = _split_spec(dataset.element_spec)
    if labels is None:
        raise ValueError(
            "A conditional model trains on (images, labels) batches: the "
            "dataset must yield (images, labels) tuples or dicts with "
            "'images' and 'labels' (keras_gans.data.load(..., "
            "with_labels=True) does). "
            + format_received(element_spec=dataset.element_spec)
        )
    dtype = getattr(labels, "dtype", None)
    if dtype is not None and not dtype.is_integer:
        raise ValueError(
            "The dataset's labels must be integer class ids. "
            + format_received(labels_dtype=dtype.name)
        )


def _check_image_spec(spec, image_shape, name=None):
    """Checks the batched shape and the dtype of a dataset's images.

    Args:
        spec: the `tf.TensorSpec` of the images.
        image_shape: `(H, W, C)` the model takes.
        name: `None` for a latent or conditional model's images; `"a"` or
            `"b"` for a domain of an image-to-image model.
    """
    shape = getattr(spec, "shape", None)
    dtype = getattr(spec, "dtype", None)
    what = f"{name} images" if name else "images"
    key = name or "element"
    if shape is not None and shape.rank is not None and (
        shape.rank != 4
        or not shape[1:].is_compatible_with(tuple(image_shape))
    ):
        raise ValueError(
            f"The dataset's {what} must be batched with shape (batch,) + "
            f"{tuple(image_shape)} to match the model's image_shape."
            + _channel_hint(shape.as_list(), image_shape)
            + " "
            + format_received(**{f"{key}_shape": tuple(shape.as_list())})
        )
    if dtype is not None and not dtype.is_floating:
        loader = (
            "keras_gans.data.load_paired / load_unpaired do"
            if name
            else "keras_gans.data.load does this"
        )
        raise ValueError(
            f"The dataset must yield floating-point {what} scaled to [-1, 1] "
            f"({loader}); for uint8 pixels map `x / 127.5 - 1`. "
            + format_received(**{f"{key}_dtype": dtype.name})
        )


def is_dataset(x):
    """Whether `x` is a `tf.data.Dataset` (without importing TensorFlow)."""
    if not type(x).__module__.startswith("tensorflow"):
        return False
    import tensorflow as tf

    return isinstance(x, tf.data.Dataset)


def check_training_data(x, y, image_shape, uses_labels=False, num_classes=None):
    """Raises a clear `ValueError` for data `fit()` cannot train on.

    Args:
        x: what `fit()` received as `x` (an array or a `tf.data.Dataset`;
            other inputs are left to Keras).
        y: what `fit()` received as `y` (labels for arrays).
        image_shape: the model's image shape.
        uses_labels: whether the model is conditional: arrays then need
            `y` and datasets need (images, labels) elements.
        num_classes: labels of arrays must lie in `[0, num_classes)`.
    """
    if x is None:
        raise ValueError("`fit()` needs training images. Received: x=None")
    if isinstance(x, np.ndarray):
        check_image_array(x, image_shape)
        if y is None and uses_labels:
            raise ValueError(
                "A conditional model trains on labelled images: call "
                "`fit(images, labels)` with integer labels of shape (N,). "
                + format_received(y=None)
            )
        if y is not None:
            check_labels_array(
                np.asarray(y),
                len(x),
                num_classes=num_classes if uses_labels else None,
            )
        return
    if is_dataset(x):
        _check_image_spec(_split_spec(x.element_spec)[0], image_shape)
        if uses_labels:
            _check_dataset_labels(x)


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
        _check_image_spec(a_spec, a_shape, "a")
        _check_image_spec(b_spec, b_shape, "b")


def with_label_range_check(dataset, num_classes):
    """`dataset` with every batch's labels asserted to be in range.

    A label outside `[0, num_classes)` would index past the label
    embeddings: TensorFlow and torch fail with an opaque gather error and
    JAX silently clamps it to the last class. The check runs in the tf.data
    pipeline, so it works on every Keras backend, and fails with an
    `InvalidArgumentError` quoting the offending labels.
    """
    import tensorflow as tf

    message = (
        f"Labels must be class ids in [0, {num_classes}) for a model with "
        f"num_classes={num_classes}. Received: labels="
    )

    def check(labels):
        labels = tf.convert_to_tensor(labels)
        checks = [
            tf.debugging.assert_non_negative(
                labels, message=message, summarize=16
            ),
            tf.debugging.assert_less(
                labels,
                tf.cast(num_classes, labels.dtype),
                message=message,
                summarize=16,
            ),
        ]
        with tf.control_dependencies(checks):
            return tf.identity(labels)

    def check_element(*element):
        if len(element) == 1 and isinstance(element[0], dict):
            element = dict(element[0])
            element["labels"] = check(element["labels"])
            return element
        return (element[0], check(element[1])) + tuple(element[2:])

    return dataset.map(check_element)


def with_image_range_check(dataset):
    """`dataset` with every batch's images asserted finite and in [-1, 1].

    The element spec tells the dtype but not the values: float images
    left in [0, 255] (a `tf.cast` without rescaling) or standardised to
    mean 0 and std 1 would train a tanh generator on targets it cannot
    produce, silently. The check runs in the tf.data pipeline (a min, a max
    and an `is_finite` per batch), so it works on every Keras backend and
    fails at the first bad batch with an `InvalidArgumentError` quoting the
    batch's range.
    """
    import tensorflow as tf

    low_limit, high_limit = -1 - _RANGE_TOLERANCE, 1 + _RANGE_TOLERANCE

    def check(images):
        images = tf.convert_to_tensor(images)
        values = tf.cast(images, "float32")
        low, high = tf.reduce_min(values), tf.reduce_max(values)
        finite = tf.reduce_all(tf.math.is_finite(values))
        received = ["Received: images with min", low, "max", high]
        checks = [
            tf.debugging.Assert(
                finite,
                ["The dataset yields NaN or infinite image values; images "
                 "must be finite and lie in [-1, 1]."] + received,
            ),
            tf.debugging.Assert(
                tf.logical_not(
                    tf.logical_and(low >= 0.0, high > _PIXEL_RANGE_MIN_HIGH)
                ),
                ["The dataset's images look like [0, 255] pixels: map them "
                 "to [-1, 1] with x / 127.5 - 1 (keras_gans.data.load "
                 "yields [-1, 1])."] + received,
            ),
            tf.debugging.Assert(
                tf.logical_and(low >= low_limit, high <= high_limit),
                ["The dataset's images must lie in [-1, 1], the range of "
                 "the generator's tanh output."] + received,
            ),
        ]
        with tf.control_dependencies(checks):
            return tf.identity(images)

    spec = dataset.element_spec

    def check_element(*element):
        if isinstance(spec, dict):
            element = dict(element[0])
            element["images"] = check(element["images"])
            return element
        if isinstance(spec, (tuple, list)):
            return (check(element[0]),) + tuple(element[1:])
        return check(element[0])

    return dataset.map(check_element)
