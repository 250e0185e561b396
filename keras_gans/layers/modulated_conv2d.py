"""StyleGAN2's modulated convolution with weight demodulation."""

import math

import keras
from keras import ops

from keras_gans.layers.equalized_dense import ACTIVATIONS
from keras_gans.layers.equalized_dense import EqualizedDense
from keras_gans.layers.equalized_dense import bias_act
from keras_gans.layers.fir_resampling import upsample_2x
from keras_gans.layers.noise_injection import NoiseInjection
from keras_gans.utils.validation import check_choice
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received


def demodulation_coefficients(kernel, styles, epsilon=1e-8):
    """`1 / ||W * s_n||` per example and output channel, `(N, C_out)`.

    The norm of the modulated kernel `W[..., i, o] * s[n, i]` over the
    kernel positions and input channels (Karras et al. 2020, eq. 3),
    computed as `s² @ sum_kk W²` without building per-example kernels.
    """
    squared = ops.sum(ops.square(kernel), axis=(0, 1))  # (C_in, C_out)
    return ops.rsqrt(ops.matmul(ops.square(styles), squared) + epsilon)


@keras.saving.register_keras_serializable(package="keras_gans")
class ModulatedConv2D(keras.layers.Layer):
    """Convolution whose kernel is scaled per example by a style.

    Called on `[x, w]`: an affine layer (an `EqualizedDense` starting at
    bias 1) maps `w` to one style per input channel; the kernel is
    modulated by it and, with `demodulate`, renormalized so every output
    channel has unit expected variance for unit-variance inputs (StyleGAN2,
    Karras et al. 2020). This replaces StyleGAN's AdaIN and removes its
    droplet artefacts.

    Formulation: the *non-fused* one of NVIDIA's code on every backend —
    the input is scaled by the styles, convolved with the shared kernel and
    the output scaled by the demodulation coefficients. It is the same
    linear map as convolving with per-example kernels (grouped/fused-batch
    formulation) but needs no grouped convolution, which TensorFlow's CPU
    kernels and TFLite lack and which makes XLA/JAX and torch CPU
    compile one kernel per batch size; NVIDIA's code uses it in training
    too.

    With `up=True` the input is first upsampled by 2 with the
    `[1, 3, 3, 1]` filter (zero insertion and blur, as `upfirdn2d`). With
    `noise=True` a `NoiseInjection` adds per-pixel noise before the bias
    and activation.

    Args:
        filters: output channels.
        kernel_size: square, odd kernel size (3 for features, 1 for toRGB).
        demodulate: renormalize the modulated kernel (off for toRGB).
        up: upsample the input by 2 first.
        noise: add learned-strength noise (synthesis layers).
        activation: `"lrelu"` (gain sqrt(2)) or `"linear"` (toRGB).
        seed: seed of the noise layer.
        **kwargs: base `Layer` arguments (`name`, `dtype`).

    Raises:
        ValueError: naming the argument, for non-positive sizes, an even
            kernel, an unknown activation, or inputs that are not `[x, w]`.

    Example:
    >>> layer = ModulatedConv2D(16, 3, up=True)
    >>> x, w = np.ones((2, 4, 4, 8), "f"), np.ones((2, 32), "f")
    >>> layer([x, w]).shape
    (2, 8, 8, 16)
    """

    def __init__(
        self,
        filters,
        kernel_size=3,
        demodulate=True,
        up=False,
        noise=False,
        activation="lrelu",
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.filters = check_positive_int("filters", filters)
        self.kernel_size = check_positive_int("kernel_size", kernel_size)
        if self.kernel_size % 2 == 0:
            raise ValueError(
                "`kernel_size` must be odd. "
                + format_received(kernel_size=kernel_size)
            )
        self.demodulate = bool(demodulate)
        self.up = bool(up)
        self.use_noise = bool(noise)
        self.activation = check_choice("activation", activation, ACTIVATIONS)
        self.seed = seed

    def build(self, input_shape):
        if not (isinstance(input_shape, (list, tuple)) and len(input_shape) == 2):
            raise ValueError(
                "ModulatedConv2D is called on [features, w]. "
                + format_received(input_shape=input_shape)
            )
        x_shape, w_shape = input_shape
        channels = int(x_shape[-1])
        k = self.kernel_size
        self.affine = EqualizedDense(channels, bias_init=1.0, name="affine")
        self.affine.build(w_shape)
        self.kernel = self.add_weight(
            shape=(k, k, channels, self.filters),
            initializer=keras.initializers.RandomNormal(stddev=1.0),
            name="kernel",
        )
        self.bias = self.add_weight(
            shape=(self.filters,), initializer="zeros", name="bias"
        )
        self.weight_gain = 1.0 / math.sqrt(channels * k * k)
        self.noise_layer = None
        if self.use_noise:
            self.noise_layer = NoiseInjection(seed=self.seed, name="noise")
            scale = 2 if self.up else 1
            self.noise_layer.build(
                (None, _times(x_shape[1], scale), _times(x_shape[2], scale),
                 self.filters)
            )

    def call(self, inputs, training=False, noise=None):
        """`noise`: an explicit noise map for the noise layer (projection)."""
        x, w = inputs
        styles = ops.cast(self.affine(w), x.dtype)  # (N, C_in)
        kernel = ops.cast(self.kernel * self.weight_gain, x.dtype)
        x = x * styles[:, None, None, :]
        if self.up:
            x = upsample_2x(x)
        x = ops.conv(x, kernel, strides=1, padding="same")
        if self.demodulate:
            coefficients = demodulation_coefficients(kernel, styles)
            x = x * coefficients[:, None, None, :]
        if self.noise_layer is not None:
            x = self.noise_layer(x, training=training, noise=noise)
        return bias_act(x, self.bias, self.activation)

    def compute_output_shape(self, input_shape):
        x_shape = input_shape[0]
        scale = 2 if self.up else 1
        return (
            x_shape[0], _times(x_shape[1], scale), _times(x_shape[2], scale),
            self.filters,
        )

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "filters": self.filters,
                "kernel_size": self.kernel_size,
                "demodulate": self.demodulate,
                "up": self.up,
                "noise": self.use_noise,
                "activation": self.activation,
                "seed": self.seed,
            }
        )
        return config


def _times(size, factor):
    return None if size is None else int(size) * factor
