"""A 2-D convolution with equalized learning rate, optionally downsampling."""

import math

import keras
from keras import ops

from keras_gans.layers.equalized_dense import ACTIVATIONS
from keras_gans.layers.equalized_dense import bias_act
from keras_gans.layers.equalized_dense import check_lr_multiplier
from keras_gans.layers.fir_resampling import downsample_2x
from keras_gans.utils.validation import check_choice
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received


@keras.saving.register_keras_serializable(package="keras_gans")
class EqualizedConv2D(keras.layers.Layer):
    """Conv2D (NHWC, "same" size) with run-time weight scaling.

    The kernel is stored as N(0, 1) / `lr_multiplier` and scaled by
    `lr_multiplier / sqrt(in_channels * k * k)` at each call (Karras et al.
    2018). With `down=True` the input is blurred with StyleGAN2's
    `[1, 3, 3, 1]` filter and convolved with stride 2, halving the size
    without aliasing (the residual discriminator's resampling).

    Args:
        filters: output channels.
        kernel_size: square kernel size (odd).
        down: halve the spatial size (blur + stride 2).
        activation: `"linear"` or `"lrelu"` (LeakyReLU 0.2, gain sqrt(2)).
        use_bias: whether the layer has a bias.
        lr_multiplier: learning-rate multiplier (> 0).
        gain: extra output multiplier (sqrt(0.5) for a residual branch).
        **kwargs: base `Layer` arguments (`name`, `dtype`).

    Raises:
        ValueError: naming the argument, for non-positive sizes, an even
            kernel, or an unknown `activation`.

    Example:
    >>> layer = EqualizedConv2D(16, 3, down=True, activation="lrelu")
    >>> layer(np.ones((2, 8, 8, 4), "float32")).shape
    (2, 4, 4, 16)
    """

    def __init__(
        self,
        filters,
        kernel_size,
        down=False,
        activation="linear",
        use_bias=True,
        lr_multiplier=1.0,
        gain=1.0,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.filters = check_positive_int("filters", filters)
        self.kernel_size = check_positive_int("kernel_size", kernel_size)
        if self.kernel_size % 2 == 0:
            raise ValueError(
                "`kernel_size` must be odd (a centred 'same' convolution). "
                + format_received(kernel_size=kernel_size)
            )
        self.down = bool(down)
        self.activation = check_choice("activation", activation, ACTIVATIONS)
        self.use_bias = bool(use_bias)
        self.lr_multiplier = check_lr_multiplier(lr_multiplier)
        self.gain = float(gain)

    def build(self, input_shape):
        channels = int(input_shape[-1])
        k = self.kernel_size
        self.kernel = self.add_weight(
            shape=(k, k, channels, self.filters),
            initializer=keras.initializers.RandomNormal(
                stddev=1.0 / self.lr_multiplier
            ),
            name="kernel",
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                shape=(self.filters,), initializer="zeros", name="bias"
            )
        self.weight_gain = self.lr_multiplier / math.sqrt(channels * k * k)

    def call(self, inputs):
        kernel = ops.cast(self.kernel * self.weight_gain, inputs.dtype)
        if self.down:
            x = downsample_2x(inputs, self.kernel_size)
            x = ops.conv(x, kernel, strides=2, padding="valid")
        else:
            x = ops.conv(inputs, kernel, strides=1, padding="same")
        bias = None if self.bias is None else self.bias * self.lr_multiplier
        x = bias_act(x, bias, self.activation)
        if self.gain != 1.0:
            x = x * self.gain
        return x

    def compute_output_shape(self, input_shape):
        batch, height, width = input_shape[:3]
        if self.down:
            height = None if height is None else height // 2
            width = None if width is None else width // 2
        return (batch, height, width, self.filters)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "filters": self.filters,
                "kernel_size": self.kernel_size,
                "down": self.down,
                "activation": self.activation,
                "use_bias": self.use_bias,
                "lr_multiplier": self.lr_multiplier,
                "gain": self.gain,
            }
        )
        return config
