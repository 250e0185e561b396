"""Argument checks of every loader: splits, shapes, folders, batch size,
epochs, translation sizes, channels, jitter and direction."""

import numbers
import os

from keras_gans.utils.validation import check_image_shape
from keras_gans.utils.validation import format_received

DIRECTIONS = ("AtoB", "BtoA")
# `jitter` values: pix2pix jitter, none, or crop without mirroring.
JITTER_CROP = "crop"


def check_split(split, allowed, source):
    """Raises `ValueError` unless `split` is one of `allowed`; returns it."""
    if split not in allowed:
        raise ValueError(
            f"`split` for {source!r} must be one of "
            f"{', '.join(repr(s) for s in allowed)}. "
            + format_received(split=split)
        )
    return split


def check_grayscale_shape(image_shape, source):
    """Validates `image_shape` for a grayscale source; returns it as a tuple.

    Grayscale sources refuse 3 channels rather than silently replicating the
    gray channel: a model built for RGB would then train on data with no
    colour, which is almost always a mistake in the caller's configuration.
    """
    shape = check_image_shape(image_shape)
    if shape[2] != 1:
        raise ValueError(
            f"{source!r} images are grayscale, so `image_shape` must have 1 "
            f"channel, e.g. {shape[:2] + (1,)}. "
            + format_received(image_shape=image_shape)
        )
    return shape


def check_data_dir(data_dir, source):
    """Checks that `data_dir` names an existing directory; returns it.

    Raises:
        ValueError: if `data_dir` is `None` or not a directory.
        FileNotFoundError: if nothing exists at `data_dir`.
    """
    if data_dir is None:
        raise ValueError(
            f"The {source!r} source reads files, so `data_dir` must name the "
            "directory that holds them. " + format_received(data_dir=data_dir)
        )
    path = os.fspath(data_dir)
    if not os.path.exists(path):
        raise FileNotFoundError(
            "`data_dir` does not exist. " + format_received(data_dir=path)
        )
    if not os.path.isdir(path):
        raise ValueError(
            "`data_dir` must be a directory, not a file. "
            + format_received(data_dir=path)
        )
    return path


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


def check_batch_size(batch_size, num_examples, what, drop_remainder=None):
    """Raises if dropping incomplete batches would leave an epoch empty.

    Args:
        batch_size: the checked batch size.
        num_examples: examples of the smallest stream, or `None`.
        what: what the examples are, e.g. `"images of 'digits'"`.
        drop_remainder: the loader's `drop_remainder` argument, or `None`
            for a loader whose batches are always full.
    """
    if (drop_remainder is not None and not drop_remainder) or (
        num_examples is None
    ):
        return
    if batch_size > num_examples:
        way_out = " or drop_remainder=False" if drop_remainder else ""
        raise ValueError(
            f"`batch_size` is larger than the {num_examples} {what}: every "
            "batch must be full (drop_remainder=True), so the dataset would "
            f"yield no batch at all. Use a smaller batch_size{way_out}. "
            + format_received(batch_size=batch_size)
        )


def check_epochs(epochs, initial_epoch, num_examples):
    """Checks the `epochs` / `initial_epoch` arguments of a loader.

    Raises:
        ValueError: for an `initial_epoch` that is not an int in
            `[0, epochs]`, or set without `epochs`, or `epochs` without a
            known `num_examples`.
    """
    if epochs is None:
        if initial_epoch != 0:
            raise ValueError(
                "`initial_epoch` needs `epochs` (the passes of epochs "
                "initial_epoch..epochs-1 are built together). "
                + format_received(initial_epoch=initial_epoch, epochs=None)
            )
        return
    _check_int("epochs", epochs, 0)
    _check_int("initial_epoch", initial_epoch, 0, epochs)
    if not num_examples:
        raise ValueError(
            "`epochs` needs a dataset of known size, to count the batches "
            "of each epoch. " + format_received(num_examples=num_examples)
        )


def _check_int(name, value, low, high=None):
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Integral)
        or value < low
        or (high is not None and value > high)
    ):
        allowed = f"in [{low}, {high}]" if high is not None else f">= {low}"
        raise ValueError(
            f"`{name}` must be an integer {allowed}. "
            + format_received(**{name: value})
        )
