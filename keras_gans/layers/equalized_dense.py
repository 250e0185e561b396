"""A fully connected layer with equalized learning rate (ProGAN/StyleGAN)."""

import math

import keras
from keras import ops

from keras_gans.utils.validation import check_choice
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received

ACTIVATIONS = ("linear", "lrelu")


def check_lr_multiplier(value):
    """Returns `value` as a float if it is a positive number, else raises."""
    if isinstance(value, bool) or not (
        isinstance(value, (int, float)) and value > 0
    ):
        raise ValueError(
            "`lr_multiplier` must be a positive number (1 for the usual "
            "learning rate, 0.01 for StyleGAN's mapping network). "
            + format_received(lr_multiplier=value)
        )
    return float(value)


def bias_act(x, bias, activation):
    """`x + bias`, then the activation with StyleGAN2's gain.

    `"lrelu"` is LeakyReLU(0.2) times sqrt(2) (NVIDIA's `bias_act`), which
    keeps unit-variance inputs near unit variance; `"linear"` adds the bias.
    """
    if bias is not None:
        x = x + ops.cast(bias, x.dtype)
    if activation == "lrelu":
        x = ops.leaky_relu(x, negative_slope=0.2) * math.sqrt(2.0)
    return x


@keras.saving.register_keras_serializable(package="keras_gans")
class EqualizedDense(keras.layers.Layer):
    """Dense layer whose weights are scaled at run time (Karras et al. 2018).

    The stored weights start as N(0, 1) / `lr_multiplier` and are multiplied
    by `lr_multiplier / sqrt(fan_in)` at every call, the bias by
    `lr_multiplier`. Adam's updates are scale-free, so every layer then
    learns at the same speed whatever its fan-in, and `lr_multiplier`
    slows a layer down (StyleGAN's mapping network uses 0.01).

    Args:
        units: output size.
        lr_multiplier: the layer's learning-rate multiplier (> 0).
        bias_init: the effective initial bias (StyleGAN2's style affines
            start at 1, so modulation starts as identity).
        activation: `"linear"` or `"lrelu"` (LeakyReLU 0.2, gain sqrt(2)).
        use_bias: whether the layer has a bias.
        **kwargs: base `Layer` arguments (`name`, `dtype`).

    Raises:
        ValueError: naming the argument, for a non-positive `units` or
            `lr_multiplier`, or an unknown `activation`.

    Example:
    >>> layer = EqualizedDense(8, lr_multiplier=0.01, activation="lrelu")
    >>> layer(np.ones((2, 4), "float32")).shape
    (2, 8)
    """

    def __init__(
        self,
        units,
        lr_multiplier=1.0,
        bias_init=0.0,
        activation="linear",
        use_bias=True,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.units = check_positive_int("units", units)
        self.lr_multiplier = check_lr_multiplier(lr_multiplier)
        self.bias_init = float(bias_init)
        self.activation = check_choice("activation", activation, ACTIVATIONS)
        self.use_bias = bool(use_bias)

    def build(self, input_shape):
        fan_in = int(input_shape[-1])
        self.kernel = self.add_weight(
            shape=(fan_in, self.units),
            initializer=keras.initializers.RandomNormal(
                stddev=1.0 / self.lr_multiplier
            ),
            name="kernel",
        )
        self.bias = None
        if self.use_bias:
            # Stored as bias_init / lr_multiplier: the run-time gain
            # restores the effective initial bias `bias_init`.
            self.bias = self.add_weight(
                shape=(self.units,),
                initializer=keras.initializers.Constant(
                    self.bias_init / self.lr_multiplier
                ),
                name="bias",
            )
        self.weight_gain = self.lr_multiplier / math.sqrt(fan_in)

    def call(self, inputs):
        kernel = ops.cast(self.kernel * self.weight_gain, inputs.dtype)
        x = ops.matmul(inputs, kernel)
        bias = None if self.bias is None else self.bias * self.lr_multiplier
        return bias_act(x, bias, self.activation)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "units": self.units,
                "lr_multiplier": self.lr_multiplier,
                "bias_init": self.bias_init,
                "activation": self.activation,
                "use_bias": self.use_bias,
            }
        )
        return config
