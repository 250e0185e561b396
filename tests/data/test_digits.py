"""The embedded "digits" source and the shared pipeline behaviour."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from sklearn.datasets import load_digits

from keras_gans import data


def _first_batch(dataset):
    return next(iter(dataset.as_numpy_iterator()))


def _all_labels(dataset):
    return np.concatenate([y for _, y in dataset.as_numpy_iterator()])


def test_default_load_yields_float_batches_in_range():
    ds = data.load("digits", batch_size=32, seed=0)
    spec = ds.element_spec
    assert isinstance(ds, tf.data.Dataset)
    assert spec.shape.as_list() == [32, 8, 8, 1]
    assert spec.dtype == tf.float32
    images = np.concatenate(list(ds.as_numpy_iterator()))
    assert images.dtype == np.float32
    assert images.min() >= -1.0 and images.max() <= 1.0
    # The full [0, 16] ink range maps onto the full [-1, 1] range.
    assert images.min() < -0.9 and images.max() > 0.9
    assert len(images) == (1797 // 32) * 32


def test_labels_are_int32_and_cover_all_digits():
    ds = data.load(
        "digits",
        batch_size=100,
        with_labels=True,
        shuffle=False,
        drop_remainder=False,
    )
    images_spec, labels_spec = ds.element_spec
    assert labels_spec.dtype == tf.int32
    assert labels_spec.shape.as_list() == [None]  # keeps the last batch
    labels = _all_labels(ds)
    counts = np.bincount(labels, minlength=10)
    assert counts.sum() == 1797
    np.testing.assert_array_equal(counts, np.bincount(load_digits().target))
    # Unshuffled order is scikit-learn's order.
    np.testing.assert_array_equal(labels, load_digits().target)


def test_load_arrays_matches_sklearn_scaled_to_uint8():
    images, labels = data.load_arrays("digits", with_labels=True)
    raw = load_digits()
    assert images.shape == (1797, 8, 8, 1) and images.dtype == np.uint8
    np.testing.assert_array_equal(
        images[..., 0], np.rint(raw.images * 255 / 16).astype("uint8")
    )
    assert labels.dtype == np.int32
    np.testing.assert_array_equal(labels, raw.target)


def test_load_and_load_arrays_give_the_same_pixels():
    arrays = data.load_arrays("digits", image_shape=(28, 28, 1))
    ds = data.load(
        "digits", batch_size=16, image_shape=(28, 28, 1), shuffle=False
    )
    batch = _first_batch(ds)
    np.testing.assert_allclose(
        batch, arrays[:16].astype("float32") / 127.5 - 1, atol=1e-6
    )


@pytest.mark.parametrize("shape", [(28, 28, 1), (32, 32, 1), (16, 12, 1)])
def test_resize_to_image_shape(shape):
    images = data.load_arrays("digits", image_shape=shape)
    assert images.shape == (1797,) + shape
    # An upsampled digit still has dark background and bright strokes.
    assert images.min() == 0 and images.max() >= 250
    batch = _first_batch(data.load("digits", batch_size=8, image_shape=shape))
    assert batch.shape == (8,) + shape


def test_resize_preserves_the_digit():
    small = data.load_arrays("digits").astype("float32")
    large = data.load_arrays("digits", image_shape=(32, 32, 1))
    # Downsampling the 32x32 version by block means gives back the 8x8
    # image approximately: the resize moved no ink around.
    back = large.astype("float32").reshape(1797, 8, 4, 8, 4, 1).mean((2, 4))
    assert np.abs(back - small).mean() < 12


def test_drop_remainder():
    dropped = list(data.load("digits", batch_size=64).as_numpy_iterator())
    assert len(dropped) == 1797 // 64
    assert all(len(b) == 64 for b in dropped)
    kept = list(
        data.load("digits", batch_size=64, drop_remainder=False)
        .as_numpy_iterator()
    )
    assert len(kept) == 1797 // 64 + 1
    assert len(kept[-1]) == 1797 % 64
    assert kept[0].shape[0] == 64


def test_seeded_shuffle_is_reproducible_and_seeds_differ():
    def labels(seed):
        ds = data.load(
            "digits",
            batch_size=64,
            with_labels=True,
            seed=seed,
            drop_remainder=False,
        )
        return _all_labels(ds)

    first = labels(7)
    np.testing.assert_array_equal(first, labels(7))
    assert not np.array_equal(first, labels(8))
    unshuffled = load_digits().target
    assert not np.array_equal(first, unshuffled)
    # Shuffling permutes, it does not resample.
    np.testing.assert_array_equal(
        np.bincount(first, minlength=10), np.bincount(unshuffled, minlength=10)
    )


def test_each_epoch_is_reshuffled_reproducibly():
    def two_epochs(seed):
        ds = data.load("digits", batch_size=64, with_labels=True, seed=seed)
        return _all_labels(ds), _all_labels(ds)

    epoch1, epoch2 = two_epochs(3)
    assert not np.array_equal(epoch1, epoch2)
    again1, again2 = two_epochs(3)
    np.testing.assert_array_equal(epoch1, again1)
    np.testing.assert_array_equal(epoch2, again2)


@pytest.mark.parametrize("cache", [True, False])
def test_cache_setting_does_not_change_data(cache, tmp_path):
    ds = data.load("digits", batch_size=64, shuffle=False, cache=cache)
    reference = _first_batch(data.load("digits", batch_size=64, shuffle=False))
    np.testing.assert_array_equal(_first_batch(ds), reference)


def test_cache_to_file(tmp_path):
    path = str(tmp_path / "digits_cache")
    ds = data.load("digits", batch_size=64, shuffle=False, cache=path)
    first = np.concatenate(list(ds.as_numpy_iterator()))
    second = np.concatenate(list(ds.as_numpy_iterator()))
    np.testing.assert_array_equal(first, second)
    assert any(p.name.startswith("digits_cache") for p in tmp_path.iterdir())


def test_info_and_num_classes():
    info = data.info("digits", image_shape=(32, 32, 1))
    assert info.image_shape == (32, 32, 1)
    assert info.num_examples == 1797
    assert info.num_classes == 10
    assert info.class_names == tuple("0123456789")
    assert data.num_classes("digits") == 10


def test_available_lists_builtin_sources():
    assert data.available() == ["digits", "folder", "mnist-5k", "mnist-idx"]


def test_dataset_trains_a_keras_model_on_this_backend():
    # tf.data feeds fit() on every backend (JAX and torch included).
    ds = data.load(
        "digits", batch_size=32, with_labels=True, seed=0
    ).take(4)
    model = keras.Sequential(
        [keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(10)]
    )
    model.compile(
        "adam",
        keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    history = model.fit(ds, epochs=1, verbose=0, shuffle=False)
    assert np.isfinite(history.history["loss"][0])
    keras.backend.clear_session()


# ----------------------------------------------------------------- errors


@pytest.mark.parametrize("batch_size", [0, -3, 2.5, True])
def test_invalid_batch_size(batch_size):
    with pytest.raises(ValueError, match=f"batch_size={batch_size!r}"):
        data.load("digits", batch_size=batch_size)


def test_batch_larger_than_dataset_with_drop_remainder():
    with pytest.raises(ValueError, match=r"1797 images.*batch_size=2000"):
        data.load("digits", batch_size=2000)
    # Without drop_remainder one short batch is fine.
    ds = data.load("digits", batch_size=2000, drop_remainder=False)
    assert _first_batch(ds).shape == (1797, 8, 8, 1)


def test_three_channels_for_grayscale_digits():
    with pytest.raises(ValueError, match=r"image_shape=\(28, 28, 3\)"):
        data.load("digits", image_shape=(28, 28, 3))
    with pytest.raises(ValueError, match=r"image_shape=\(28, 28, 3\)"):
        data.load_arrays("digits", image_shape=(28, 28, 3))


def test_malformed_image_shape():
    with pytest.raises(ValueError, match=r"image_shape=\(28, 28\)"):
        data.load("digits", image_shape=(28, 28))


def test_unknown_split_for_digits():
    with pytest.raises(ValueError, match="split='test'"):
        data.load("digits", split="test")


@pytest.mark.parametrize("name", ["no_such_dataset", "MNIST-IDX", "", None])
def test_unknown_name_lists_known_names(name):
    with pytest.raises(ValueError, match=f"name={name!r}") as info:
        data.load(name)
    message = str(info.value)
    for known in ("'digits'", "'mnist-idx'", "'folder'", "tensorflow-datasets"):
        assert known in message
