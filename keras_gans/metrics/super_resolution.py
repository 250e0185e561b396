"""Super-resolution scores by the literature's protocol (Set5, Set14, ...).

The protocol of SRCNN, EDSR and their successors: each HR image is cropped
to a multiple of the scale `s`; the LR input is its bicubic downscaling
(antialiased, as MATLAB's `imresize`; here PIL's `BICUBIC`); the output is
quantized to 8 bits like a saved image; PSNR and SSIM are measured on the
luma (Y) channel of ITU-R BT.601 in its 16-235 range, with `s` pixels
shaved from every border (the border pixels a network cannot
reconstruct). SSIM is Wang et al.'s: Gaussian 11x11 windows (sigma 1.5),
population covariances, data range 255. A bicubic upscaling of the same
LR images is scored next to the model: the baseline it must beat.
"""

import numpy as np
from PIL import Image

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


def crop_to_multiple(image, scale):
    """`image` `(H, W, C)` cropped at the bottom and right to multiples of
    `scale`, so that downscaling and upscaling again gives its size back."""
    height, width = image.shape[:2]
    return image[: height - height % scale, : width - width % scale]


def resize_bicubic(image, scale):
    """A uint8 `(H, W, C)` image resized `scale` times (< 1 shrinks) with
    PIL's bicubic filter (antialiased when shrinking)."""
    height, width, channels = image.shape
    size = (round(width * scale), round(height * scale))
    pil = Image.fromarray(image[..., 0] if channels == 1 else image)
    resized = np.asarray(pil.resize(size, Image.Resampling.BICUBIC))
    return resized.reshape(size[1], size[0], channels)


def y_psnr_ssim(output, target, scale):
    """PSNR (dB) and SSIM of uint8 `output` against `target`, `(H, W, C)`
    each, on the Y channel with `scale` border pixels shaved.

    Raises:
        ValueError: for different shapes, or images too small for SSIM's
            11x11 window once shaved.
    """
    if output.shape != target.shape:
        raise ValueError(
            "`output` must have the shape of its HR `target`. "
            + format_received(output=output.shape, target=target.shape)
        )
    inner = (slice(scale, -scale or None),) * 2
    pair = [rgb_to_y(image)[inner][None] for image in (output, target)]
    return (
        float(psnr(*pair, data_range=Y_RANGE)[0]),
        float(ssim(*pair, data_range=Y_RANGE)[0]),
    )


def upscaling_scores(upscale, hr_images, scale):
    """Scores an upscaler on HR images by the protocol of this module.

    Args:
        upscale: callable mapping a float32 `(1, h, w, C)` LR batch in
            [-1, 1] to its `(1, scale*h, scale*w, C)` upscaling in [-1, 1]
            (images of a set differ in size, so they go one at a time).
        hr_images: uint8 `(H, W, C)` HR images (a list; sizes may differ).
        scale: the upscaling factor.

    Returns:
        Dict: `psnr`, `ssim` (means over images), the bicubic baseline's
        `bicubic_psnr`, `bicubic_ssim`, the per-image `per_image` lists
        and `num_images`.

    Raises:
        ValueError: for no images, a non-positive `scale`, an image smaller
            than the protocol allows, or an output of the wrong size.

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
    scores = {"psnr": [], "ssim": [], "bicubic_psnr": [], "bicubic_ssim": []}
    for hr in hr_images:
        hr = crop_to_multiple(np.asarray(hr, "uint8"), scale)
        lr = resize_bicubic(hr, 1.0 / scale)
        output = upscale(lr[None].astype("float32") / 127.5 - 1.0)
        for key, image in (
            ("", to_uint8(np.asarray(output)[0])),
            ("bicubic_", resize_bicubic(lr, scale)),
        ):
            value_psnr, value_ssim = y_psnr_ssim(image, hr, scale)
            scores[f"{key}psnr"].append(value_psnr)
            scores[f"{key}ssim"].append(value_ssim)
    result = {key: float(np.mean(values)) for key, values in scores.items()}
    result["per_image"] = scores
    result["num_images"] = len(hr_images)
    return result
