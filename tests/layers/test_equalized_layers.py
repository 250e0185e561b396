"""EqualizedDense and EqualizedConv2D against float64 NumPy hand computations.

The references here (`conv2d_same`, `upfirdn2d`, `FIR`) are NVIDIA's
definitions written out with loops; tests/layers/test_modulated_conv2d.py
uses them too.
"""

import math

import keras
import numpy as np
import pytest

from keras_gans.layers import EqualizedConv2D
from keras_gans.layers import EqualizedDense
from tests.helpers import to_numpy
from tests.training.test_vjp import weight_gradients

# StyleGAN2's 2-D resampling filter, normalized to sum 1 (`setup_filter`).
FIR = np.outer([1.0, 3.0, 3.0, 1.0], [1.0, 3.0, 3.0, 1.0]) / 64.0


def normal(shape, seed, scale=1.0):
    return (scale * np.random.default_rng(seed).normal(size=shape)).astype(
        "float32"
    )


def lrelu(x):
    """NVIDIA's `bias_act` "lrelu": LeakyReLU(0.2) times sqrt(2)."""
    return np.where(x >= 0, x, 0.2 * x) * math.sqrt(2.0)


def correlate_valid(x, kernel, stride=1):
    """NHWC cross-correlation (Keras' and torch's `conv2d`), no padding."""
    x, kernel = np.asarray(x, "float64"), np.asarray(kernel, "float64")
    kh, kw = kernel.shape[:2]
    height = (x.shape[1] - kh) // stride + 1
    width = (x.shape[2] - kw) // stride + 1
    out = np.zeros((x.shape[0], height, width, kernel.shape[3]))
    for a in range(kh):
        for b in range(kw):
            patch = x[
                :,
                a : a + stride * (height - 1) + 1 : stride,
                b : b + stride * (width - 1) + 1 : stride,
            ]
            out += patch @ kernel[a, b]
    return out


def conv2d_same(x, kernel):
    """Stride-1 "same" correlation with zero padding, odd kernels."""
    pad = kernel.shape[0] // 2
    x = np.pad(np.asarray(x, "float64"), [(0, 0), (pad, pad), (pad, pad), (0, 0)])
    return correlate_valid(x, kernel)


def upfirdn2d(x, f, up=1, down=1, padding=(0, 0), gain=1.0):
    """NVIDIA's `upfirdn2d` on NHWC: zero insertion, pad, FIR filter
    (a true convolution, per channel), decimation."""
    x = np.asarray(x, "float64")
    n, height, width, c = x.shape
    if up > 1:
        inserted = np.zeros((n, height * up, width * up, c))
        inserted[:, ::up, ::up] = x
        x = inserted
    before, after = padding
    x = np.pad(x, [(0, 0), (before, after), (before, after), (0, 0)])
    taps = np.asarray(f, "float64")[::-1, ::-1] * gain
    fh, fw = taps.shape
    out_h, out_w = x.shape[1] - fh + 1, x.shape[2] - fw + 1
    out = np.zeros((n, out_h, out_w, c))
    for a in range(fh):
        for b in range(fw):
            out += x[:, a : a + out_h, b : b + out_w] * taps[a, b]
    return out[:, ::down, ::down]


def set_weights(layer, seed, scale=1.0):
    """Random stored weights (the bias too), returned as float64."""
    values = []
    for i, variable in enumerate(layer.weights):
        value = normal(variable.shape, seed + i, scale)
        variable.assign(value)
        values.append(value.astype("float64"))
    return values


# ------------------------------------------------------------ EqualizedDense


@pytest.mark.parametrize(
    "lr_multiplier, activation",
    [(1.0, "linear"), (0.01, "lrelu"), (0.5, "linear")],
)
def test_dense_scales_kernel_and_bias_at_run_time(lr_multiplier, activation):
    x = normal((3, 6), 0)
    layer = EqualizedDense(5, lr_multiplier=lr_multiplier, activation=activation)
    layer.build(x.shape)
    kernel, bias = set_weights(layer, 1)
    expected = x @ (kernel * lr_multiplier / math.sqrt(6)) + bias * lr_multiplier
    if activation == "lrelu":
        expected = lrelu(expected)
    np.testing.assert_allclose(to_numpy(layer(x)), expected, rtol=1e-5, atol=1e-5)


def test_dense_initialization_gives_unit_effective_weights_and_bias_init():
    # Stored N(0, 1) / lr and bias_init / lr: the effective kernel is
    # N(0, 1 / fan_in) and the effective bias `bias_init` at any lr.
    layer = EqualizedDense(64, lr_multiplier=0.01, bias_init=0.5)
    layer.build((None, 256))
    stored = to_numpy(layer.kernel)
    np.testing.assert_allclose(stored.std() * 0.01, 1.0, rtol=0.02)
    np.testing.assert_allclose(to_numpy(layer.bias), 50.0, rtol=1e-6)
    np.testing.assert_allclose(
        to_numpy(layer(np.zeros((2, 256), "float32"))), 0.5, rtol=1e-6
    )
    affine = EqualizedDense(8, bias_init=1.0)  # StyleGAN2's style affines
    np.testing.assert_allclose(
        to_numpy(affine(np.zeros((1, 4), "float32"))), 1.0, rtol=1e-6
    )


def test_dense_gradient_carries_the_weight_gain():
    # loss = <layer(x), v>: d loss / d effective kernel = x^T v, so the
    # stored kernel's gradient is lr / sqrt(fan_in) times that, and the
    # stored bias's is lr * sum(v).
    lr_multiplier, fan_in = 0.01, 6
    x, v = normal((4, fan_in), 0), normal((4, 3), 1)
    layer = EqualizedDense(3, lr_multiplier=lr_multiplier)
    layer.build(x.shape)
    set_weights(layer, 2, scale=10.0)
    grad_kernel, grad_bias = weight_gradients(
        lambda: keras.ops.sum(layer(x) * keras.ops.convert_to_tensor(v)),
        [layer.kernel, layer.bias],
    )
    effective = x.astype("float64").T @ v
    np.testing.assert_allclose(
        grad_kernel,
        lr_multiplier / math.sqrt(fan_in) * effective,
        rtol=1e-4,
        atol=1e-7,
    )
    np.testing.assert_allclose(
        grad_bias, lr_multiplier * v.sum(axis=0), rtol=1e-4, atol=1e-7
    )


# ----------------------------------------------------------- EqualizedConv2D


@pytest.mark.parametrize(
    "kernel_size, lr_multiplier, activation, gain",
    [
        (3, 1.0, "lrelu", 1.0),
        (3, 0.1, "linear", math.sqrt(0.5)),
        (1, 1.0, "lrelu", 1.0),
    ],
)
def test_conv_matches_a_same_correlation_with_the_scaled_kernel(
    kernel_size, lr_multiplier, activation, gain
):
    x = normal((2, 5, 6, 3), 0)
    layer = EqualizedConv2D(
        4, kernel_size, activation=activation, lr_multiplier=lr_multiplier,
        gain=gain,
    )
    layer.build(x.shape)
    kernel, bias = set_weights(layer, 1)
    scale = lr_multiplier / math.sqrt(3 * kernel_size**2)
    expected = conv2d_same(x, kernel * scale) + bias * lr_multiplier
    if activation == "lrelu":
        expected = lrelu(expected)
    np.testing.assert_allclose(
        to_numpy(layer(x)), expected * gain, rtol=1e-5, atol=1e-5
    )


def test_conv_gradient_carries_the_weight_gain():
    x, v = normal((2, 4, 4, 3), 0), normal((2, 4, 4, 2), 1)
    lr_multiplier = 0.1
    layer = EqualizedConv2D(2, 3, lr_multiplier=lr_multiplier)
    layer.build(x.shape)
    set_weights(layer, 2)
    (grad_kernel,) = weight_gradients(
        lambda: keras.ops.sum(layer(x) * keras.ops.convert_to_tensor(v)),
        [layer.kernel],
    )
    # d <conv(x, K), v> / d K[a, b, c, o] = sum x_pad[n, i + a, j + b, c]
    # v[n, i, j, o]: the correlation of the padded input with v.
    padded = np.pad(x.astype("float64"), [(0, 0), (1, 1), (1, 1), (0, 0)])
    effective = np.zeros((3, 3, 3, 2))
    for a in range(3):
        for b in range(3):
            patch = padded[:, a : a + 4, b : b + 4]
            effective[a, b] = np.einsum("nijc,nijo->co", patch, v)
    np.testing.assert_allclose(
        grad_kernel,
        lr_multiplier / math.sqrt(27) * effective,
        rtol=1e-4,
        atol=1e-6,
    )


@pytest.mark.parametrize("kernel_size", [3, 1])
def test_down_is_blur_then_stride_2_conv_as_nvidia_conv2d_resample(kernel_size):
    # conv2d_resample(down=2, padding=k // 2): upfirdn2d with the padding
    # `k // 2 + (4 - 2 + 1) // 2` before and `k // 2 + (4 - 2) // 2` after,
    # then a stride-2 "valid" correlation (the 1x1 case decimates in
    # upfirdn2d and convolves after, the same thing).
    x = normal((2, 8, 6, 3), 0)
    layer = EqualizedConv2D(4, kernel_size, down=True, activation="lrelu")
    layer.build(x.shape)
    kernel, bias = set_weights(layer, 1)
    pad = kernel_size // 2
    blurred = upfirdn2d(x, FIR, padding=(pad + 1, pad + 1))
    scaled = kernel / math.sqrt(3 * kernel_size**2)
    expected = lrelu(correlate_valid(blurred, scaled, stride=2) + bias)
    outputs = to_numpy(layer(x))
    assert outputs.shape == (2, 4, 3, 4)
    assert layer.compute_output_shape((None, 8, 6, 3)) == (None, 4, 3, 4)
    np.testing.assert_allclose(outputs, expected, rtol=1e-5, atol=1e-5)


# ------------------------------------------------------- arguments, configs


@pytest.mark.once
@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: EqualizedDense(0), "units=0"),
        (lambda: EqualizedDense(4, lr_multiplier=0), "lr_multiplier=0"),
        (lambda: EqualizedDense(4, lr_multiplier=True), "lr_multiplier=True"),
        (lambda: EqualizedDense(4, activation="relu"), "activation='relu'"),
        (lambda: EqualizedConv2D(4, 2), "kernel_size=2"),
        (lambda: EqualizedConv2D(0, 3), "filters=0"),
        (lambda: EqualizedConv2D(4, 3, lr_multiplier=-1.0), "lr_multiplier=-1.0"),
        (lambda: EqualizedConv2D(4, 3, activation="tanh"), "activation='tanh'"),
    ],
)
def test_invalid_arguments_raise_naming_them(make, match):
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.once
def test_configs_round_trip():
    for layer in (
        EqualizedDense(3, lr_multiplier=0.01, bias_init=1.0, activation="lrelu",
                       use_bias=False),
        EqualizedConv2D(5, 3, down=True, activation="lrelu", use_bias=False,
                        lr_multiplier=0.5, gain=0.25),
    ):
        restored = keras.saving.deserialize_keras_object(
            keras.saving.serialize_keras_object(layer)
        )
        assert type(restored) is type(layer)
        assert restored.get_config() == layer.get_config()
