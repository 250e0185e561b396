"""`single_image_diversity`: SinGAN's pixel diversity of random samples."""

import numpy as np

from keras_gans.metrics import image_checks
from keras_gans.metrics.patch_swd import image_batch
from keras_gans.utils.validation import format_received


def single_image_diversity(samples, image):
    """Diversity of samples of a single-image GAN (Shaham et al. 2019).

    SinGAN's measure: "the standard deviation of the intensity values of
    each pixel over the generated samples, averaged over all pixels, and
    normalized by the standard deviation of the intensity values of the
    training image". Here, in the images' [-1, 1] units:

        mean over (y, x, c) of std over n of samples[n, y, x, c]
        -----------------------------------------------------------
                   std of all values of image[y, x, c]

    Both standard deviations are population ones (divided by the count,
    `ddof=0`), each colour channel of a pixel counts as one intensity
    value, and the training image's std is taken over all its values at
    once (pixels and channels together). 0 means all samples are equal;
    samples that vary as much as the image's own pixels give about 1.

    Args:
        samples: `(N, H, W, C)` samples (N >= 2) of the training image's
            size, floats in [-1, 1] or uint8 pixels; NumPy or a backend
            tensor.
        image: the training image `(H, W, C)` (or a batch of one).

    Returns:
        The diversity as a Python float >= 0.

    Raises:
        ValueError: if `samples` is not a batch of at least 2 images of
            the image's shape, `image` is not one image or is constant,
            or the values are invalid.

    Example:

    ```python
    samples = singan.generate(100, seed=0)           # (100, H, W, 3)
    single_image_diversity(samples, training_image)  # e.g. 0.4
    ```
    """
    reference = image_batch(image, "image")
    if len(reference) != 1:
        raise ValueError(
            "`image` must be one image (height, width, channels). "
            + format_received(image=image_checks.describe(reference))
        )
    array = image_checks.to_numpy(samples, "samples")
    if array.ndim != 4 or len(array) < 2:
        raise ValueError(
            "`samples` must be a batch (N, height, width, channels) of at "
            "least 2 samples. "
            + format_received(samples=image_checks.describe(array))
        )
    array = image_batch(array, "samples")
    if array.shape[1:] != reference.shape[1:]:
        raise ValueError(
            "`samples` must have the training image's shape "
            f"{reference.shape[1:]} (per-pixel spread needs aligned "
            "pixels; generate at the training size). "
            + format_received(samples=image_checks.describe(array))
        )
    scale = float(np.std(reference))
    if scale == 0.0:
        raise ValueError(
            "`image` must not be constant (its std normalizes the "
            "diversity). " + format_received(image="a constant image")
        )
    return float(np.mean(np.std(array, axis=0))) / scale
