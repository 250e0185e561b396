"""Argument checks shared by the image-to-image (translation) loaders."""

import numbers

from keras_gans.utils.validation import format_received

DIRECTIONS = ("AtoB", "BtoA")
# `jitter` values: pix2pix jitter, none, or crop without mirroring.
JITTER_CROP = "crop"


def _is_positive_int(value):
    return (
        isinstance(value, numbers.Integral)
        and not isinstance(value, bool)
        and value > 0
    )


def check_image_size(image_size):
    """`None`, or `(height, width)` from an int or a pair of ints.

    Raises:
        ValueError: unless `image_size` is `None`, a positive int or a pair
            of positive ints.
    """
    if image_size is None:
        return None
    if _is_positive_int(image_size):
        return (int(image_size), int(image_size))
    try:
        size = tuple(image_size)
    except TypeError:
        size = None
    if size is None or len(size) != 2 or not all(map(_is_positive_int, size)):
        raise ValueError(
            "`image_size` must be a positive int or a (height, width) pair "
            "of positive ints, e.g. 32 or (256, 256). "
            + format_received(image_size=image_size)
        )
    return (int(size[0]), int(size[1]))


def check_channels(channels):
    """`None`, or `(channels_a, channels_b)` from an int or a pair.

    Raises:
        ValueError: unless every count is 1 (grayscale) or 3 (RGB).
    """
    if channels is None:
        return None
    pair = (channels, channels) if _is_positive_int(channels) else channels
    try:
        pair = tuple(pair)
    except TypeError:
        pair = None
    if pair is None or len(pair) != 2 or any(c not in (1, 3) for c in pair):
        raise ValueError(
            "`channels` must be 1 (grayscale), 3 (RGB), or a pair "
            "(channels_a, channels_b) of them, e.g. (1, 3) for "
            "grayscale-to-colour. " + format_received(channels=channels)
        )
    if any(isinstance(c, bool) for c in pair):
        raise ValueError(
            "`channels` must hold ints, not booleans. "
            + format_received(channels=channels)
        )
    return (int(pair[0]), int(pair[1]))


def check_fixed_channels(channels, native, source):
    """Checks requested channels against a source that has fixed ones.

    Args:
        channels: the checked `(channels_a, channels_b)` or `None`.
        native: the source's `(channels_a, channels_b)`.
        source: the source name, for the message.

    Returns:
        `native`.

    Raises:
        ValueError: if `channels` asks for other channel counts.
    """
    if channels is not None and channels != native:
        allowed = native[0] if native[0] == native[1] else native
        raise ValueError(
            f"{source!r} has {native[0]}-channel A images and {native[1]}-"
            f"channel B images, so `channels` must be {allowed!r} or None. "
            + format_received(channels=channels)
        )
    return native


def check_jitter(jitter):
    """Raises unless `jitter` is `None`, `True`, `False` or `"crop"`."""
    if jitter is None or jitter is True or jitter is False:
        return jitter
    if isinstance(jitter, str) and jitter == JITTER_CROP:
        return jitter
    raise ValueError(
        "`jitter` must be True (resize up, random crop, random mirror), "
        "'crop' (no mirror), False, or None (the source's default). "
        + format_received(jitter=jitter)
    )


def resolve_jitter(jitter, split, default):
    """The jitter mode to use: `True`, `"crop"` or `False`.

    `None` means `default` on the `"train"` split and no jitter on the
    others (evaluation data should be the images as they are).
    """
    jitter = check_jitter(jitter)
    if jitter is None:
        return default if split == "train" else False
    return jitter


def check_direction(direction):
    """Raises unless `direction` is `"AtoB"` or `"BtoA"`; returns it."""
    if not isinstance(direction, str) or direction not in DIRECTIONS:
        raise ValueError(
            "`direction` must be 'AtoB' (A is the input, B the target) or "
            "'BtoA'. " + format_received(direction=direction)
        )
    return direction
