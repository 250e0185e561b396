"""Validation of feature arrays shared by the set-to-set metrics."""

import numpy as np

from keras_gans.utils.validation import format_received


def check_feature_pair(**named):
    """Two `(N, d)` float64 arrays with the same d, validated by name.

    Args:
        **named: exactly two `name=array` pairs, named as the caller's
            arguments so errors point at them.

    Returns:
        The two arrays as float64, in the given order.

    Raises:
        ValueError: for a non-numeric, non-2-D or non-finite array, fewer
            than 2 vectors, or different feature dimensions.
    """
    (name_a, a), (name_b, b) = named.items()
    a, b = check_features(name_a, a), check_features(name_b, b)
    if a.shape[1] != b.shape[1]:
        raise ValueError(
            f"`{name_a}` and `{name_b}` must have the same feature "
            "dimension. " + format_received(**{name_a: a.shape, name_b: b.shape})
        )
    return a, b


def check_features(name, features):
    try:
        array = np.asarray(features, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            f"`{name}` must be a numeric (N, dim) array. "
            + format_received(**{name: type(features).__name__})
        ) from None
    if array.ndim != 2 or len(array) < 2 or array.shape[1] == 0:
        raise ValueError(
            f"`{name}` must be a (N, dim) array with N >= 2. "
            + format_received(**{name: f"array of shape {array.shape}"})
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(
            f"`{name}` contains NaN or infinite values. "
            + format_received(**{name: f"array of shape {array.shape}"})
        )
    return array
