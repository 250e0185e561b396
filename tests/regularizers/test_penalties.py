import keras
import numpy as np
import pytest

from keras_gans.regularizers import WeightClip
from keras_gans.regularizers import gradient_penalty
from keras_gans.regularizers import r1_penalty
from keras_gans.training.drivers import get_driver
from tests.helpers import to_numpy

SHAPE = (3, 3, 1)


def _critic():
    critic = keras.Sequential(
        [
            keras.Input(SHAPE),
            keras.layers.Flatten(),
            keras.layers.Dense(6, activation="tanh"),
            keras.layers.Dense(1),
        ]
    )
    rng = np.random.default_rng(0)
    critic.set_weights(
        [rng.normal(size=w.shape).astype("float32") for w in critic.get_weights()]
    )
    return critic


def _numpy_critic(critic, x):
    w1, b1, w2, b2 = [w.astype("float64") for w in critic.get_weights()]
    return np.tanh(x.reshape(len(x), -1) @ w1 + b1) @ w2 + b2


def _finite_difference_gradients(critic, x, eps=1e-5):
    x = x.astype("float64")
    grads = np.zeros_like(x)
    for index in np.ndindex(x.shape[1:]):
        step = np.zeros_like(x)
        step[(slice(None),) + index] = eps
        up = _numpy_critic(critic, x + step)[:, 0]
        down = _numpy_critic(critic, x - step)[:, 0]
        grads[(slice(None),) + index] = (up - down) / (2 * eps)
    return grads


def _images(n, seed):
    return np.random.default_rng(seed).uniform(-1, 1, (n,) + SHAPE).astype(
        "float32"
    )


def test_r1_matches_finite_differences():
    critic = _critic()
    real = _images(5, 1)
    grads = _finite_difference_gradients(critic, real)
    expected = np.mean(np.sum(grads**2, axis=(1, 2, 3)))
    value = r1_penalty(
        get_driver().input_gradients, critic, keras.ops.convert_to_tensor(real)
    )
    np.testing.assert_allclose(to_numpy(value), expected, rtol=1e-4)


def test_gradient_penalty_matches_finite_differences_on_interpolates():
    critic = _critic()
    real, fake = _images(5, 1), _images(5, 2)
    # The same seed draws the same alphas as the penalty does.
    alpha = to_numpy(
        keras.random.uniform((5, 1, 1, 1), seed=keras.random.SeedGenerator(3))
    )
    interpolates = real + alpha * (fake - real)
    grads = _finite_difference_gradients(critic, interpolates)
    norms = np.sqrt(np.sum(grads**2, axis=(1, 2, 3)))
    expected = np.mean((norms - 1.0) ** 2)
    value = gradient_penalty(
        get_driver().input_gradients,
        critic,
        keras.ops.convert_to_tensor(real),
        keras.ops.convert_to_tensor(fake),
        keras.random.SeedGenerator(3),
    )
    np.testing.assert_allclose(to_numpy(value), expected, rtol=1e-4)
    assert not np.allclose(alpha, alpha[0]), "one alpha per example"


def test_penalties_leave_batchnorm_statistics_alone():
    critic = keras.Sequential(
        [
            keras.Input(SHAPE),
            keras.layers.Flatten(),
            keras.layers.Dense(4),
            keras.layers.BatchNormalization(),
            keras.layers.Dense(1),
        ]
    )
    before = [to_numpy(v) for v in critic.non_trainable_variables]
    value = r1_penalty(
        get_driver().input_gradients,
        critic,
        keras.ops.convert_to_tensor(_images(4, 0)),
    )
    assert np.isfinite(to_numpy(value))
    for old, variable in zip(before, critic.non_trainable_variables):
        np.testing.assert_array_equal(old, to_numpy(variable))


def test_weight_clip_clips_and_serializes():
    clip = WeightClip(0.1)
    np.testing.assert_allclose(
        to_numpy(clip(keras.ops.convert_to_tensor([-1.0, 0.05, 0.3]))),
        [-0.1, 0.05, 0.1],
    )
    restored = keras.saving.deserialize_keras_object(
        keras.saving.serialize_keras_object(clip)
    )
    assert restored.clip_value == 0.1


@pytest.mark.parametrize("bad", [0, -0.5, "x", True])
def test_weight_clip_rejects_bad_values(bad):
    with pytest.raises(ValueError, match="clip_value"):
        WeightClip(bad)
