"""Tests of `ClassifierFeatureExtractor` (trained on scikit-learn's digits)."""

import json
import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

from keras_gans.metrics import ClassifierFeatureExtractor
from keras_gans.metrics import default_cache_dir
from tests.metrics.conftest import DIGITS_EPOCHS
from tests.metrics.conftest import DIGITS_SHAPE

BACKEND = keras.backend.backend()


def test_trains_accurate_classifier(digits_extractor):
    assert digits_extractor.trained is True
    assert digits_extractor.accuracy >= 0.9
    meta = digits_extractor.metadata
    assert meta["dataset"] == "digits"
    assert meta["num_held_out"] + meta["num_train"] == 1797
    assert 0.1 <= meta["num_held_out"] / 1797 <= 0.2
    assert meta["epochs"] == DIGITS_EPOCHS
    assert meta["augment"] is False
    assert digits_extractor.name == "classifier-digits-16x16x1"


def test_metadata_json_next_to_model(digits_extractor):
    path = digits_extractor.path
    assert path.endswith(".keras") and os.path.isfile(path)
    with open(path[: -len(".keras")] + ".json") as handle:
        meta = json.load(handle)
    assert meta["accuracy"] == pytest.approx(digits_extractor.accuracy)
    assert meta["dataset"] == "digits"
    assert meta["image_shape"] == list(DIGITS_SHAPE)
    assert meta["feature_dim"] == 128
    assert meta["backend"] == BACKEND
    # No temporary files are left behind.
    leftovers = [n for n in os.listdir(os.path.dirname(path)) if ".tmp-" in n]
    assert leftovers == []


def test_second_call_loads_from_cache(
    digits_extractor, extractor_cache, digits_images
):
    path = digits_extractor.path
    mtime = os.stat(path).st_mtime_ns
    again = ClassifierFeatureExtractor.for_dataset(
        "digits",
        image_shape=DIGITS_SHAPE,
        cache_dir=extractor_cache,
        epochs=DIGITS_EPOCHS,
        augment=False,
    )
    assert again.trained is False
    assert again.path == path
    assert os.stat(path).st_mtime_ns == mtime
    assert again.accuracy == digits_extractor.accuracy
    images = digits_images[:300]
    np.testing.assert_allclose(
        again.features(images),
        digits_extractor.features(images),
        rtol=1e-6,
        atol=1e-6,
    )


@pytest.fixture
def fake_train(digits_extractor, monkeypatch):
    """Replaces training by a copy of the session extractor; records calls."""
    calls = []

    def train(images, labels, **kwargs):
        calls.append(kwargs)
        metadata = dict(digits_extractor.metadata, epochs=kwargs["epochs"])
        return ClassifierFeatureExtractor(
            digits_extractor.model, metadata=metadata, trained=True
        )

    monkeypatch.setattr(
        ClassifierFeatureExtractor, "train", staticmethod(train)
    )
    return calls


def test_other_settings_train_another_model(
    digits_extractor, extractor_cache, fake_train
):
    other = ClassifierFeatureExtractor.for_dataset(
        "digits", image_shape=DIGITS_SHAPE, cache_dir=extractor_cache, epochs=1
    )
    assert len(fake_train) == 1 and fake_train[0]["epochs"] == 1
    assert other.trained is True
    assert other.path != digits_extractor.path
    assert os.path.isfile(other.path)


def test_unreadable_cache_entry_is_replaced(tmp_path, fake_train):
    first = ClassifierFeatureExtractor.for_dataset(
        "digits", image_shape=DIGITS_SHAPE, cache_dir=tmp_path, epochs=2
    )
    assert ClassifierFeatureExtractor.for_dataset(
        "digits", image_shape=DIGITS_SHAPE, cache_dir=tmp_path, epochs=2
    ).trained is False
    assert len(fake_train) == 1
    with open(first.path, "wb") as handle:
        handle.write(b"not a keras file")
    with pytest.warns(RuntimeWarning, match="unreadable"):
        second = ClassifierFeatureExtractor.for_dataset(
            "digits", image_shape=DIGITS_SHAPE, cache_dir=tmp_path, epochs=2
        )
    assert len(fake_train) == 2
    assert second.trained is True and second.path == first.path
    assert ClassifierFeatureExtractor.load(first.path).trained is False


def test_features_and_labels(digits_extractor, digits_images):
    features = digits_extractor.features(digits_images[:300], batch_size=64)
    assert features.shape == (300, 128)
    assert features.dtype == np.float64
    assert np.all(features >= 0)  # ReLU activations
    # Batching does not change the result.
    np.testing.assert_allclose(
        features,
        digits_extractor.features(digits_images[:300], batch_size=300),
        rtol=1e-5,
        atol=1e-5,
    )
    labels = digits_extractor.predict_labels(digits_images[:300])
    assert labels.shape == (300,)
    assert set(np.unique(labels)) <= set(range(10))
    assert digits_extractor.features(digits_images[:0]).shape == (0, 128)


def test_accepts_backend_tensors(digits_extractor, digits_images):
    tensor = keras.ops.convert_to_tensor(digits_images[:10])
    np.testing.assert_allclose(
        digits_extractor.features(tensor),
        digits_extractor.features(digits_images[:10]),
        rtol=1e-6,
        atol=1e-6,
    )


@pytest.mark.parametrize(
    "images, match",
    [
        (np.zeros((16, 16, 1), "float32"), "4-D"),
        (np.zeros((2, 16, 16, 3), "float32"), "1 channel"),
        (np.zeros((2, 8, 8, 1), "float32"), "image_shape"),
        (np.zeros((2, 16, 16, 1), bool), "real numbers"),
        (np.full((2, 16, 16, 1), 255.0, "float32"), r"\[-1, 1\]"),
        (np.full((2, 16, 16, 1), np.nan, "float32"), "NaN"),
    ],
)
def test_bad_images_raise_naming_argument(digits_extractor, images, match):
    with pytest.raises(ValueError, match=match) as info:
        digits_extractor.features(images)
    assert "Received: images=" in str(info.value)


def test_uint8_pixels_are_scaled(digits_extractor):
    pixels = np.random.default_rng(0).integers(0, 256, (5, 16, 16, 1))
    pixels = pixels.astype("uint8")
    np.testing.assert_allclose(
        digits_extractor.features(pixels),
        digits_extractor.features(pixels.astype("float32") / 127.5 - 1.0),
        rtol=1e-6,
        atol=1e-6,
    )


def test_bad_batch_size_raises(digits_extractor, digits_images):
    with pytest.raises(ValueError, match="Received: batch_size=0"):
        digits_extractor.features(digits_images[:4], batch_size=0)


def test_unknown_dataset_raises(tmp_path):
    with pytest.raises(ValueError, match="Received: name='no-such-set'"):
        ClassifierFeatureExtractor.for_dataset(
            "no-such-set", image_shape=DIGITS_SHAPE, cache_dir=tmp_path
        )


def test_train_rejects_bad_labels():
    images = np.zeros((10, 8, 8, 1), "uint8")
    with pytest.raises(ValueError, match="Received: labels="):
        ClassifierFeatureExtractor.train(images, np.zeros(9, "int32"))
    with pytest.raises(ValueError, match="Received: validation_fraction=0.9"):
        ClassifierFeatureExtractor.train(
            images, np.zeros(10, "int32"), num_classes=2,
            validation_fraction=0.9,
        )


def test_default_cache_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_GANS_CACHE", str(tmp_path))
    assert default_cache_dir() == str(tmp_path)
    monkeypatch.delenv("KERAS_GANS_CACHE")
    assert default_cache_dir().endswith(os.path.join(".cache", "keras_gans"))


PORTABILITY_SCRIPT = textwrap.dedent(
    """
    import sys
    import numpy as np
    from keras_gans.metrics import ClassifierFeatureExtractor
    extractor = ClassifierFeatureExtractor.load(sys.argv[1])
    images = np.load(sys.argv[2])
    np.save(sys.argv[3], extractor.features(images))
    """
)


def test_model_file_is_portable_across_backends(
    digits_extractor, digits_images, tmp_path
):
    other = "jax" if BACKEND == "tensorflow" else "tensorflow"
    images_path = str(tmp_path / "images.npy")
    out_path = str(tmp_path / "features.npy")
    np.save(images_path, digits_images[:64])
    env = dict(os.environ, KERAS_BACKEND=other, TF_CPP_MIN_LOG_LEVEL="3")
    root = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
    result = subprocess.run(
        [sys.executable, "-c", PORTABILITY_SCRIPT, digits_extractor.path,
         images_path, out_path],
        env=env,
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    np.testing.assert_allclose(
        np.load(out_path),
        digits_extractor.features(digits_images[:64]),
        rtol=1e-4,
        atol=1e-4,
    )


@pytest.mark.once  # keras preprocessing layers: the same ops on every backend
def test_augmentation_moves_digits_and_fills_the_background(digits_images):
    from keras_gans.metrics.classifier_feature_extractor import (
        build_augmentation,
    )

    images = digits_images[:32]
    augment = build_augmentation(seed=0)
    moved = np.asarray(keras.ops.convert_to_numpy(augment(images, training=True)))
    same = np.asarray(keras.ops.convert_to_numpy(augment(images, training=False)))
    np.testing.assert_allclose(same, images, atol=1e-6)
    # Most digits move, and what comes into view is background (-1).
    changed = np.mean(np.abs(moved - images) > 1e-3, axis=(1, 2, 3)) > 0.01
    assert changed.mean() > 0.8
    assert moved.min() >= -1.0 - 1e-5 and np.isclose(moved.min(), -1.0)
    assert abs(moved.mean() - images.mean()) < 0.1
