"""The image pyramid SinGAN trains on, and its resizing between scales."""

import math

import numpy as np
from keras import ops

from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received


def check_scale_factor(scale_factor):
    """A float strictly between 0 and 1."""
    if (
        isinstance(scale_factor, bool)
        or not isinstance(scale_factor, (int, float))
        or not 0.0 < scale_factor < 1.0
    ):
        raise ValueError(
            "`scale_factor` must be a number strictly between 0 and 1 (the "
            "size ratio of a scale to the next finer one). "
            + format_received(scale_factor=scale_factor)
        )
    return float(scale_factor)


def _check_sizes(height, width, min_size, max_size):
    height = check_positive_int("height", height)
    width = check_positive_int("width", width)
    min_size = check_positive_int("min_size", min_size)
    max_size = check_positive_int("max_size", max_size)
    if max_size < min_size:
        raise ValueError(
            "`max_size` must be at least `min_size`. "
            + format_received(min_size=min_size, max_size=max_size)
        )
    if min(height, width) < min_size:
        raise ValueError(
            f"The image's shorter side must be at least `min_size` = "
            f"{min_size} px (the coarsest scale). "
            + format_received(image_size=(height, width))
        )
    return height, width, min_size, max_size


def singan_scale_sizes(height, width, min_size=25, max_size=250, scale_factor=0.75):
    """Sizes of SinGAN's pyramid, coarse to fine, by the official formula.

    tamarott/SinGAN (`adjust_scales2image`, `creat_reals_pyramid`): the
    image is first shrunk so its longer side is at most `max_size`; the
    number of scales is set by `scale_factor` so the coarsest shorter side
    is `min_size`, and the factor is then adjusted to land on it exactly.
    Sizes are MATLAB's `ceil(side * factor ** k)`.

    Args:
        height: the image's height.
        width: the image's width.
        min_size: shorter side of the coarsest scale (25).
        max_size: longer side of the finest scale (250 in the paper).
        scale_factor: the nominal ratio between scales (0.75).

    Returns:
        `(sizes, factor)`: a list of `(h, w)` from coarsest to finest and
        the adjusted ratio between scales.

    Raises:
        ValueError: for a factor outside (0, 1), non-positive sizes, a
            `max_size` below `min_size`, or an image whose shorter side is
            below `min_size`.
    """
    scale_factor = check_scale_factor(scale_factor)
    height, width, min_size, max_size = _check_sizes(
        height, width, min_size, max_size
    )
    longer, shorter = max(height, width), min(height, width)
    num_scales = math.ceil(math.log(min_size / shorter, scale_factor)) + 1
    scale2stop = math.ceil(
        math.log(min(max_size, longer) / longer, scale_factor)
    )
    stop_scale = max(num_scales - scale2stop, 0)
    scale1 = min(max_size / longer, 1.0)
    top = (math.ceil(height * scale1), math.ceil(width * scale1))
    if stop_scale == 0:
        return [top], 1.0
    factor = math.pow(min_size / min(top), 1.0 / stop_scale)
    sizes = []
    for i in range(stop_scale + 1):
        scale = math.pow(factor, stop_scale - i)
        sizes.append(tuple(math.ceil(side * scale) for side in top))
    return sizes, factor


def consingan_scale_sizes(height, width, min_size=25, max_size=250, stages=6):
    """Sizes of ConSinGAN's rescaled pyramid, coarse to fine.

    tohinz/ConSinGAN (`adjust_scales2image`, `create_reals_pyramid`):
    `stages` scales with more of them at low resolution, where the global
    layout is learned: scale `i` of `n = stages - 1` is the image times
    `r ** ((n - 1) / ln n * ln(n - i) + 1)`, `r = (min_size /
    shorter side) ** (1 / n)`.

    Args:
        height: the image's height.
        width: the image's width.
        min_size: shorter side of the coarsest scale (25).
        max_size: longer side of the finest scale.
        stages: the number of scales (6), at least 2.

    Returns:
        A list of `(h, w)` from coarsest to finest.

    Raises:
        ValueError: as `singan_scale_sizes`, or for `stages` below 2.
    """
    height, width, min_size, max_size = _check_sizes(
        height, width, min_size, max_size
    )
    stages = check_positive_int("stages", stages)
    if stages < 2:
        raise ValueError(
            "ConSinGAN needs `stages` >= 2. " + format_received(stages=stages)
        )
    scale1 = min(max_size / max(height, width), 1.0)
    top = (math.ceil(height * scale1), math.ceil(width * scale1))
    stop = stages - 1
    factor = math.pow(min_size / min(top), 1.0 / stop)
    sizes = []
    for i in range(stop):
        if stop == 1:
            exponent = 1.0
        else:
            exponent = (stop - 1) / math.log(stop) * math.log(stop - i) + 1
        scale = math.pow(factor, exponent)
        sizes.append(tuple(math.ceil(side * scale) for side in top))
    sizes.append(top)
    return sizes


def image_pyramid(image, sizes):
    """The image resized to each of `sizes` (MATLAB bicubic, antialiased).

    Args:
        image: float array `(H, W, C)` in [-1, 1].
        sizes: `(h, w)` pairs.

    Returns:
        A list of float32 arrays `(h, w, C)`, clipped to [-1, 1].
    """
    # Here, not at the top: `keras_gans.data` imports TensorFlow, which
    # `import keras_gans` spares the JAX and torch backends.
    from keras_gans.data.bicubic import imresize

    image = np.asarray(image, dtype="float64")
    return [
        np.clip(imresize(image, output_shape=size), -1.0, 1.0).astype("float32")
        for size in sizes
    ]


def resize_to(images, size):
    """Bilinear resize of `(N, h, w, C)` images to `size`, in `keras.ops`.

    The step between scales. Bilinear (half-pixel centers) is the same
    function on every backend and in TFLite; bicubic is not (TensorFlow
    and JAX use a = -0.5, torch a = -0.75).

    A traced size (a TensorFlow graph of free height and width, as an
    exported sampler is) goes to `tf.image.resize`, the kernel
    `keras.ops.image.resize` runs on TensorFlow: Keras' op compares the
    size with 0 in Python, which a symbolic size cannot do.
    """
    if not all(isinstance(side, (int, np.integer)) for side in size):
        import tensorflow as tf

        return tf.image.resize(images, size, method="bilinear")
    return ops.image.resize(
        images, size, interpolation="bilinear", antialias=False
    )


def sampler_output_size(
    size, scale_h, scale_w, training_size, min_size=None, path="the sampler"
):
    """A sampler's output `(height, width)` (`SinGAN.output_size`, and
    an exported sampler's).

    Args:
        size: `(height, width)`, or `None` for `training_size` scaled by
            `scale_h` and `scale_w` (rounded half to even).
        scale_h: output height over the training height (> 0).
        scale_w: output width over the training width (> 0).
        training_size: the sampler's `(height, width)`, or `None` if
            unknown (then `size` is required).
        min_size: the smallest `(height, width)` (the card's
            `min_output_size`), or `None` to accept any.
        path: how error messages name the sampler.

    Raises:
        ValueError: naming the argument: both `size` and scales, a size
            that is not two positive ints, a scale that is not a positive
            number, scales of an unknown training size, or a size under
            `min_size`.
    """
    for name, value in (("scale_h", scale_h), ("scale_w", scale_w)):
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float, np.integer, np.floating))
            or not value > 0
            or not np.isfinite(value)
        ):
            raise ValueError(
                f"`{name}` must be a positive number. "
                + format_received(**{name: value})
            )
    if size is None:
        if training_size is None:
            raise ValueError(
                f"`{path}` has no model card telling its training size: "
                "pass `size=(height, width)`. "
                + format_received(scale_h=scale_h, scale_w=scale_w)
            )
        height = max(1, round(training_size[0] * float(scale_h)))
        width = max(1, round(training_size[1] * float(scale_w)))
    else:
        if scale_h != 1.0 or scale_w != 1.0:
            raise ValueError(
                "Pass `size` or `scale_h`/`scale_w`, not both. "
                + format_received(size=size, scale_h=scale_h, scale_w=scale_w)
            )
        if (
            not isinstance(size, (tuple, list))
            or len(size) != 2
            or any(
                isinstance(s, bool)
                or not isinstance(s, (int, np.integer))
                or s < 1
                for s in size
            )
        ):
            raise ValueError(
                "`size` must be (height, width) in pixels. "
                + format_received(size=size)
            )
        height, width = int(size[0]), int(size[1])
    if min_size is not None and (height < min_size[0] or width < min_size[1]):
        raise ValueError(
            f"The output size {(height, width)} is too small for `{path}`: "
            f"its coarsest scale would be under the networks' receptive "
            f"field; the smallest is {tuple(min_size)} (the card's "
            "min_output_size). " + format_received(size=(height, width))
        )
    return height, width
