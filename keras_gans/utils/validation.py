"""Argument checks that produce errors naming the argument and the value."""

import numbers
import os


def format_received(**kwargs):
    """Returns `"Received: name=value"` for error messages."""
    parts = [f"{name}={value!r}" for name, value in kwargs.items()]
    return "Received: " + ", ".join(parts)


def check_positive_int(name, value):
    """Raises `ValueError` unless `value` is an int > 0; returns it."""
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Integral)
        or value <= 0
    ):
        raise ValueError(
            f"`{name}` must be a positive integer. "
            + format_received(**{name: value})
        )
    return int(value)


def check_non_negative_int(name, value):
    """Raises `ValueError` unless `value` is an int >= 0; returns it."""
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Integral)
        or value < 0
    ):
        raise ValueError(
            f"`{name}` must be a non-negative integer. "
            + format_received(**{name: value})
        )
    return int(value)


def check_widths(name, widths, allow_empty=False):
    """Raises unless `widths` is a sequence of positive ints.

    Args:
        name: argument name used in the error message.
        widths: the value to check (layer widths, one per layer).
        allow_empty: whether an empty sequence is valid.

    Returns:
        The widths as a tuple of ints.
    """
    try:
        checked = tuple(widths)
    except TypeError:
        checked = None
    if checked is None or (not checked and not allow_empty):
        raise ValueError(
            f"`{name}` must be a {'' if allow_empty else 'non-empty '}"
            "sequence of widths. " + format_received(**{name: widths})
        )
    for width in checked:
        if (
            isinstance(width, bool)
            or not isinstance(width, numbers.Integral)
            or width <= 0
        ):
            raise ValueError(
                f"`{name}` must hold positive integers. "
                + format_received(**{name: widths})
            )
    return tuple(int(width) for width in checked)


def check_rate(name, value):
    """Raises unless `value` is a number in [0, 1); returns it as a float."""
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not 0.0 <= float(value) < 1.0
    ):
        raise ValueError(
            f"`{name}` must be in [0, 1). " + format_received(**{name: value})
        )
    return float(value)


def check_probability(name, value):
    """Raises unless `value` is a number in [0, 1] (a probability or a
    mixing weight); returns it as a float."""
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not 0.0 <= float(value) <= 1.0
    ):
        raise ValueError(
            f"`{name}` must be a number in [0, 1]. "
            + format_received(**{name: value})
        )
    return float(value)


def check_non_negative(name, value):
    """Raises unless `value` is a number >= 0 (a weight, where 0 turns its
    term off); returns it as a float."""
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not float(value) >= 0
    ):
        raise ValueError(
            f"`{name}` must be a number >= 0 (0 disables it). "
            + format_received(**{name: value})
        )
    return float(value)


def check_image_shape(
    image_shape, name="image_shape", channels=(1, 3), free_size=False
):
    """Validates an `(height, width, channels)` tuple and returns it.

    Args:
        image_shape: the value to check.
        name: argument name used in the error message.
        channels: allowed channel counts, or `None` for any positive count.
        free_size: allow `None` for the height and width (a fully
            convolutional network that takes any size).

    Raises:
        ValueError: if the shape is not three positive ints (or `None`
            height and width with `free_size`) or the channel count is not
            allowed.
    """
    try:
        shape = tuple(image_shape)
    except TypeError:
        shape = None

    def bad(d, may_be_free):
        if d is None:
            return not may_be_free
        return (
            isinstance(d, bool) or not isinstance(d, numbers.Integral) or d <= 0
        )

    if (
        shape is None
        or len(shape) != 3
        or any(bad(d, free_size and i < 2) for i, d in enumerate(shape))
    ):
        free = " (None for a free height or width)" if free_size else ""
        raise ValueError(
            f"`{name}` must be a tuple (height, width, channels) of positive "
            f"integers{free}. " + format_received(**{name: image_shape})
        )
    shape = tuple(None if d is None else int(d) for d in shape)
    if channels is not None and shape[2] not in channels:
        raise ValueError(
            f"`{name}` must have {' or '.join(map(str, channels))} channels. "
            + format_received(**{name: image_shape})
        )
    return shape


def check_divisible(image_shape, factor, reason, name="image_shape"):
    """Raises unless height and width are divisible by `factor` (a free,
    `None`, dimension passes: the network checks nothing at build time)."""
    if any(d is not None and d % factor for d in image_shape[:2]):
        raise ValueError(
            f"`{name}` height and width must be divisible by {factor} "
            f"({reason}). " + format_received(**{name: tuple(image_shape)})
        )


def check_choice(name, value, allowed):
    """Raises unless `value` is in `allowed`; returns it."""
    if value not in allowed:
        raise ValueError(
            f"`{name}` must be one of {sorted(allowed, key=str)}. "
            + format_received(**{name: value})
        )
    return value


def check_directory_arg(name, value):
    """Raises unless `value` is a non-empty path; returns it as `str`."""
    if not value:
        raise ValueError(
            f"`{name}` must be a folder path. " + format_received(**{name: value})
        )
    return os.fspath(value)
