"""Image grids and PNG files from model outputs in [-1, 1]."""

import math
import os

import numpy as np
from PIL import Image

from keras_gans.utils.validation import format_received


def to_uint8(images):
    """Maps images in [-1, 1] to uint8 [0, 255] (clipping out-of-range)."""
    images = np.asarray(images, dtype="float32")
    return np.clip(np.rint((images + 1.0) * 127.5), 0, 255).astype("uint8")


def make_grid(images, rows=None, padding=2, pad_value=255):
    """Tiles `(N, H, W, C)` images in [-1, 1] into one uint8 image.

    Args:
        images: array of shape `(N, H, W, C)`, C in {1, 3}, values in [-1, 1].
        rows: grid rows; default is the smallest square that fits.
        padding: pixels between tiles.
        pad_value: uint8 value of the padding.

    Returns:
        `np.ndarray` uint8 of shape `(rows*(H+p)+p, cols*(W+p)+p, C)`.
    """
    images = np.asarray(images)
    if images.ndim != 4 or images.shape[-1] not in (1, 3) or len(images) == 0:
        raise ValueError(
            "`images` must be a non-empty (N, H, W, 1 or 3) array. "
            + format_received(images=f"array of shape {images.shape}")
        )
    n, height, width, channels = images.shape
    if rows is None:
        cols = math.ceil(math.sqrt(n))
        rows = math.ceil(n / cols)
    else:
        cols = math.ceil(n / rows)
    grid = np.full(
        (
            rows * (height + padding) + padding,
            cols * (width + padding) + padding,
            channels,
        ),
        pad_value,
        dtype="uint8",
    )
    tiles = to_uint8(images)
    for i in range(n):
        r, c = divmod(i, cols)
        top = padding + r * (height + padding)
        left = padding + c * (width + padding)
        grid[top : top + height, left : left + width] = tiles[i]
    return grid


def save_png(array, path, scale=1):
    """Writes a uint8 `(H, W, C)` array as PNG, optionally upscaled."""
    array = np.asarray(array)
    if array.shape[-1] == 1:
        array = array[..., 0]
    image = Image.fromarray(array)
    if scale > 1:
        image = image.resize(
            (image.width * scale, image.height * scale), Image.NEAREST
        )
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    image.save(path)
    return path


def save_grid(images, path, rows=None, scale=None):
    """`make_grid` then `save_png`; small images are upscaled for viewing."""
    grid = make_grid(images, rows=rows)
    if scale is None:
        scale = max(1, 256 // max(grid.shape[:2]))
    return save_png(grid, path, scale=scale)


def read_image_for(path, image_shape, size_multiple=1):
    """An image file as float32 `(H, W, C)` in [-1, 1] for a model input.

    The image is converted to the model's channels (grayscale or RGB) and
    resized to its height and width with antialiased bicubic resampling.
    A free (`None`) height or width keeps the image's own size, rounded to
    the nearest positive multiple of `size_multiple` (resized only when it
    is not one already).

    Raises:
        FileNotFoundError: for a missing file.
        ValueError: for an undecodable file, naming it.
    """
    from keras_gans.data import read_image

    if not os.path.isfile(path):
        raise FileNotFoundError(
            f"No image file at {path!r}. " + format_received(image=path)
        )
    height, width, channels = image_shape
    image = read_image(path, mode="L" if channels == 1 else "RGB")
    height = height or _nearest_multiple(image.height, size_multiple)
    width = width or _nearest_multiple(image.width, size_multiple)
    if (width, height) != image.size:
        image = image.resize((width, height), Image.Resampling.BICUBIC)
    array = np.asarray(image, dtype="float32").reshape(height, width, channels)
    return array / 127.5 - 1.0


def _nearest_multiple(size, multiple):
    return max(multiple, multiple * round(size / multiple))
