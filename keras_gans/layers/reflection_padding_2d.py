"""Reflection padding of the height and width of an image batch."""

import numbers

import keras
from keras import ops

from keras_gans.utils.validation import format_received


def _is_count(value):
    return (
        isinstance(value, numbers.Integral)
        and not isinstance(value, bool)
        and value >= 0
    )


def _is_pair(value, item_check):
    return (
        isinstance(value, (tuple, list))
        and len(value) == 2
        and all(item_check(item) for item in value)
    )


def normalize_padding(padding):
    """`int`, `(h, w)` or `((top, bottom), (left, right))` -> nested tuple.

    Raises:
        ValueError: if `padding` is not one of those forms of non-negative
            integers.
    """
    if _is_count(padding):
        return ((int(padding),) * 2,) * 2
    if _is_pair(padding, _is_count):
        return tuple((int(p), int(p)) for p in padding)
    if _is_pair(padding, lambda side: _is_pair(side, _is_count)):
        return tuple((int(p[0]), int(p[1])) for p in padding)
    raise ValueError(
        "`padding` must be a non-negative int, a tuple (height_pad, "
        "width_pad) or a tuple ((top, bottom), (left, right)). "
        + format_received(padding=padding)
    )


@keras.saving.register_keras_serializable(package="keras_gans")
class ReflectionPadding2D(keras.layers.Layer):
    """Pads height and width by mirroring the image at its border.

    The border pixel itself is not repeated (`numpy.pad(mode="reflect")`):
    padding `[a, b, c]` by 2 gives `[c, b, a, b, c, b, a]`. CycleGAN's
    generator pads this way so that its convolutions see no artificial zero
    frame, which otherwise shows up as dark edges in translated images.
    Inputs are `channels_last`, `(batch, height, width, channels)`.

    Args:
        padding: an int (the same on all four sides), a tuple
            `(height_pad, width_pad)` (symmetric), or
            `((top, bottom), (left, right))`. Each amount must be smaller
            than the padded dimension.
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    Raises:
        ValueError: if `padding` has another form, or, when the layer is
            built, the input is not 4-D or a padding amount is not smaller
            than the height or width it pads.

    Example:

    >>> layer = ReflectionPadding2D(padding=(1, 2))
    >>> layer(np.zeros((2, 8, 8, 3))).shape
    (2, 10, 12, 3)
    """

    def __init__(self, padding=(1, 1), **kwargs):
        super().__init__(**kwargs)
        self.padding = normalize_padding(padding)
        self.input_spec = keras.layers.InputSpec(ndim=4)

    def build(self, input_shape):
        self._check_input_shape(input_shape)
        self.built = True

    def call(self, inputs):
        (top, bottom), (left, right) = self.padding
        return ops.pad(
            inputs,
            ((0, 0), (top, bottom), (left, right), (0, 0)),
            mode="reflect",
        )

    def compute_output_shape(self, input_shape):
        batch, height, width, channels = self._check_input_shape(input_shape)
        (top, bottom), (left, right) = self.padding
        if height is not None:
            height += top + bottom
        if width is not None:
            width += left + right
        return (batch, height, width, channels)

    def get_config(self):
        config = super().get_config()
        config.update({"padding": self.padding})
        return config

    def _check_input_shape(self, input_shape):
        shape = tuple(input_shape)
        if len(shape) != 4:
            raise ValueError(
                "`ReflectionPadding2D` expects inputs of shape (batch, "
                "height, width, channels). "
                + format_received(input_shape=shape)
            )
        for axis, size, pads in zip(
            ("height", "width"), shape[1:3], self.padding
        ):
            # A reflection cannot reach past the opposite border.
            if size is not None and max(pads) >= size:
                raise ValueError(
                    f"`ReflectionPadding2D` padding must be smaller than the "
                    f"input {axis} ({size}). "
                    + format_received(padding=self.padding, input_shape=shape)
                )
        return shape
