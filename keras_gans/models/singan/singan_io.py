"""Image and mask files for SinGAN: its training image and the inputs of
its applications (harmonization, editing, paint-to-image, SR)."""

import math
import os

import numpy as np

from keras_gans.data.bicubic import imresize
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received

# PIL modes that are colour without transparency: converted to RGB as is.
_COLOR_MODES = ("RGB", "P", "CMYK", "YCbCr", "LAB", "HSV")
# Modes that hold one channel of intensity.
_GRAY_MODES = ("1", "L", "I", "F", "I;16", "I;16B", "I;16L", "I;16N")
# Modes with an alpha channel.
_ALPHA_MODES = ("RGBA", "RGBa", "LA", "La", "PA")


def _open(path, name):
    from keras_gans.data import read_image

    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(
            "No image file at this path. " + format_received(**{name: path})
        )
    # Decoded whole, EXIF orientation applied; a corrupt file is named.
    return read_image(path)


def _has_transparency(image):
    """True for an alpha channel with a pixel below 255, or palette
    transparency."""
    if image.mode == "P":
        return "transparency" in image.info
    if image.mode not in _ALPHA_MODES:
        return False
    return np.asarray(image.getchannel("A")).min() < 255


def read_rgb_image(path, max_size=None):
    """An RGB image file as float32 `(H, W, 3)` in [-1, 1].

    SinGAN learns the colours of its one image, so a grayscale or
    transparent file is refused rather than silently converted; an alpha
    channel that is opaque everywhere (ConSinGAN's example PNGs) is
    dropped.

    Args:
        path: the image file (any format PIL reads).
        max_size: if given and the longer side is larger, the image is
            shrunk (MATLAB bicubic, antialiased) so the longer side is at
            most `max_size`, to the size SinGAN's pyramid gives its finest
            scale (`ceil(side * max_size / longer)`, the official
            `adjust_scales2image`).

    Returns:
        float32 `(H, W, 3)` in [-1, 1].

    Raises:
        FileNotFoundError: for a missing file.
        ValueError: naming the file and its mode, for an undecodable
            file, a grayscale one, or a transparent one (an alpha below
            255 somewhere, or palette transparency), saying how to
            convert it; for a `max_size` that is not a positive int.

    Example:

    ```python
    image = read_rgb_image("balloons.png", max_size=250)
    model = keras_gans.SinGAN(image=image)
    ```
    """
    if max_size is not None:
        max_size = check_positive_int("max_size", max_size)
    image = _open(path, "path")
    mode = image.mode
    gray = mode in _GRAY_MODES or mode in ("LA", "La")
    transparent = _has_transparency(image)
    if gray or transparent or mode not in _COLOR_MODES + _ALPHA_MODES:
        kind = "grayscale" if gray else (
            "transparent (alpha)" if transparent else "non-RGB"
        )
        raise ValueError(
            f"SinGAN needs an RGB image: {os.fspath(path)!r} is a {kind} "
            f"image (PIL mode {mode!r}). Convert it to RGB first, e.g. "
            "`PIL.Image.open(path).convert('RGB').save(new_path)` (for a "
            "transparent image, flatten it onto a background). "
            + format_received(path=os.fspath(path), mode=mode)
        )
    array = np.asarray(image.convert("RGB"), "float64") / 127.5 - 1.0
    height, width = array.shape[:2]
    if max_size is not None and max(height, width) > max_size:
        scale = max_size / max(height, width)
        size = (math.ceil(height * scale), math.ceil(width * scale))
        array = imresize(array, output_shape=size)
    return np.clip(array, -1.0, 1.0).astype("float32")


def read_mask(path, shape):
    """A mask file as float32 `(H, W, 1)` in [0, 1]; white is the region.

    Colour masks are read by their luminance and any alpha channel is
    ignored; soft (antialiased, JPEG) edges keep their grey levels.

    Args:
        path: the mask file.
        shape: the size the mask must have, `(H, W)` or an image shape
            `(H, W, C)`: the image it goes with.

    Returns:
        float32 `(H, W, 1)` in [0, 1].

    Raises:
        FileNotFoundError: for a missing file.
        ValueError: for an undecodable file, or a mask of another size
            than `shape`, naming `mask`, its size and the expected one.
    """
    expected = tuple(int(side) for side in tuple(shape)[:2])
    image = _open(path, "mask")
    size = (image.height, image.width)
    if size != expected:
        raise ValueError(
            f"The `mask` {os.fspath(path)!r} is {size[0]}x{size[1]} (HxW) "
            f"but must have the image's size, {expected[0]}x{expected[1]}. "
            + format_received(mask=os.fspath(path), mask_size=size,
                              expected_size=expected)
        )
    array = np.asarray(image.convert("L"), "float32") / 255.0
    return array[..., None]
