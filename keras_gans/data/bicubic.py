"""MATLAB-compatible bicubic resizing (`imresize(image, scale, 'bicubic')`).

Super-resolution benchmarks make their LR images with MATLAB's
`imresize`, and its bicubic differs from PIL's, OpenCV's and TensorFlow's
in ways that move PSNR by hundredths of a dB: Keys' cubic kernel with
`a = -0.5`, stretched by `1 / scale` when shrinking (antialiasing), pixel
centres aligned (`0.5` in the output maps to `0.5` in the input), borders
handled by mirroring the *indices* of the contributing pixels (the edge
pixel repeated, `..., 1, 0 | 0, 1, ...`), the dimension with the smaller
scale resized first, all of it in double precision.

Each dimension's resize is linear, so `resize_weights` gives it as a dense
`(out_size, in_size)` matrix (the mirrored taps folded back onto the
pixels they read); `imresize` applies the row and column matrices. The
matrices also let a `tf.data` pipeline resize with two matmuls
(`keras_gans.data.patches`).
"""

import functools
import math
import numbers

import numpy as np

from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received

# MATLAB's bicubic: Keys' cubic convolution with a = -0.5, support [-2, 2].
KERNEL_WIDTH = 4.0


def cubic(distance):
    """Keys' cubic convolution kernel with `a = -0.5` (MATLAB's `cubic`).

    Args:
        distance: array of signed distances, in pixels.

    Returns:
        float64 array of kernel values: 1 at 0, 0 at the other integers
        and beyond 2 pixels.
    """
    x = np.abs(np.asarray(distance, "float64"))
    near = (1.5 * x**3 - 2.5 * x**2 + 1.0) * (x <= 1.0)
    far = (-0.5 * x**3 + 2.5 * x**2 - 4.0 * x + 2.0) * ((x > 1.0) & (x <= 2.0))
    return near + far


def resize_weights(in_size, out_size, scale):
    """MATLAB's bicubic contributions of `in_size` pixels to `out_size`.

    Output pixel `i` (0-based) is centred at input coordinate
    `u = (i + 0.5) / scale - 0.5`; it reads the pixels within half the
    kernel width of `u`, weighted by `cubic(u - j)`, or when shrinking
    (`scale < 1`, antialiasing) by `scale * cubic(scale * (u - j))`, the
    kernel stretched `1 / scale` times. Each row is normalised to sum to 1
    (as MATLAB does, before the borders), then taps that fall outside the
    image are folded onto the pixel their mirrored index names (`-1 -> 0`,
    `-2 -> 1`, `in_size -> in_size - 1`).

    Args:
        in_size: pixels along the dimension before resizing.
        out_size: pixels along it after resizing.
        scale: `out_size / in_size` as MATLAB takes it (the factor the
            caller asked for: `1 / 3` for a 255 -> 85 shrink).

    Returns:
        A read-only float64 array `(out_size, in_size)` whose rows sum to 1
        (cached: the same array for the same arguments).

    Raises:
        ValueError: for a non-positive or non-integer `in_size` or
            `out_size`, or a `scale` that is not a positive finite number.
    """
    in_size = check_positive_int("in_size", in_size)
    out_size = check_positive_int("out_size", out_size)
    scale = _check_scale(scale)
    return _resize_weights(in_size, out_size, scale)


@functools.lru_cache(maxsize=64)
def _resize_weights(in_size, out_size, scale):
    antialias = scale < 1.0
    width = KERNEL_WIDTH / scale if antialias else KERNEL_WIDTH
    centres = (np.arange(out_size) + 0.5) / scale - 0.5
    # Every pixel within width / 2 of a centre; one spare tap each side
    # (its weight is 0 or tiny), as MATLAB takes `ceil(width) + 2`.
    left = np.floor(centres - width / 2.0)
    taps = left[:, None] + np.arange(math.ceil(width) + 2)
    distance = centres[:, None] - taps
    if antialias:
        weights = scale * cubic(scale * distance)
    else:
        weights = cubic(distance)
    weights /= weights.sum(axis=1, keepdims=True)
    matrix = np.zeros((out_size, in_size))
    rows = np.broadcast_to(np.arange(out_size)[:, None], taps.shape)
    np.add.at(matrix, (rows, _mirror(taps.astype("int64"), in_size)), weights)
    matrix.setflags(write=False)
    return matrix


def _mirror(indices, size):
    """0-based `indices` reflected into `[0, size)` with the edge repeated
    (MATLAB's `[1:n, n:-1:1]` lookup): `-1 -> 0`, `size -> size - 1`."""
    period = np.mod(indices, 2 * size)
    return np.where(period < size, period, 2 * size - 1 - period)


def imresize(image, scale=None, output_shape=None):
    """MATLAB's `imresize(image, scale, 'bicubic')` (or `[rows cols]`).

    Args:
        image: uint8 or float array `(H, W)` or `(H, W, C)`.
        scale: the resize factor of both sides (< 1 shrinks, antialiased);
            the output has MATLAB's size `ceil(H * scale)` by
            `ceil(W * scale)`. Give `scale` or `output_shape`, not both.
        output_shape: `(rows, cols)` of the output; each side then scales
            by `rows / H` and `cols / W`.

    Returns:
        The resized image, its channels as given. A uint8 image gives uint8
        (rounded half away from zero, clipped to [0, 255], as MATLAB does
        once both sides are resized); a float image gives float64,
        unclipped (bicubic overshoots at edges).

    Raises:
        ValueError: for an `image` that is not 2-D or 3-D, not uint8 or
            float, or empty; for neither or both of `scale` and
            `output_shape`; for a `scale` that is not a positive finite
            number or an `output_shape` that is not two positive ints.
    """
    pixels = _check_image(image)
    in_shape = pixels.shape[:2]
    if (scale is None) == (output_shape is None):
        raise ValueError(
            "Pass one of `scale` and `output_shape`. "
            + format_received(scale=scale, output_shape=output_shape)
        )
    if scale is not None:
        scale = _check_scale(scale)
        scales = (scale, scale)
        out_shape = tuple(math.ceil(size * scale) for size in in_shape)
    else:
        out_shape = _check_output_shape(output_shape)
        scales = tuple(out / size for out, size in zip(out_shape, in_shape))
    result = pixels.astype("float64")
    # MATLAB resizes the dimension of the smaller scale first (rows on a
    # tie); the order changes the result by float rounding only.
    for axis in np.argsort(scales, kind="stable"):
        weights = _resize_weights(
            in_shape[axis], out_shape[axis], scales[axis]
        )
        result = np.moveaxis(
            np.tensordot(weights, result, axes=([1], [axis])), 0, axis
        )
    if pixels.dtype == np.uint8:
        return round_to_uint8(result)
    return result


def round_to_uint8(values):
    """Float pixel values rounded half away from zero (MATLAB's `uint8`)
    and clipped to [0, 255], as uint8."""
    return np.floor(np.clip(values, 0.0, 255.0) + 0.5).astype("uint8")


def _check_image(image):
    pixels = np.asarray(image)
    valid_type = pixels.dtype == np.uint8 or np.issubdtype(
        pixels.dtype, np.floating
    )
    if pixels.ndim not in (2, 3) or not valid_type or not pixels.size:
        raise ValueError(
            "`image` must be a non-empty uint8 or float array of shape "
            "(H, W) or (H, W, C). "
            + format_received(image=f"array{pixels.shape} {pixels.dtype}")
        )
    return pixels


def _check_scale(scale):
    if (
        isinstance(scale, bool)
        or not isinstance(scale, numbers.Real)
        or not math.isfinite(scale)
        or scale <= 0
    ):
        raise ValueError(
            "`scale` must be a positive finite number. "
            + format_received(scale=scale)
        )
    return float(scale)


def _check_output_shape(output_shape):
    try:
        sides = tuple(output_shape)
    except TypeError:
        sides = ()
    if len(sides) != 2 or not all(
        isinstance(side, numbers.Integral)
        and not isinstance(side, bool)
        and side > 0
        for side in sides
    ):
        raise ValueError(
            "`output_shape` must be two positive integers (rows, cols). "
            + format_received(output_shape=output_shape)
        )
    return tuple(int(side) for side in sides)
