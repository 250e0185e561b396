"""Class labels of conditional generators: defaults and validation.

NumPy only, so that exported-artifact code can share it without importing a
Keras backend.
"""

import numbers

import numpy as np

from keras_gans.utils.validation import format_received


def check_num_classes(num_classes, name="num_classes"):
    """Raises `ValueError` unless `num_classes` is an int >= 2; returns it."""
    if (
        isinstance(num_classes, bool)
        or not isinstance(num_classes, numbers.Integral)
        or num_classes < 2
    ):
        raise ValueError(
            f"`{name}` must be an integer >= 2 (the number of label "
            "classes of a conditional model). "
            + format_received(**{name: num_classes})
        )
    return int(num_classes)


def default_labels(n, num_classes):
    """The labels `generate(n)` uses when none are given.

    Every class equally often (counts differ by at most one), in ascending
    blocks: label `i` is `floor(i * num_classes / n)`. A grid of
    `generate(10 * num_classes)` with `num_classes` rows therefore shows one
    class per row, and a large sample (for FID) is class-balanced.

    Args:
        n: number of labels.
        num_classes: number of classes.

    Returns:
        int32 array of shape `(n,)`.

    Example:

    >>> default_labels(6, 3)
    array([0, 0, 1, 1, 2, 2], dtype=int32)
    """
    return ((np.arange(n, dtype="int64") * num_classes) // n).astype("int32")


def _short(labels):
    if isinstance(labels, np.ndarray) and labels.size > 20:
        return f"array of shape {labels.shape} and dtype {labels.dtype}"
    return labels


def check_labels(labels, n, num_classes, name="labels"):
    """Validates class labels for `n` samples; returns them as int32.

    Args:
        labels: `None` (the class-balanced `default_labels`), one int for
            every sample, or an integer array-like of shape `(n,)`.
        n: number of samples.
        num_classes: number of classes, or `None` when unknown (the range
            is then only checked for negative values).
        name: argument name used in error messages.

    Returns:
        int32 array of shape `(n,)`.

    Raises:
        ValueError: for a non-integer dtype (floats and bools included), a
            shape other than `(n,)`, or a label outside `[0, num_classes)`,
            naming `name` and the value received.
    """
    if labels is None:
        if num_classes is None:
            raise ValueError(
                f"`{name}` must be given: the number of classes is unknown, "
                "so no default labels can be drawn. "
                + format_received(**{name: labels})
            )
        return default_labels(n, num_classes)
    array = np.asarray(labels)
    if array.dtype == object or not np.issubdtype(array.dtype, np.integer):
        raise ValueError(
            f"`{name}` must be integer class ids (an int or an int array), "
            f"not {array.dtype} values. "
            + format_received(**{name: _short(labels)})
        )
    if array.ndim == 0:
        array = np.full((n,), int(array))
    if array.shape != (n,):
        raise ValueError(
            f"`{name}` must be one int or an array of shape ({n},), one "
            f"label per sample. " + format_received(**{name: _short(labels)})
        )
    low, high = int(array.min()), int(array.max())
    if low < 0 or (num_classes is not None and high >= num_classes):
        bad = low if low < 0 else high
        allowed = f"[0, {num_classes})" if num_classes is not None else ">= 0"
        raise ValueError(
            f"`{name}` must be class ids in {allowed}; found {bad}. "
            + format_received(**{name: _short(labels)})
        )
    return array.astype("int32")
