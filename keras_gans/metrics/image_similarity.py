"""`psnr` and `ssim` of image pairs (image-to-image translation quality)."""

import numpy as np
from skimage.metrics import peak_signal_noise_ratio
from skimage.metrics import structural_similarity

from keras_gans.metrics.image_checks import to_numpy
from keras_gans.utils.validation import format_received

# keras-gans images live in [-1, 1].
DATA_RANGE = 2.0


def psnr(images, targets, data_range=DATA_RANGE):
    """Peak signal-to-noise ratio per image pair, in dB.

    Args:
        images: `(N, H, W, C)` images (NumPy or a backend tensor).
        targets: reference images of the same shape.
        data_range: max minus min of the value range (2 for [-1, 1]).

    Returns:
        float64 NumPy array `(N,)`; `inf` for identical pairs.

    Raises:
        ValueError: for shapes that are not equal `(N, H, W, C)` or
            non-finite values.

    Example:

    >>> a = np.zeros((1, 4, 4, 1)); b = a + 0.02
    >>> float(np.round(psnr(a, b)[0], 2))  # 10 log10(2^2 / 0.02^2)
    40.0
    """
    images, targets = _check_pair(images, targets)
    return np.array(
        [
            peak_signal_noise_ratio(t, x, data_range=data_range)
            if np.any(x != t)
            else np.inf
            for x, t in zip(images, targets)
        ]
    )


def ssim(images, targets, data_range=DATA_RANGE):
    """Structural similarity (Wang et al. 2004) per image pair.

    Gaussian-weighted 11x11 windows (σ 1.5) as in the paper, averaged over
    channels; computed by scikit-image.

    Args:
        images: `(N, H, W, C)` images, H and W at least 11.
        targets: reference images of the same shape.
        data_range: max minus min of the value range (2 for [-1, 1]).

    Returns:
        float64 NumPy array `(N,)` in [-1, 1]; 1 for identical pairs.

    Raises:
        ValueError: as `psnr`, or for images smaller than 11x11.
    """
    images, targets = _check_pair(images, targets)
    if min(images.shape[1:3]) < 11:
        raise ValueError(
            "`images` must be at least 11x11 for SSIM's 11x11 window. "
            + format_received(images=f"array of shape {images.shape}")
        )
    return np.array(
        [
            structural_similarity(
                t,
                x,
                data_range=data_range,
                channel_axis=-1,
                gaussian_weights=True,
                sigma=1.5,
                use_sample_covariance=False,
            )
            for x, t in zip(images, targets)
        ]
    )


def _check_pair(images, targets):
    arrays = []
    for name, value in (("images", images), ("targets", targets)):
        array = np.asarray(to_numpy(value, name), dtype=np.float64)
        if array.ndim != 4:
            raise ValueError(
                f"`{name}` must be a (N, H, W, C) batch. "
                + format_received(**{name: f"array of shape {array.shape}"})
            )
        if not np.all(np.isfinite(array)):
            raise ValueError(
                f"`{name}` contains NaN or infinite values. "
                + format_received(**{name: f"array of shape {array.shape}"})
            )
        arrays.append(array)
    if arrays[0].shape != arrays[1].shape:
        raise ValueError(
            "`images` and `targets` must have the same shape. "
            + format_received(images=arrays[0].shape, targets=arrays[1].shape)
        )
    return arrays
