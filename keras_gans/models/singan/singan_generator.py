"""The generator of one scale of SinGAN (Shaham et al. 2019)."""

import keras
from keras import layers
from keras import ops

from keras_gans.models.singan.singan_blocks import KERNEL_SIZE
from keras_gans.models.singan.singan_blocks import check_num_blocks
from keras_gans.models.singan.singan_blocks import conv_block
from keras_gans.models.singan.singan_blocks import conv_init
from keras_gans.models.singan.singan_blocks import network_config
from keras_gans.utils.validation import check_positive_int


@keras.saving.register_keras_serializable(package="keras_gans")
class SinGANGenerator(keras.Model):
    """A fully convolutional generator adding detail to a coarser image.

    `G([z, prev]) = prev + tanh(body(pad(z)))`, where `z` is the noisy
    input (`amplitude * noise + prev`, made by `SinGAN`) and `prev` the
    upsampled output of the coarser scale: the network learns a residual.
    As the official code, the input is zero-padded once by `num_blocks`
    pixels and every convolution is 'valid', so the output has the
    input's size, any size.

    Args:
        channels: image channels (3).
        width: channels of every block (32, doubling every 4 scales).
        num_blocks: convolutions, the last one the RGB output (5).
        batch_norm: BatchNorm in the blocks (SinGAN: yes).
        name: the model name.
        **kwargs: other `keras.Model` arguments.

    Raises:
        ValueError: for a non-positive width or channels, or fewer than 2
            blocks.

    Example:

    >>> g = SinGANGenerator(3, width=32)
    >>> g([np.zeros((1, 30, 40, 3)), np.zeros((1, 30, 40, 3))]).shape
    (1, 30, 40, 3)
    """

    def __init__(
        self,
        channels=3,
        width=32,
        num_blocks=5,
        batch_norm=True,
        name="singan_generator",
        **kwargs,
    ):
        channels = check_positive_int("channels", channels)
        width = check_positive_int("width", width)
        num_blocks = check_num_blocks(num_blocks)
        noisy = keras.Input((None, None, channels), name="noisy")
        prev = keras.Input((None, None, channels), name="prev")
        pad = num_blocks * (KERNEL_SIZE // 2)
        x = layers.ZeroPadding2D(pad, name="pad")(noisy)
        for i in range(num_blocks - 1):
            x = conv_block(x, width, f"block{i}", batch_norm)
        x = layers.Conv2D(
            channels,
            KERNEL_SIZE,
            padding="valid",
            kernel_initializer=conv_init(),
            name="to_image",
        )(x)
        residual = layers.Activation("tanh", dtype="float32", name="tanh")(x)
        outputs = layers.Add(dtype="float32", name="add_prev")(
            [residual, ops.cast(prev, "float32")]
        )
        super().__init__(
            inputs=[noisy, prev], outputs=outputs, name=name, **kwargs
        )
        self.channels = channels
        self.width = width
        self.num_blocks = num_blocks
        self.batch_norm = batch_norm

    def get_config(self):
        return network_config(self)

    @classmethod
    def from_config(cls, config):
        return cls(**config)
