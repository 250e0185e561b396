"""The critic of one scale of SinGAN (Shaham et al. 2019)."""

import keras
from keras import layers
from keras import ops

from keras_gans.models.singan.singan_blocks import KERNEL_SIZE
from keras_gans.models.singan.singan_blocks import check_num_blocks
from keras_gans.models.singan.singan_blocks import conv_block
from keras_gans.models.singan.singan_blocks import conv_init
from keras_gans.models.singan.singan_blocks import network_config
from keras_gans.utils.validation import check_positive_int

SCORE_MAPS = 2


@keras.saving.register_keras_serializable(package="keras_gans")
class SinGANDiscriminator(keras.Model):
    """A Markovian critic: one score per receptive field of 11x11 px.

    `num_blocks` 'valid' 3x3 convolutions (BatchNorm, LeakyReLU 0.2 but
    the last), the last linear (a WGAN critic) with two output channels
    averaged into one: an `(N, h - 2 num_blocks, w - 2 num_blocks, 1)` map of
    patch scores for images of any size.

    Args:
        channels: image channels (3).
        width: channels of every block (32, doubling every 4 scales).
        num_blocks: convolutions (5).
        batch_norm: BatchNorm in the blocks (SinGAN: yes).
        name: the model name.
        **kwargs: other `keras.Model` arguments.

    Raises:
        ValueError: for a non-positive width or channels, or fewer than 2
            blocks.
    """

    def __init__(
        self,
        channels=3,
        width=32,
        num_blocks=5,
        batch_norm=True,
        name="singan_discriminator",
        **kwargs,
    ):
        channels = check_positive_int("channels", channels)
        width = check_positive_int("width", width)
        num_blocks = check_num_blocks(num_blocks)
        inputs = keras.Input((None, None, channels), name="images")
        x = inputs
        for i in range(num_blocks - 1):
            x = conv_block(x, width, f"block{i}", batch_norm)
        # Two score maps averaged, not one: the same function class, but
        # torch's CPU convolution fails to take the weight gradient of a
        # 3x3 convolution with one output channel on a batch of one
        # (torch 2.13: "slow_conv2d: grad_weight must be contiguous"),
        # and SinGAN's batch is its one image.
        x = layers.Conv2D(
            SCORE_MAPS,
            KERNEL_SIZE,
            padding="valid",
            kernel_initializer=conv_init(),
            dtype="float32",
            name="scores",
        )(x)
        outputs = ops.mean(x, axis=-1, keepdims=True)
        super().__init__(inputs=inputs, outputs=outputs, name=name, **kwargs)
        self.channels = channels
        self.width = width
        self.num_blocks = num_blocks
        self.batch_norm = batch_norm

    def get_config(self):
        return network_config(self)

    @classmethod
    def from_config(cls, config):
        return cls(**config)
