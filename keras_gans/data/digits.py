"""The `"digits"` source: scikit-learn's bundled 8x8 handwritten digits.

1,797 real images (UCI optical recognition of handwritten digits), labelled
0-9 and shipped inside scikit-learn, so it needs no network and no files.
It is the embedded default dataset for examples and tests.
"""

import numpy as np

from keras_gans.data import checks
from keras_gans.data.array_set import ArraySet
from keras_gans.data.transforms import fit_array_images

NATIVE_SHAPE = (8, 8, 1)
NUM_CLASSES = 10
# The set has no train/test division; both names mean all 1,797 images.
SPLITS = ("train", "all")
# Pixels in the scikit-learn copy are counts of "on" cells in a 4x4 block.
_MAX_VALUE = 16.0


def read(image_shape=None, with_labels=False, split="train"):
    """Reads the digits as uint8 images, resized to `image_shape`.

    Args:
        image_shape: `(height, width, 1)`; default `(8, 8, 1)`. Other sizes
            are made by antialiased bicubic resizing (see
            `keras_gans.data.transforms`), e.g. `(28, 28, 1)` for an MNIST
            model or `(32, 32, 1)`.
        with_labels: also return the int32 digit labels.
        split: `"train"` or `"all"` (the same 1,797 images).

    Returns:
        An `ArraySet` with uint8 images in [0, 255] (`0..16` scaled by
        255/16) and, when `with_labels`, labels 0-9.

    Raises:
        ValueError: for an `image_shape` without exactly 1 channel, or an
            unknown `split`.
    """
    from sklearn.datasets import load_digits

    checks.check_split(split, SPLITS, "digits")
    shape = (
        NATIVE_SHAPE
        if image_shape is None
        else checks.check_grayscale_shape(image_shape, "digits")
    )
    bunch = load_digits()
    images = np.rint(bunch.images * (255.0 / _MAX_VALUE)).astype("uint8")
    images = fit_array_images(images[..., None], shape)
    labels = bunch.target.astype("int32") if with_labels else None
    class_names = tuple(str(d) for d in range(NUM_CLASSES))
    return ArraySet(images, labels, class_names if with_labels else None)


def count():
    """Number of images in the set (1,797), without converting them."""
    from sklearn.datasets import load_digits

    return len(load_digits().target)
