"""Tests of the generic `FeatureExtractor` and `get_feature_extractor`."""

import os
import re

import keras
import numpy as np
import pytest

from keras_gans.metrics import ClassifierFeatureExtractor
from keras_gans.metrics import FeatureExtractor
from keras_gans.metrics import get_feature_extractor
from keras_gans.metrics.feature_extractor import file_sha256
from keras_gans.metrics.feature_extractor import resize_images


def small_model(shape=(8, 8, 3), classes=5):
    inputs = keras.Input(shape)
    x = keras.layers.Conv2D(4, 3, padding="same", name="conv")(inputs)
    x = keras.layers.GlobalAveragePooling2D(name="pool")(x)
    outputs = keras.layers.Dense(classes, name="logits")(x)
    return keras.Model(inputs, outputs, name="small")


def images(n, shape, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (n,) + shape).astype(
        "float32"
    )


def test_features_of_a_layer_and_softmax_of_logits():
    model = small_model()
    extractor = FeatureExtractor(model, feature_layer="conv",
                                 class_output="logits")
    x = images(5, (8, 8, 3))
    features, probs = extractor.extract(x, batch_size=2)
    conv = keras.Model(model.input, model.get_layer("conv").output)
    expected = keras.ops.convert_to_numpy(conv(x)).reshape(5, -1)
    np.testing.assert_allclose(features, expected, rtol=1e-5, atol=1e-6)
    logits = keras.ops.convert_to_numpy(model(x)).astype("float64")
    softmax = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    np.testing.assert_allclose(probs, softmax, rtol=1e-5)
    assert features.dtype == np.float64 and extractor.feature_dim == 256
    assert extractor.num_classes == 5
    np.testing.assert_array_equal(
        extractor.predict_labels(x), np.argmax(softmax, 1)
    )


def test_model_output_is_the_default_feature():
    extractor = FeatureExtractor(small_model())
    x = images(3, (8, 8, 3))
    np.testing.assert_allclose(
        extractor.features(x),
        keras.ops.convert_to_numpy(extractor.model(x)),
        rtol=1e-5,
    )
    with pytest.raises(ValueError, match="class output"):
        extractor.class_probabilities(x)


def test_resize_repeats_gray_to_rgb_and_resizes():
    extractor = FeatureExtractor(small_model(), resize=True)
    gray = images(3, (16, 16, 1))
    rgb = resize_images(np.repeat(gray, 3, axis=-1), (8, 8))
    np.testing.assert_allclose(
        extractor.features(gray), extractor.features(rgb), rtol=1e-5
    )


def test_resize_is_antialiased():
    # Stripes of period 3 px shrunk 3x: plain bilinear sampling hits the
    # same stripe phase everywhere (a flat +-1 image, pure aliasing);
    # antialiasing averages each period to its mean, 1/3.
    stripes = np.where(np.arange(96) % 3 == 0, 1.0, 0.0) * 2 - 1
    image = np.broadcast_to(stripes, (96, 96))[None, :, :, None]
    image = image.astype("float32")
    resized = resize_images(image, (32, 32))[:, 1:-1, 1:-1]
    assert np.abs(resized - (-1 / 3)).max() < 1e-4
    aliased = keras.ops.image.resize(image, (32, 32), antialias=False)
    assert np.abs(keras.ops.convert_to_numpy(aliased) + 1 / 3).min() > 0.5


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"feature_layer": "nope"}, "Received: feature_layer='nope'"),
        ({"class_output": "softmax"}, "Received: class_output='softmax'"),
        ({"max_batch_size": 0}, "Received: max_batch_size=0"),
    ],
)
def test_bad_construction_raises(kwargs, match):
    with pytest.raises(ValueError, match=re.escape(match)):
        FeatureExtractor(small_model(), **kwargs)


def test_model_without_image_input_is_refused():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="Received: model_input_shape="):
        FeatureExtractor(model)


@pytest.mark.parametrize(
    "batch, resize, match",
    [
        (images(2, (8, 8, 2)), True, "must have 3 channel(s)"),
        (images(2, (8, 8, 1)), False, "must have 3 channel(s)"),
        (images(2, (9, 9, 3)), False, "must have shape (N,) + (8, 8, 3)"),
        (images(2, (8, 8, 3)) * 3, False, "must be in [-1, 1]"),
    ],
)
def test_bad_images_raise(batch, resize, match):
    extractor = FeatureExtractor(small_model(), resize=resize)
    with pytest.raises(ValueError, match=re.escape(match)):
        extractor.features(batch, name="fake")


def test_keras_file_specs(tmp_path, digits_extractor):
    # A keras-gans classifier file (metadata next to it) stays a classifier.
    assert isinstance(
        get_feature_extractor(digits_extractor.path), ClassifierFeatureExtractor
    )
    # A bare Keras classifier: features from a chosen layer, its softmax
    # detected as the class output, the file's hash recorded.
    bare = str(tmp_path / "bare.keras")
    digits_extractor.model.save(bare)
    extractor = get_feature_extractor(bare, feature_layer="features")
    assert type(extractor) is FeatureExtractor
    assert extractor.num_classes == 10 and extractor.resize
    assert extractor.metadata["sha256"] == file_sha256(bare)
    x = np.random.default_rng(0).uniform(-1, 1, (6, 16, 16, 1))
    np.testing.assert_allclose(
        extractor.extract(x)[0], digits_extractor.features(x), rtol=1e-5
    )
    np.testing.assert_allclose(
        extractor.class_probabilities(x),
        digits_extractor.class_probabilities(x),
        rtol=1e-5,
    )


@pytest.mark.parametrize(
    "spec, kwargs, error, match",
    [
        ("classifier", {}, ValueError, "Received: dataset=None"),
        ("model.onnx", {}, ValueError, "Received: extractor='model.onnx'"),
        ("missing.keras", {}, FileNotFoundError, "missing.keras"),
        ("inception:missing.h5", {}, FileNotFoundError, "missing.h5"),
        (3, {}, ValueError, "Received: extractor=3"),
    ],
)
def test_bad_specs_raise(spec, kwargs, error, match):
    with pytest.raises(error, match=re.escape(match)):
        get_feature_extractor(spec, **kwargs)


def test_corrupt_keras_file_raises(tmp_path):
    path = tmp_path / "broken.keras"
    path.write_bytes(b"not a zip")
    with pytest.raises(ValueError, match=re.escape(f"Received: path={str(path)!r}")):
        get_feature_extractor(str(path))
    assert os.path.exists(path)
