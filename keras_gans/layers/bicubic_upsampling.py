"""Bicubic upsampling by an integer factor, as a fixed convolution."""

import keras
import numpy as np
from keras import ops

from keras_gans.layers.pixel_shuffle import PixelShuffle
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received

# Keys' cubic with a = -0.5, the kernel of MATLAB's `imresize` "bicubic".
_A = -0.5
# The cubic reaches 2 pixels each side: 5 taps cover every output phase.
_TAPS = 5


def cubic(distance):
    """Keys' cubic convolution kernel (a = -0.5) at `distance` (NumPy)."""
    x = np.abs(np.asarray(distance, "float64"))
    near = (_A + 2) * x**3 - (_A + 3) * x**2 + 1
    far = _A * x**3 - 5 * _A * x**2 + 8 * _A * x - 4 * _A
    return np.where(x <= 1, near, np.where(x < 2, far, 0.0))


def phase_weights(factor):
    """`(factor, 5)`: the 1-D weights of output phase `i` on the input
    pixels `h - 2 ... h + 2` when upsampling pixel `h` by `factor`.

    Output pixel `factor * h + i` sits at input coordinate
    `h + (i + 0.5) / factor - 0.5` (pixel centres aligned, as MATLAB's
    `imresize` and `tf.image.resize(..., antialias=False)`).
    """
    offsets = (np.arange(factor) + 0.5) / factor - 0.5
    taps = np.arange(_TAPS) - _TAPS // 2
    weights = cubic(taps[None, :] - offsets[:, None])
    return weights / weights.sum(axis=1, keepdims=True)


def upsampling_kernel(factor, channels):
    """The `(5, 5, channels, factor**2 * channels)` convolution kernel whose
    output, depth-to-space rearranged (`PixelShuffle`), is the bicubic
    upsampling of each channel."""
    weights = phase_weights(factor)
    kernel = np.zeros((_TAPS, _TAPS, channels, factor * factor * channels))
    for i in range(factor):
        for j in range(factor):
            for c in range(channels):
                kernel[:, :, c, (i * factor + j) * channels + c] = np.outer(
                    weights[i], weights[j]
                )
    return kernel.astype("float32")


@keras.saving.register_keras_serializable(package="keras_gans")
class BicubicUpsampling(keras.layers.Layer):
    """Upsamples images `factor` times with the bicubic kernel (a = -0.5).

    Computed as one fixed 5x5 convolution to `factor**2` phases per channel
    and a depth-to-space (`PixelShuffle`), so it runs at any input size,
    trains on every backend and exports to TFLite (no resize op). Borders
    are extended by reflection; inside, the result is MATLAB's
    `imresize(x, factor, "bicubic")`. A super-resolution generator adds
    its output to this upsampling of its input (`image_skip="bicubic"`):
    the network then learns only the missing detail, which makes the
    first steps of training far shorter. The layer has no weights.

    Args:
        factor: the integer upscaling factor, >= 2.
        **kwargs: base layer arguments.

    Raises:
        ValueError: for a `factor` below 2, or, when built, an input that
            is not 4-D with known channels.

    Example:

    >>> layer = BicubicUpsampling(4)
    >>> layer(np.zeros((1, 6, 7, 3))).shape
    (1, 24, 28, 3)
    """

    def __init__(self, factor=2, **kwargs):
        super().__init__(**kwargs)
        factor = check_positive_int("factor", factor)
        if factor < 2:
            raise ValueError(
                "`factor` must be an int >= 2. " + format_received(factor=factor)
            )
        self.factor = factor
        self.input_spec = keras.layers.InputSpec(ndim=4)

    def build(self, input_shape):
        channels = input_shape[-1]
        if channels is None:
            raise ValueError(
                "BicubicUpsampling needs a known number of channels. "
                + format_received(input_shape=tuple(input_shape))
            )
        self._kernel = upsampling_kernel(self.factor, channels)
        self._shuffle = PixelShuffle(self.factor, dtype=self.dtype_policy)
        self.built = True

    def call(self, inputs):
        pad = _TAPS // 2
        x = ops.pad(inputs, ((0, 0), (pad, pad), (pad, pad), (0, 0)), "reflect")
        kernel = ops.cast(self._kernel, x.dtype)
        return self._shuffle(ops.conv(x, kernel, padding="valid"))

    def compute_output_shape(self, input_shape):
        batch, height, width, channels = input_shape
        grow = lambda d: None if d is None else d * self.factor  # noqa: E731
        return (batch, grow(height), grow(width), channels)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}
