"""The tensorflow-datasets source, offline through `tfds.testing.mock_data`.

`mock_data` generates random examples that follow each registered
dataset's feature spec, so the real `tfds.load` code path runs without the
network.
"""

import numpy as np
import pytest
import tensorflow as tf
import tensorflow_datasets as tfds

from keras_gans import data
from keras_gans.data.transforms import fit_array_images
from keras_gans.data.transforms import fit_image_tensor

# Backend-independent: runs in one backend's session (tests/conftest.py).
pytestmark = pytest.mark.once



@pytest.fixture
def mock20(tmp_path):
    with tfds.testing.mock_data(num_examples=20, data_dir=str(tmp_path)):
        yield str(tmp_path)


def test_mnist_images(mock20):
    ds = data.load("mnist", batch_size=8, data_dir=mock20, seed=0)
    assert ds.element_spec.shape.as_list() == [8, 28, 28, 1]
    batches = list(ds.as_numpy_iterator())
    assert len(batches) == 20 // 8  # drop_remainder
    images = np.concatenate(batches)
    assert images.dtype == np.float32
    assert -1.0 <= images.min() < -0.9 and 0.9 < images.max() <= 1.0


def test_mnist_with_labels(mock20):
    ds = data.load(
        "mnist", batch_size=10, data_dir=mock20, with_labels=True, shuffle=False
    )
    images_spec, labels_spec = ds.element_spec
    assert images_spec.shape.as_list() == [10, 28, 28, 1]
    assert labels_spec.dtype == tf.int32
    labels = np.concatenate([y for _, y in ds.as_numpy_iterator()])
    assert labels.shape == (20,)
    assert labels.min() >= 0 and labels.max() < 10
    assert data.num_classes("mnist") == 10


def test_mnist_resized(mock20):
    ds = data.load(
        "mnist", batch_size=4, data_dir=mock20, image_shape=(32, 32, 1)
    )
    assert next(iter(ds)).shape == (4, 32, 32, 1)


def test_cifar10_with_labels(mock20):
    ds = data.load("cifar10", batch_size=5, data_dir=mock20, with_labels=True)
    images, labels = next(iter(ds.as_numpy_iterator()))
    assert images.shape == (5, 32, 32, 3) and images.dtype == np.float32
    assert labels.dtype == np.int32 and set(labels) <= set(range(10))


def test_celeb_a_default_crop_and_size(mock20):
    ds = data.load("celeb_a", batch_size=4, data_dir=mock20)
    assert next(iter(ds)).shape == (4, 64, 64, 3)
    assert data.info("celeb_a").image_shape == (64, 64, 3)


def test_load_arrays_reads_a_whole_split(mock20):
    images, labels = data.load_arrays(
        "fashion_mnist", data_dir=mock20, with_labels=True, split="test"
    )
    assert images.shape == (20, 28, 28, 1) and images.dtype == np.uint8
    assert labels.shape == (20,) and labels.dtype == np.int32


def test_seeded_shuffle_reproducible(mock20):
    def first_batch(seed):
        ds = data.load("mnist", batch_size=20, data_dir=mock20, seed=seed)
        return next(iter(ds.as_numpy_iterator()))

    np.testing.assert_array_equal(first_batch(1), first_batch(1))
    assert not np.array_equal(first_batch(1), first_batch(2))


def test_tensorflow_resize_matches_pil_crop_rule():
    # Same crop rule and filter family in both paths: a 20x60 red|green|blue
    # image fitted to a square keeps only the green middle.
    stripes = np.zeros((1, 20, 60, 3), "uint8")
    stripes[:, :, :20, 0] = 255
    stripes[:, :, 20:40, 1] = 255
    stripes[:, :, 40:, 2] = 255
    from_tf = fit_image_tensor(tf.constant(stripes[0]), (10, 10, 3)).numpy()
    from_pil = fit_array_images(stripes, (10, 10, 3))[0]
    np.testing.assert_array_equal(from_tf, from_pil)
    np.testing.assert_array_equal(from_tf[..., 1], 255)


@pytest.mark.parametrize("shape", [(64, 64, 3), (32, 48, 3), (400, 400, 3)])
def test_tensorflow_and_pil_resize_agree_on_a_photo(shape):
    # tfds datasets and in-memory sources must give the same pixels for the
    # same picture (FID reference sets depend on it): up to rounding.
    from skimage.data import chelsea

    photo = chelsea()
    from_tf = fit_image_tensor(tf.constant(photo), shape).numpy()
    from_pil = fit_array_images(photo[None], shape)[0]
    difference = np.abs(from_tf.astype(int) - from_pil)
    assert difference.mean() < 0.5 and difference.max() <= 2


# ------------------------------------------------------------------ errors


def test_unknown_tfds_name():
    with pytest.raises(ValueError, match="name='cifar_eleven'") as info:
        data.load("cifar_eleven")
    assert "'digits', 'mnist-5k', 'mnist-idx', 'folder'" in str(info.value)


def test_dataset_not_prepared_offline(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"download=True.*data_dir="):
        data.load("mnist", data_dir=str(tmp_path))


def test_no_labels_in_celeb_a(mock20):
    with pytest.raises(ValueError, match=r"'celeb_a'.*with_labels=True"):
        data.load("celeb_a", data_dir=mock20, with_labels=True)


def test_channel_mismatch_for_grayscale_mnist(mock20):
    pattern = r"1 channel\b.*image_shape=\(28, 28, 3\)"
    with pytest.raises(ValueError, match=pattern):
        data.load("mnist", data_dir=mock20, image_shape=(28, 28, 3))


def test_batch_larger_than_split(mock20):
    with pytest.raises(ValueError, match=r"20 images.*batch_size=32"):
        data.load("mnist", data_dir=mock20, batch_size=32)
