"""Image grids, panels and PNG files from model outputs in [-1, 1]."""

import math
import os

import numpy as np
from PIL import Image

from keras_gans.utils.validation import format_received


def to_uint8(images):
    """Maps images in [-1, 1] to uint8 [0, 255] (clipping out-of-range)."""
    images = np.asarray(images, dtype="float32")
    return np.clip(np.rint((images + 1.0) * 127.5), 0, 255).astype("uint8")


def grid_rows(images, rows=None):
    """Splits a batch `(N, H, W, C)` into the rows of a grid (a list).

    Args:
        images: the batch, one tile per image.
        rows: grid rows; default is the smallest square that fits. The
            last row may be shorter.
    """
    n = len(images)
    if rows is None:
        cols = math.ceil(math.sqrt(n))
    else:
        cols = math.ceil(n / rows)
    return [images[i : i + cols] for i in range(0, n, cols)]


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
    return make_panel(grid_rows(images, rows), padding, pad_value)


def make_panel(rows, padding=2, pad_value=255):
    """Lays out rows of tiles of any sizes into one uint8 image.

    A panel is data: a list of rows, each a sequence of `(H, W, C)` images
    in [-1, 1] (e.g. a `(N, H, W, C)` batch). Tiles may differ in size:
    each grid row is as tall as its tallest tile and each grid column as
    wide as its widest tile, and every tile sits in the top-left corner of
    its cell, unscaled, so no pixel is resampled (enlarge small tiles
    first with `enlarge` to compare them at one size). Rows may have
    different lengths. When grayscale and colour tiles are mixed, the
    grayscale ones are repeated to RGB.

    Args:
        rows: the rows of tiles; C in {1, 3}.
        padding: pixels between (and around) the cells.
        pad_value: uint8 value of the padding and of unfilled cell parts.

    Returns:
        `np.ndarray` uint8 `(height, width, C)`.

    Raises:
        ValueError: for no tiles, or a tile that is not `(H, W, 1 or 3)`.

    Example:

    ```python
    # Super-resolution: one row per image, LR (enlarged) | output | HR.
    panel = make_panel([[enlarge(lr[None], 4)[0], sr, hr]])
    ```
    """
    rows = [[np.asarray(tile) for tile in row] for row in rows]
    tiles = [tile for row in rows for tile in row]
    bad = [t.shape for t in tiles if t.ndim != 3 or t.shape[-1] not in (1, 3)]
    if not tiles or bad:
        raise ValueError(
            "`rows` must hold at least one tile, each (H, W, 1 or 3). "
            + format_received(rows=f"tiles of shapes {bad or []}")
        )
    channels = max(tile.shape[-1] for tile in tiles)
    heights = [max(tile.shape[0] for tile in row) if row else 0 for row in rows]
    widths = [
        max(row[c].shape[1] for row in rows if c < len(row))
        for c in range(max(len(row) for row in rows))
    ]
    tops = np.cumsum([padding] + [h + padding for h in heights])
    lefts = np.cumsum([padding] + [w + padding for w in widths])
    panel = np.full((tops[-1], lefts[-1], channels), pad_value, "uint8")
    for r, row in enumerate(rows):
        for c, tile in enumerate(row):
            height, width = tile.shape[:2]
            panel[tops[r] : tops[r] + height, lefts[c] : lefts[c] + width] = (
                to_uint8(tile)
            )  # a gray tile broadcasts to RGB
    return panel


def enlarge(images, factor):
    """Enlarges `(N, H, W, C)` images `factor` times by nearest neighbour,
    so every source pixel shows as a `factor` x `factor` block."""
    images = np.asarray(images)
    return images.repeat(factor, axis=1).repeat(factor, axis=2)


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
    return save_viewable(make_grid(images, rows=rows), path, scale)


def save_panel(rows, path, scale=None):
    """`make_panel` then `save_png`; small panels are upscaled for viewing."""
    return save_viewable(make_panel(rows), path, scale)


def save_viewable(array, path, scale=None):
    """`save_png`, by default enlarged so the longer side nears 256 pixels."""
    if scale is None:
        scale = max(1, 256 // max(array.shape[:2]))
    return save_png(array, path, scale=scale)


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


def style_mixing_grid(mixed, images_a, images_b):
    """The paper's style-mixing figure as one grid of images in [-1, 1].

    Row 0 is a blank corner followed by the column sources `images_b`;
    each next row starts with its source from `images_a` followed by the
    mixes of that row (`StyleGAN2.mix`'s `mixed[i]`).

    Args:
        mixed: `(rows, cols, H, W, C)`.
        images_a: `(rows, H, W, C)`, the coarse-style sources.
        images_b: `(cols, H, W, C)`, the fine-style sources.

    Returns:
        `((rows + 1) * (cols + 1), H, W, C)` images for `make_grid(...,
        rows=rows + 1)`; the corner is white.
    """
    mixed = np.asarray(mixed)
    rows, cols = mixed.shape[:2]
    corner = np.ones((1,) + mixed.shape[2:], dtype=mixed.dtype)
    cells = [corner, np.asarray(images_b)]
    for i in range(rows):
        cells += [np.asarray(images_a)[i : i + 1], mixed[i]]
    return np.concatenate(cells, axis=0)
