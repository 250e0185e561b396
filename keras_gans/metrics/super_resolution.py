"""Super-resolution scores by the literature's protocol (Set5, Set14, ...).

The protocol of SRCNN, EDSR and their successors, as their MATLAB scripts
run it: each HR image is cropped to a multiple of the scale `s`; the LR
input is MATLAB's `imresize(hr, 1/s, 'bicubic')` of the 8-bit image
(`keras_gans.data.bicubic.imresize`: antialiased, rounded to 8 bits like a
saved LR image); the output is quantized to 8 bits like a saved image;
PSNR and SSIM are measured on the luma (Y) channel that MATLAB's
`rgb2ycbcr` gives for a uint8 image (ITU-R BT.601, 16-235, rounded to
whole levels; a one-channel image is its own Y, as the scripts take a
grayscale file), with `s` pixels shaved from every border (the border
pixels a network cannot reconstruct). SSIM is Wang et al.'s: Gaussian
11x11 windows (sigma 1.5), population covariances, data range 255.

A bicubic upscaling of the same LR images (`imresize(lr, s)`) is scored
next to the model: the baseline it must beat. On Set5 it lands within
0.02 dB of the published bicubic rows (x2/x3/x4 33.65/30.39/28.42 dB
against 33.66/30.39/28.42). The sharpness ratio (`sharpness_ratio`: mean
gradient magnitude of the output's Y over the HR's) tells blur from
detail: 1 for an output as sharp as the HR image, less for a blurred one
(bicubic keeps 0.635 of the gradients at x4 on Set5).
"""

import numpy as np

from keras_gans.data.bicubic import imresize
from keras_gans.data.bicubic import round_to_uint8
from keras_gans.metrics.image_similarity import psnr
from keras_gans.metrics.image_similarity import ssim
from keras_gans.utils.images import to_uint8
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received

# BT.601 luma of 8-bit R, G, B: Y = 16 + (65.481 R + 128.553 G + 24.966 B)
# / 255, in [16, 235]. A grayscale image is R = G = B.
Y_WEIGHTS = np.array([65.481, 128.553, 24.966]) / 255.0
Y_OFFSET = 16.0
Y_RANGE = 255.0


def rgb_to_y(images):
    """The BT.601 luma (16-235) of uint8 images, as float64 `(..., 1)`.

    Args:
        images: `(..., 3)` RGB or `(..., 1)` grayscale values in [0, 255].
    """
    images = np.asarray(images, "float64")
    weights = Y_WEIGHTS if images.shape[-1] == 3 else Y_WEIGHTS.sum()
    return Y_OFFSET + np.sum(images * weights, axis=-1, keepdims=True)


def y_channel(image):
    """The Y channel the evaluation scripts score, as float64 `(H, W, 1)`.

    MATLAB's `rgb2ycbcr` of a uint8 image returns uint8, so the BT.601
    luma of an RGB image (`rgb_to_y`) is rounded half away from zero to
    whole levels. The scripts convert three-channel files only: a
    grayscale file is its own Y, in [0, 255] rather than [16, 235].

    Args:
        image: uint8 `(H, W, 3)` RGB or `(H, W, 1)` grayscale.

    Raises:
        ValueError: for a channel count other than 1 or 3.
    """
    if _check_channels("image", image) == 1:
        return np.asarray(image, "float64")
    return round_to_uint8(rgb_to_y(image)).astype("float64")


def _check_channels(name, image):
    channels = image.shape[-1]
    if image.ndim != 3 or channels not in (1, 3):
        raise ValueError(
            f"`{name}` must hold (H, W, 3) RGB or (H, W, 1) grayscale "
            "images. "
            + format_received(**{name: f"array of shape {image.shape}"})
        )
    return channels


def crop_to_multiple(image, scale):
    """`image` `(H, W, C)` cropped at the bottom and right to multiples of
    `scale`, so that downscaling and upscaling again gives its size back."""
    height, width = image.shape[:2]
    return image[: height - height % scale, : width - width % scale]


def resize_bicubic(image, scale):
    """A uint8 `(H, W, C)` image resized `scale` times (< 1 shrinks) as
    MATLAB's `imresize(image, scale, 'bicubic')`: antialiased when
    shrinking, sides `ceil(H * scale)` and `ceil(W * scale)`, rounded to
    uint8 (see `keras_gans.data.bicubic.imresize`)."""
    return imresize(image, scale=scale)


def _shaved(scale):
    return (slice(scale, -scale or None),) * 2


def _check_same_shape(output, target):
    if output.shape != target.shape:
        raise ValueError(
            "`output` must have the shape of its HR `target`. "
            + format_received(output=output.shape, target=target.shape)
        )


def y_psnr_ssim(output, target, scale):
    """PSNR (dB) and SSIM of uint8 `output` against `target`, `(H, W, C)`
    each, on the Y channel (`y_channel`) with `scale` border pixels shaved.

    Raises:
        ValueError: for different shapes, other than 1 or 3 channels, or
            images too small for SSIM's 11x11 window once shaved.
    """
    _check_same_shape(output, target)
    pair = [
        y_channel(image)[_shaved(scale)][None] for image in (output, target)
    ]
    return (
        float(psnr(*pair, data_range=Y_RANGE)[0]),
        float(ssim(*pair, data_range=Y_RANGE)[0]),
    )


def gradient_magnitude(luma):
    """`|grad luma|` of a `(H, W)` array by central differences.

    `np.gradient`: `gx[i, j] = (luma[i, j + 1] - luma[i, j - 1]) / 2`, the
    same down the columns for `gy`, and one-sided differences on the
    array's border (`luma[i, 1] - luma[i, 0]`, ...); the magnitude is
    `sqrt(gx**2 + gy**2)`, in levels per pixel.
    """
    gy, gx = np.gradient(np.asarray(luma, "float64"))
    return np.hypot(gx, gy)


def sharpness_ratio(output, target, scale):
    """How much of the target's detail an output keeps: the mean gradient
    magnitude of the output's Y over that of the target's Y.

    Both Y channels (`y_channel`) are shaved by `scale` pixels on every
    border first, so that no shaved pixel counts, then `gradient_magnitude`
    (central differences, one-sided on the edges of the shaved region) is
    averaged over each. 1 is as sharp as the target; blur gives less
    (bicubic upscaling 0.635 at x4 on Set5), noise or ringing can
    give more. Central differences skip the pixel itself, so a one-pixel
    alternation (a checkerboard artifact) adds no gradient.

    Args:
        output: uint8 `(H, W, C)` upscaled image.
        target: uint8 `(H, W, C)` HR image.
        scale: border pixels to shave (the upscaling factor).

    Returns:
        The ratio as a float; `nan` for a target without any gradient in
        the shaved region (nothing to compare with).

    Raises:
        ValueError: for different shapes, or other than 1 or 3 channels.
    """
    _check_same_shape(output, target)
    output_mean, target_mean = (
        gradient_magnitude(y_channel(image)[_shaved(scale)][..., 0]).mean()
        for image in (output, target)
    )
    if target_mean == 0:
        return float("nan")
    return float(output_mean / target_mean)


def upscaling_scores(upscale, hr_images, scale):
    """Scores an upscaler on HR images by the protocol of this module.

    Args:
        upscale: callable mapping a float32 `(1, h, w, C)` LR batch in
            [-1, 1] to its `(1, scale*h, scale*w, C)` upscaling in [-1, 1]
            (images of a set differ in size, so they go one at a time).
        hr_images: uint8 `(H, W, C)` HR images (a list; sizes may differ),
            C = 3 (RGB) or 1 (grayscale, scored on its own levels: pass a
            grayscale file with one channel to score it as the literature
            does).
        scale: the upscaling factor.

    Returns:
        Dict: `psnr`, `ssim`, `sharpness` (`sharpness_ratio`) of the
        upscaler and `bicubic_psnr`, `bicubic_ssim`, `bicubic_sharpness`
        of the bicubic baseline, each the mean over images; `per_image`,
        the per-image lists of all six; `num_images`.

    Raises:
        ValueError: for no images, a non-positive `scale`, an image smaller
            than the protocol allows or with other than 1 or 3 channels,
            or an output of the wrong size.

    Example:

    ```python
    hr = [np.asarray(keras_gans.data.read_image(p, "RGB")) for p in paths]
    upscaling_scores(load_artifact("exports/srgan"), hr, scale=4)["psnr"]
    ```
    """
    scale = check_positive_int("scale", scale)
    if not len(hr_images):
        raise ValueError(
            "`hr_images` must hold at least one image. "
            + format_received(hr_images=hr_images)
        )
    names = ("psnr", "ssim", "sharpness")
    scores = {key + name: [] for key in ("", "bicubic_") for name in names}
    for hr in hr_images:
        hr = crop_to_multiple(np.asarray(hr, "uint8"), scale)
        _check_channels("hr_images", hr)
        lr = resize_bicubic(hr, 1.0 / scale)
        output = upscale(_to_unit(lr))
        for key, image in (
            ("", to_uint8(np.asarray(output)[0])),
            ("bicubic_", resize_bicubic(lr, scale)),
        ):
            value_psnr, value_ssim = y_psnr_ssim(image, hr, scale)
            scores[key + "psnr"].append(value_psnr)
            scores[key + "ssim"].append(value_ssim)
            scores[key + "sharpness"].append(
                sharpness_ratio(image, hr, scale)
            )
    result = {key: float(np.mean(values)) for key, values in scores.items()}
    result["per_image"] = scores
    result["num_images"] = len(hr_images)
    return result


def _to_unit(lr):
    """A uint8 LR image as the float32 `(1, h, w, C)` batch in [-1, 1]
    that upscalers take."""
    return lr[None].astype("float32") / 127.5 - 1.0
