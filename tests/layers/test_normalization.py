import keras
import numpy as np
import pytest

from keras_gans.layers.normalization import normalization_layer
from tests.helpers import to_numpy


def test_instance_norm_normalizes_each_image_and_channel():
    rng = np.random.default_rng(0)
    # Each image and channel has its own offset and scale.
    x = rng.normal(size=(3, 6, 5, 4)) * rng.uniform(0.5, 4, (3, 1, 1, 4))
    x = (x + rng.uniform(-5, 5, (3, 1, 1, 4))).astype("float32")
    layer = normalization_layer("instance", "norm")
    outputs = to_numpy(layer(x, training=True))
    mean = x.mean(axis=(1, 2), keepdims=True)
    var = x.var(axis=(1, 2), keepdims=True)
    expected = (x - mean) / np.sqrt(var + 1e-5)
    np.testing.assert_allclose(outputs, expected, rtol=1e-4, atol=1e-4)
    assert layer.groups == 4  # one group per channel
    # The statistics are per image, so inference gives the same result.
    np.testing.assert_allclose(
        to_numpy(layer(x, training=False)), outputs, rtol=1e-5, atol=1e-5
    )


def test_batch_norm_uses_the_reference_momentum_and_epsilon():
    layer = normalization_layer("batch", "norm")
    assert isinstance(layer, keras.layers.BatchNormalization)
    assert layer.momentum == pytest.approx(0.9)
    assert layer.epsilon == pytest.approx(1e-5)


def test_none_gives_no_layer():
    assert normalization_layer(None, "norm") is None


def test_unknown_norm_raises():
    with pytest.raises(ValueError, match="Received: norm='layer'"):
        normalization_layer("layer", "norm")
