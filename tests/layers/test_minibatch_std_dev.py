import keras
import numpy as np
import pytest

from keras_gans.layers import MinibatchStdDev
from tests.helpers import to_numpy


def batch(shape=(8, 3, 5, 4), seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


def numpy_reference(x, group_size, num_channels, epsilon=1e-8):
    """NVIDIA's layer by loops: group m holds images m, m + M, m + 2M..."""
    n, h, w, c = x.shape
    group = min(group_size, n)
    members = n // group
    stats = np.zeros((n, num_channels))
    for m in range(members):
        rows = [g * members + m for g in range(group)]
        values = x[rows].reshape(group, h, w, num_channels, c // num_channels)
        std = np.sqrt(values.var(axis=0) + epsilon)
        stats[rows] = std.mean(axis=(0, 1, 3))
    tiled = np.broadcast_to(stats[:, None, None, :], (n, h, w, num_channels))
    return np.concatenate([x, tiled], axis=-1)


@pytest.mark.parametrize(
    "shape, group_size, num_channels",
    [((8, 3, 5, 4), 4, 1), ((8, 3, 5, 4), 2, 2), ((3, 2, 2, 4), 4, 1)],
)
def test_appends_each_groups_spread_like_the_reference(
    shape, group_size, num_channels
):
    x = batch(shape)
    outputs = to_numpy(MinibatchStdDev(group_size, num_channels)(x))
    np.testing.assert_allclose(
        outputs, numpy_reference(x, group_size, num_channels), rtol=1e-5
    )


def test_a_collapsed_batch_gets_a_near_zero_channel():
    x = np.repeat(batch((1, 3, 3, 2)), 4, axis=0)
    outputs = to_numpy(MinibatchStdDev(4)(x))
    np.testing.assert_allclose(outputs[..., -1], 1e-4, rtol=1e-3)


def test_gradient_reaches_the_inputs_through_the_statistic():
    # A discriminator can only penalise low variety if the statistic is
    # differentiable in the generated images.
    x = keras.Variable(batch((4, 2, 2, 2)))
    layer = MinibatchStdDev(4)
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        with tf.GradientTape() as tape:
            total = keras.ops.sum(layer(x)[..., -1])
        grad = tape.gradient(total, x.value)
    elif keras.backend.backend() == "jax":
        import jax

        grad = jax.grad(lambda v: layer(v)[..., -1].sum())(x.value)
    else:
        value = x.value.detach().clone().requires_grad_(True)
        layer(value)[..., -1].sum().backward()
        grad = value.grad
    assert np.abs(to_numpy(grad)).max() > 0


def test_symbolic_batch_and_config_round_trip():
    inputs = keras.Input((3, 5, 4))
    layer = MinibatchStdDev(2, num_channels=2, epsilon=1e-6)
    model = keras.Model(inputs, layer(inputs))
    assert model.output_shape == (None, 3, 5, 6)
    clone = MinibatchStdDev.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    x = batch()
    np.testing.assert_allclose(to_numpy(model(x)), to_numpy(clone(x)))


@pytest.mark.parametrize(
    "kwargs, shape, match",
    [
        ({"group_size": 0}, None, "group_size=0"),
        ({"num_channels": -1}, None, "num_channels=-1"),
        ({"num_channels": 3}, (8, 3, 5, 4), "num_channels=3"),
        ({"group_size": 3}, (8, 3, 5, 4), "batch_size=8"),
        ({}, (8, 4), "input_shape"),
    ],
)
def test_bad_arguments_and_inputs_raise_naming_them(kwargs, shape, match):
    with pytest.raises(ValueError, match=match):
        MinibatchStdDev(**kwargs)(batch(shape))
