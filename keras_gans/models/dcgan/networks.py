"""Deep convolutional generator and discriminator (Radford et al. 2016).

Options used by the DCGAN-based variants: spectral normalization of every
weight layer (SNGAN, SAGAN) and a self-attention block at one resolution
(SAGAN).
"""

import random

import keras
from keras import layers

from keras_gans.layers import SelfAttention
from keras_gans.layers import SpectralNormalization
from keras_gans.layers import SubPixelConv2DTranspose

UPSAMPLING_MODES = ("transpose", "upsample_conv")


def maybe_spectral_norm(layer, spectral_norm):
    """`layer`, wrapped in `SpectralNormalization` when `spectral_norm`."""
    if not spectral_norm:
        return layer
    # The wrapper keeps the layer's dtype policy (a float32 score layer
    # stays float32 under mixed precision).
    return SpectralNormalization(
        layer, name=f"{layer.name}_sn", dtype=layer.dtype_policy
    )


def upsample(x, filters, mode, kernel_size, use_bias, name, spectral_norm):
    """A stride-2 transposed conv, or nearest upsampling + conv (`mode`).

    The transposed conv is a `SubPixelConv2DTranspose`: a
    `Conv2DTranspose` that JAX trains ~10x faster on CPU.
    """
    if mode == "transpose":
        conv = SubPixelConv2DTranspose(
            filters,
            kernel_size,
            strides=2,
            padding="same",
            use_bias=use_bias,
            name=name,
        )
        return maybe_spectral_norm(conv, spectral_norm)(x)
    x = layers.UpSampling2D(2, name=f"{name}_up")(x)
    conv = layers.Conv2D(
        filters, kernel_size, padding="same", use_bias=use_bias, name=name
    )
    return maybe_spectral_norm(conv, spectral_norm)(x)


def generator_resolutions(image_shape, g_filters):
    """Feature-map heights inside the generator (the output excluded)."""
    height = image_shape[0] // 2 ** len(g_filters)
    return tuple(height * 2**i for i in range(len(g_filters)))


def discriminator_resolutions(image_shape, d_filters):
    """Feature-map heights after each discriminator convolution."""
    return tuple(image_shape[0] // 2 ** (i + 1) for i in range(len(d_filters)))


def _attention(x, resolution, attention_resolution, spectral_norm, name):
    if resolution != attention_resolution:
        return x
    return SelfAttention(spectral_norm=spectral_norm, name=name)(x)


def build_dcgan_generator(
    latent_dim,
    image_shape,
    g_filters=(256, 128),
    upsampling="transpose",
    kernel_size=4,
    spectral_norm=False,
    attention_resolution=None,
):
    """Projection to `(H/2^n, W/2^n, g_filters[0])`, then n upsamplings.

    Each hidden upsampling is followed by BatchNorm and ReLU; the last one
    maps to the image channels with tanh. `n = len(g_filters)`. With
    `spectral_norm` every weight layer is spectrally normalized; with
    `attention_resolution` a `SelfAttention` block follows the block whose
    feature maps have that height.
    """
    height, width, channels = image_shape
    factor = 2 ** len(g_filters)
    h0, w0 = height // factor, width // factor
    z = keras.Input((latent_dim,), name="latent")
    project = layers.Dense(
        h0 * w0 * g_filters[0], use_bias=False, name="project"
    )
    x = maybe_spectral_norm(project, spectral_norm)(z)
    x = layers.Reshape((h0, w0, g_filters[0]))(x)
    x = layers.BatchNormalization(name="project_bn")(x)
    x = layers.ReLU()(x)
    x = _attention(x, h0, attention_resolution, spectral_norm, "attention")
    for i, filters in enumerate(g_filters[1:]):
        x = upsample(
            x, filters, upsampling, kernel_size, False, f"up{i}", spectral_norm
        )
        x = layers.BatchNormalization(name=f"up{i}_bn")(x)
        x = layers.ReLU()(x)
        x = _attention(
            x, h0 * 2 ** (i + 1), attention_resolution, spectral_norm, "attention"
        )
    x = upsample(
        x, channels, upsampling, kernel_size, True, "to_image", spectral_norm
    )
    images = layers.Activation("tanh", dtype="float32", name="images")(x)
    return keras.Model(z, images, name="generator")


def build_dcgan_discriminator(
    image_shape,
    d_filters=(64, 128),
    kernel_size=4,
    batchnorm=True,
    dropout=0.0,
    spectral_norm=False,
    attention_resolution=None,
):
    """Stride-2 convolutions with LeakyReLU(0.2), no pooling, one score.

    BatchNorm follows every convolution but the first (as in the paper);
    `batchnorm=False` removes it (required by gradient-penalty critics).
    `spectral_norm` wraps every convolution and the score layer in
    `SpectralNormalization`; `attention_resolution` inserts a
    `SelfAttention` block after the convolution producing that height.
    """
    images = keras.Input(image_shape, name="images")
    x = discriminator_features(
        images,
        image_shape,
        d_filters,
        kernel_size,
        batchnorm,
        dropout,
        spectral_norm,
        attention_resolution,
    )
    score = layers.Dense(1, dtype="float32", name="score")
    score = maybe_spectral_norm(score, spectral_norm)(x)
    return keras.Model(images, score, name="discriminator")


def discriminator_features(
    x,
    image_shape,
    d_filters,
    kernel_size=4,
    batchnorm=True,
    dropout=0.0,
    spectral_norm=False,
    attention_resolution=None,
):
    """The DCGAN discriminator's convolutions, flattened (no score layer).

    `x` is the symbolic input of shape `image_shape[:2] + (channels,)`;
    the arguments are those of `build_dcgan_discriminator`.
    """
    for i, filters in enumerate(d_filters):
        conv = layers.Conv2D(
            filters,
            kernel_size,
            strides=2,
            padding="same",
            use_bias=not (batchnorm and i > 0),
            name=f"down{i}",
        )
        x = maybe_spectral_norm(conv, spectral_norm)(x)
        if batchnorm and i > 0:
            x = layers.BatchNormalization(name=f"down{i}_bn")(x)
        x = layers.LeakyReLU(0.2)(x)
        if dropout:
            # An explicit seed: unseeded Dropout on torch draws from torch's
            # global RNG, which no checkpoint saves, so a resumed run would
            # drop other units. Seeded, its SeedGenerator state is saved;
            # Python's `random` is what keras.utils.set_random_seed seeds
            # and what Keras draws its own default seeds from.
            x = layers.Dropout(dropout, seed=random.randint(1, 2**31 - 1))(x)
        x = _attention(
            x,
            image_shape[0] // 2 ** (i + 1),
            attention_resolution,
            spectral_norm,
            "attention",
        )
    return layers.Flatten()(x)
