"""ConditionalBatchNormalization against a NumPy computation."""

import keras
import numpy as np
import pytest

from keras_gans.layers import ConditionalBatchNormalization
from tests import helpers

EPSILON = 1e-3


def _layer_with_known_affine(num_classes=3, channels=2, momentum=0.5):
    layer = ConditionalBatchNormalization(
        num_classes, momentum=momentum, epsilon=EPSILON
    )
    layer.build([(None, 4, 4, channels), (None,)])
    rng = np.random.default_rng(0)
    gamma = rng.uniform(0.5, 2.0, (num_classes, channels)).astype("float32")
    beta = rng.normal(size=(num_classes, channels)).astype("float32")
    layer.gamma.assign(gamma)
    layer.beta.assign(beta)
    return layer, gamma, beta


def _inputs():
    rng = np.random.default_rng(1)
    x = rng.normal(2.0, 3.0, (5, 4, 4, 2)).astype("float32")
    labels = np.array([0, 2, 1, 2, 0], dtype="int32")
    return x, labels


def test_training_uses_batch_statistics_and_per_class_affine():
    layer, gamma, beta = _layer_with_known_affine()
    x, labels = _inputs()
    out = helpers.to_numpy(layer([x, labels], training=True))
    mean = x.mean(axis=(0, 1, 2))
    var = x.var(axis=(0, 1, 2))
    normalized = (x - mean) / np.sqrt(var + EPSILON)
    expected = (
        normalized * gamma[labels][:, None, None, :]
        + beta[labels][:, None, None, :]
    )
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-4)


def test_inference_uses_the_moving_statistics():
    layer, gamma, beta = _layer_with_known_affine(momentum=0.5)
    x, labels = _inputs()
    layer([x, labels], training=True)
    # One update from (0, 1) with momentum 0.5.
    moving_mean = 0.5 * x.mean(axis=(0, 1, 2))
    moving_var = 0.5 + 0.5 * x.var(axis=(0, 1, 2))
    np.testing.assert_allclose(
        helpers.to_numpy(layer.normalize.moving_mean), moving_mean, rtol=1e-4
    )
    out = helpers.to_numpy(layer([x, labels[:, None]], training=False))
    expected = (x - moving_mean) / np.sqrt(moving_var + EPSILON)
    expected = (
        expected * gamma[labels][:, None, None, :]
        + beta[labels][:, None, None, :]
    )
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-4)


def test_starts_as_plain_batch_normalization():
    x, labels = _inputs()
    conditional = ConditionalBatchNormalization(3, epsilon=EPSILON)
    plain = keras.layers.BatchNormalization(epsilon=EPSILON)
    np.testing.assert_allclose(
        helpers.to_numpy(conditional([x, labels], training=True)),
        helpers.to_numpy(plain(x, training=True)),
        rtol=1e-4,
        atol=1e-4,
    )


def test_rank_2_inputs_and_serialization_round_trip(tmp_path):
    features = keras.Input((6,))
    labels = keras.Input((), dtype="int32")
    outputs = ConditionalBatchNormalization(4, name="cbn")([features, labels])
    model = keras.Model([features, labels], outputs)
    model.get_layer("cbn").gamma.assign(
        np.arange(24, dtype="float32").reshape(4, 6)
    )
    x = np.random.default_rng(0).normal(size=(3, 6)).astype("float32")
    y = np.array([3, 0, 1], dtype="int32")
    restored = helpers.save_and_reload(model, tmp_path)
    assert restored.get_layer("cbn").get_config() == (
        model.get_layer("cbn").get_config()
    )
    np.testing.assert_allclose(
        helpers.to_numpy(restored([x, y])), helpers.to_numpy(model([x, y]))
    )


@pytest.mark.parametrize("num_classes", [1, 2.5, True, None])
def test_num_classes_validated(num_classes):
    with pytest.raises(
        ValueError, match=f"Received: num_classes={num_classes!r}"
    ):
        ConditionalBatchNormalization(num_classes)


def test_needs_features_and_labels():
    with pytest.raises(ValueError, match="called on \\[x, labels\\]"):
        ConditionalBatchNormalization(3)(np.ones((2, 4, 4, 2), "float32"))
