"""Depth-to-space rearrangement: the sub-pixel upsampling of ESPCN/SRGAN."""

import keras
from keras import ops

from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received


@keras.saving.register_keras_serializable(package="keras_gans")
class PixelShuffle(keras.layers.Layer):
    """Moves channel blocks into `factor x factor` pixel neighbourhoods.

    An input `(N, H, W, C * r * r)` becomes `(N, r * H, r * W, C)`, with
    output pixel `(r * h + i, r * w + j)`, channel `c` taken from input
    pixel `(h, w)`, channel `(i * r + j) * C + c` — the order of
    TensorFlow's `tf.nn.depth_to_space` (PyTorch's `nn.PixelShuffle`
    orders the channels `c * r * r + i * r + j` instead; a converted
    PyTorch kernel must permute its output channels). A convolution to
    `C * r * r` channels followed by this layer is the "sub-pixel
    convolution" of Shi et al. (2016), the upsampling step of SRResNet,
    SRGAN and ESRGAN: it learns the upscaling at the low resolution,
    without the checkerboard of a strided transposed convolution's
    uneven overlap.

    Height and width may be free (`None`): the layer runs at any size.

    Args:
        factor: the upscaling factor `r` (an int >= 2).
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    Raises:
        ValueError: for a `factor` below 2, or, when built, an input that
            is not 4-D or whose channels are not a multiple of `r * r`.

    Example:

    >>> layer = PixelShuffle(2)
    >>> layer(np.zeros((1, 8, 8, 12))).shape
    (1, 16, 16, 3)
    """

    def __init__(self, factor=2, **kwargs):
        super().__init__(**kwargs)
        factor = check_positive_int("factor", factor)
        if factor < 2:
            raise ValueError(
                "`factor` must be an int >= 2 (1 would change nothing). "
                + format_received(factor=factor)
            )
        self.factor = factor
        self.input_spec = keras.layers.InputSpec(ndim=4)

    def build(self, input_shape):
        channels = input_shape[-1]
        if channels is None or channels % (self.factor**2):
            raise ValueError(
                f"PixelShuffle({self.factor}) needs input channels that are "
                f"a multiple of factor**2 = {self.factor**2}. "
                + format_received(input_shape=tuple(input_shape))
            )
        self.built = True

    def call(self, inputs):
        r = self.factor
        shape = ops.shape(inputs)
        height, width = shape[1], shape[2]
        channels = inputs.shape[-1] // (r * r)
        x = ops.reshape(inputs, (-1, height, width, r, r, channels))
        # (N, H, i, W, j, C): row r*h + i, column r*w + j.
        x = ops.transpose(x, (0, 1, 3, 2, 4, 5))
        return ops.reshape(x, (-1, height * r, width * r, channels))

    def compute_output_shape(self, input_shape):
        batch, height, width, channels = input_shape
        r = self.factor
        return (
            batch,
            None if height is None else height * r,
            None if width is None else width * r,
            channels // (r * r),
        )

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}
