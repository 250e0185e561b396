"""The convolution block SinGAN's generators and critics are made of."""

import keras
from keras import layers

from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received

NEGATIVE_SLOPE = 0.2
KERNEL_SIZE = 3


def conv_init():
    """N(0, 0.02), the official `weights_init` of convolutions."""
    return keras.initializers.RandomNormal(0.0, 0.02)


def conv_block(x, width, name, batch_norm=True, negative_slope=NEGATIVE_SLOPE):
    """3x3 'valid' convolution, BatchNorm, LeakyReLU: one official ConvBlock.

    'valid': SinGAN pads the input once (generators) or not at all
    (critics) instead of padding every layer's features.
    """
    x = layers.Conv2D(
        width,
        KERNEL_SIZE,
        padding="valid",
        kernel_initializer=conv_init(),
        name=f"{name}_conv",
    )(x)
    if batch_norm:
        # PyTorch's defaults (momentum 0.1 is Keras' 0.9, eps 1e-5) and
        # the official gamma ~ N(1, 0.02).
        x = layers.BatchNormalization(
            momentum=0.9,
            epsilon=1e-5,
            gamma_initializer=keras.initializers.RandomNormal(1.0, 0.02),
            name=f"{name}_bn",
        )(x)
    return layers.LeakyReLU(negative_slope, name=f"{name}_lrelu")(x)


def check_num_blocks(num_blocks):
    """At least 2: a head and a tail."""
    num_blocks = check_positive_int("num_blocks", num_blocks)
    if num_blocks < 2:
        raise ValueError(
            "`num_blocks` must be at least 2 (a head and a tail). "
            + format_received(num_blocks=num_blocks)
        )
    return num_blocks


def network_config(network):
    """The constructor arguments of a SinGAN generator or critic."""
    return {
        "channels": network.channels,
        "width": network.width,
        "num_blocks": network.num_blocks,
        "batch_norm": network.batch_norm,
        "name": network.name,
        "trainable": network.trainable,
    }
