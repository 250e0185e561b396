"""Argument checks shared by the data sources."""

import os

from keras_gans.utils.validation import check_image_shape
from keras_gans.utils.validation import format_received


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
