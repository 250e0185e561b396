"""ModulatedConv2D, the [1, 3, 3, 1] resampling and NoiseInjection against
float64 NumPy references (per-example modulated kernels, NVIDIA's
upfirdn2d)."""

import math

import keras
import numpy as np
import pytest

from keras_gans.layers import ModulatedConv2D
from keras_gans.layers import NoiseInjection
from keras_gans.layers.fir_resampling import downsample_2x
from keras_gans.layers.fir_resampling import upsample_2x
from tests.helpers import to_numpy
from tests.layers.test_equalized_layers import FIR
from tests.layers.test_equalized_layers import conv2d_same
from tests.layers.test_equalized_layers import lrelu
from tests.layers.test_equalized_layers import normal
from tests.layers.test_equalized_layers import upfirdn2d
from tests.training.test_vjp import weight_gradients


def upsample_reference(x):
    """`upfirdn2d.upsample2d(x, [1, 3, 3, 1])`: zero insertion, the 4x4
    filter `outer([1, 3, 3, 1]) / 64 * 4`, zero borders (padding 2, 1)."""
    return upfirdn2d(x, FIR, up=2, padding=(2, 1), gain=4.0)


# ------------------------------------------------------------- resampling


def test_upsample_2x_is_zero_insertion_and_the_scaled_fir_filter():
    x = normal((2, 3, 5, 2), 0)
    outputs = to_numpy(upsample_2x(x))
    assert outputs.shape == (2, 6, 10, 2)
    np.testing.assert_allclose(outputs, upsample_reference(x), rtol=1e-5, atol=1e-6)
    # By hand along one axis (a constant other axis): out[2i] = x[i - 1] / 4
    # + 3 x[i] / 4, out[2i + 1] = 3 x[i] / 4 + x[i + 1] / 4, zeros beyond.
    row = np.array([1.0, 2.0, 4.0], "float32")
    image = np.broadcast_to(row[None, :], (3, 3))[None, :, :, None]
    line = to_numpy(upsample_2x(np.ascontiguousarray(image)))[0, 2, :, 0]
    np.testing.assert_allclose(
        line, [0.75, 1.25, 1.75, 2.5, 3.5, 3.0], rtol=1e-6
    )


def test_downsample_2x_then_decimation_is_nvidia_downsample2d():
    x = normal((2, 8, 6, 3), 0)
    blurred = to_numpy(downsample_2x(x))[:, ::2, ::2]
    expected = upfirdn2d(x, FIR, down=2, padding=(1, 1))
    assert blurred.shape == (2, 4, 3, 3)
    np.testing.assert_allclose(blurred, expected, rtol=1e-5, atol=1e-6)


# -------------------------------------------------------- ModulatedConv2D


def modulated_reference(layer, x, w, noise=None):
    """Per-example kernels `W * s_n`, demodulated by `1 / sqrt(sum (W *
    s_n)² + 1e-8)` per output channel, "same" correlation (after the
    upfirdn2d upsampling for `up`), noise, bias and activation."""
    x, w = x.astype("float64"), w.astype("float64")
    affine_kernel = to_numpy(layer.affine.kernel).astype("float64")
    affine_bias = to_numpy(layer.affine.bias).astype("float64")
    styles = w @ affine_kernel / math.sqrt(w.shape[1]) + affine_bias
    kernel = to_numpy(layer.kernel).astype("float64")
    kernel = kernel / math.sqrt(np.prod(kernel.shape[:3]))
    outputs = []
    for n in range(len(x)):
        per_example = kernel * styles[n][None, None, :, None]
        if layer.demodulate:
            per_example = per_example / np.sqrt(
                np.sum(per_example**2, axis=(0, 1, 2)) + 1e-8
            )
        features = x[n : n + 1]
        if layer.up:
            features = upsample_reference(features)
        outputs.append(conv2d_same(features, per_example)[0])
    outputs = np.stack(outputs)
    if noise is not None:
        strength = to_numpy(layer.noise_layer.strength).astype("float64")
        outputs = outputs + noise * strength
    outputs = outputs + to_numpy(layer.bias)
    return lrelu(outputs) if layer.activation == "lrelu" else outputs


def _randomized(layer, x, w, seed):
    layer.build([x.shape, w.shape])
    for i, variable in enumerate(layer.trainable_weights):
        variable.assign(normal(variable.shape, seed + i, 0.5) + (
            1.0 if variable.path.endswith("affine/bias") else 0.0
        ))
    return layer


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(filters=4, kernel_size=3),
        dict(filters=4, kernel_size=3, up=True),
        dict(filters=2, kernel_size=1, demodulate=False, activation="linear"),
    ],
    ids=["conv", "up", "torgb"],
)
def test_matches_per_example_modulated_kernels(kwargs):
    x, w = normal((3, 4, 5, 3), 0), normal((3, 6), 1)
    layer = _randomized(ModulatedConv2D(**kwargs), x, w, 2)
    outputs = to_numpy(layer([x, w]))
    expected = modulated_reference(layer, x, w)
    scale = 2 if layer.up else 1
    assert outputs.shape == (3, 4 * scale, 5 * scale, kwargs["filters"])
    np.testing.assert_allclose(outputs, expected, rtol=1e-4, atol=1e-5)


def test_noise_is_added_after_demodulation_before_bias_and_activation():
    x, w = normal((2, 4, 4, 3), 0), normal((2, 5), 1)
    layer = _randomized(ModulatedConv2D(3, up=True, noise=True, seed=4), x, w, 2)
    assert tuple(layer.noise_layer.noise.shape) == (1, 8, 8, 1)
    noise = normal((2, 8, 8, 1), 9)
    for training in (False, True):
        outputs = to_numpy(layer([x, w], training=training, noise=noise))
        np.testing.assert_allclose(
            outputs, modulated_reference(layer, x, w, noise), rtol=1e-4,
            atol=1e-5,
        )


def test_demodulation_gives_unit_variance_outputs_for_unit_variance_inputs():
    # Each output is a sum of iid N(0, 1) inputs weighted by a demodulated
    # kernel of unit norm: unit second moment whatever the styles (here
    # about 4, so the undemodulated output has ~4x the variance).
    x, w = normal((2, 24, 24, 16), 0), normal((2, 8), 1)
    moments = {}
    for demodulate in (True, False):
        layer = _randomized(
            ModulatedConv2D(6, demodulate=demodulate, activation="linear"),
            x, w, 2,
        )
        layer.affine.bias.assign(np.full((16,), 4.0, "float32"))
        layer.bias.assign(np.zeros((6,), "float32"))
        outputs = to_numpy(layer([x, w]))[:, 1:-1, 1:-1]  # no zero padding
        moments[demodulate] = np.mean(outputs**2, axis=(1, 2))  # (N, C)
    np.testing.assert_allclose(moments[True], 1.0, atol=0.35)
    np.testing.assert_allclose(moments[True].mean(), 1.0, atol=0.1)
    assert moments[False].mean() > 3.0, "the check must see a wrong scale"


@pytest.mark.once
def test_invalid_arguments_raise_naming_them():
    with pytest.raises(ValueError, match="kernel_size=2"):
        ModulatedConv2D(4, 2)
    with pytest.raises(ValueError, match="filters=0"):
        ModulatedConv2D(0)
    with pytest.raises(ValueError, match="activation='relu'"):
        ModulatedConv2D(4, activation="relu")
    with pytest.raises(ValueError, match="input_shape"):
        ModulatedConv2D(4).build((2, 4, 4, 3))


@pytest.mark.once
def test_config_round_trips():
    layer = ModulatedConv2D(
        5, 1, demodulate=False, up=True, noise=True, activation="linear",
        seed=3,
    )
    restored = keras.saving.deserialize_keras_object(
        keras.saving.serialize_keras_object(layer)
    )
    assert type(restored) is ModulatedConv2D
    assert restored.get_config() == layer.get_config()


# --------------------------------------------------------- NoiseInjection


def _noise_layer(shape=(2, 4, 5, 3), seed=1):
    layer = NoiseInjection(seed=seed)
    layer.build(shape)
    return layer


def test_noise_strength_starts_at_zero_so_the_layer_starts_as_identity():
    x = normal((2, 4, 5, 3), 0)
    layer = _noise_layer()
    np.testing.assert_array_equal(to_numpy(layer.strength), np.zeros(3))
    assert layer.strength.trainable and not layer.noise.trainable
    for training in (False, True):
        np.testing.assert_array_equal(to_numpy(layer(x, training=training)), x)


def test_noise_strength_is_trained_by_a_gradient_step():
    x, v = normal((2, 4, 5, 3), 0), normal((2, 4, 5, 3), 1)
    layer = _noise_layer()
    (grad,) = weight_gradients(
        lambda: keras.ops.sum(
            layer(x, training=False) * keras.ops.convert_to_tensor(v)
        ),
        [layer.strength],
    )
    # d <x + noise * strength, v> / d strength_c = sum noise * v[..., c].
    noise = to_numpy(layer.noise).astype("float64")
    np.testing.assert_allclose(
        grad, np.sum(noise * v, axis=(0, 1, 2)), rtol=1e-4, atol=1e-6
    )
    optimizer = keras.optimizers.SGD(0.1)
    optimizer.apply_gradients([(keras.ops.convert_to_tensor(grad, "float32"),
                                layer.strength)])
    np.testing.assert_allclose(
        to_numpy(layer.strength), -0.1 * grad, rtol=1e-5, atol=1e-7
    )


def test_training_noise_is_fresh_per_call_and_inference_noise_is_fixed():
    x = np.zeros((2, 16, 16, 3), "float32")
    layer = _noise_layer(x.shape)
    strength = np.array([1.0, 2.0, -1.0], "float32")
    layer.strength.assign(strength)
    first = to_numpy(layer(x, training=True))
    second = to_numpy(layer(x, training=True))
    assert not np.allclose(first, second), "training noise is redrawn"
    assert not np.allclose(first[0], first[1]), "one map per example"
    # One N(0, 1) value per pixel, scaled per channel.
    np.testing.assert_allclose(first[..., 1], 2 * first[..., 0], rtol=1e-6)
    np.testing.assert_allclose(first[..., 2], -first[..., 0], rtol=1e-6)
    np.testing.assert_allclose(first[..., 0].std(), 1.0, atol=0.2)
    fixed = to_numpy(layer(x, training=False))
    np.testing.assert_array_equal(fixed, to_numpy(layer(x, training=False)))
    noise_map = to_numpy(layer.noise)
    assert noise_map.shape == (1, 16, 16, 1)
    np.testing.assert_allclose(
        fixed, np.broadcast_to(noise_map * strength, fixed.shape), rtol=1e-6
    )
    # The fixed map is a draw of the same N(0, 1) noise (NVIDIA's
    # `noise_const = randn`): inference sees what training saw.
    np.testing.assert_allclose(noise_map.std(), 1.0, atol=0.2)


def test_explicit_noise_overrides_both_modes():
    x = normal((2, 4, 5, 3), 0)
    noise = normal((2, 4, 5, 1), 5)
    layer = _noise_layer()
    strength = np.array([0.5, -2.0, 3.0], "float32")
    layer.strength.assign(strength)
    for training in (True, False):
        np.testing.assert_allclose(
            to_numpy(layer(x, training=training, noise=noise)),
            x + noise * strength,
            rtol=1e-6,
            atol=1e-6,
        )


@pytest.mark.once
def test_noise_layer_needs_a_static_size():
    with pytest.raises(ValueError, match="input_shape"):
        NoiseInjection().build((None, None, 4, 3))
