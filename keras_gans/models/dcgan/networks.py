"""Deep convolutional generator and discriminator (Radford et al. 2016)."""

import keras
from keras import layers

UPSAMPLING_MODES = ("transpose", "upsample_conv")


def _upsample(x, filters, mode, kernel_size, use_bias, name):
    if mode == "transpose":
        return layers.Conv2DTranspose(
            filters,
            kernel_size,
            strides=2,
            padding="same",
            use_bias=use_bias,
            name=name,
        )(x)
    x = layers.UpSampling2D(2, name=f"{name}_up")(x)
    return layers.Conv2D(
        filters, kernel_size, padding="same", use_bias=use_bias, name=name
    )(x)


def build_dcgan_generator(
    latent_dim,
    image_shape,
    g_filters=(256, 128),
    upsampling="transpose",
    kernel_size=4,
):
    """Projection to `(H/2^n, W/2^n, g_filters[0])`, then n upsamplings.

    Each hidden upsampling is followed by BatchNorm and ReLU; the last one
    maps to the image channels with tanh. `n = len(g_filters)`.
    """
    height, width, channels = image_shape
    factor = 2 ** len(g_filters)
    h0, w0 = height // factor, width // factor
    z = keras.Input((latent_dim,), name="latent")
    x = layers.Dense(h0 * w0 * g_filters[0], use_bias=False, name="project")(z)
    x = layers.Reshape((h0, w0, g_filters[0]))(x)
    x = layers.BatchNormalization(name="project_bn")(x)
    x = layers.ReLU()(x)
    for i, filters in enumerate(g_filters[1:]):
        x = _upsample(x, filters, upsampling, kernel_size, False, f"up{i}")
        x = layers.BatchNormalization(name=f"up{i}_bn")(x)
        x = layers.ReLU()(x)
    x = _upsample(x, channels, upsampling, kernel_size, True, "to_image")
    images = layers.Activation("tanh", dtype="float32", name="images")(x)
    return keras.Model(z, images, name="generator")


def build_dcgan_discriminator(
    image_shape,
    d_filters=(64, 128),
    kernel_size=4,
    batchnorm=True,
    dropout=0.0,
):
    """Stride-2 convolutions with LeakyReLU(0.2), no pooling, one score.

    BatchNorm follows every convolution but the first (as in the paper);
    `batchnorm=False` removes it (required by gradient-penalty critics).
    """
    images = keras.Input(image_shape, name="images")
    x = images
    for i, filters in enumerate(d_filters):
        x = layers.Conv2D(
            filters,
            kernel_size,
            strides=2,
            padding="same",
            use_bias=not (batchnorm and i > 0),
            name=f"down{i}",
        )(x)
        if batchnorm and i > 0:
            x = layers.BatchNormalization(name=f"down{i}_bn")(x)
        x = layers.LeakyReLU(0.2)(x)
        if dropout:
            x = layers.Dropout(dropout)(x)
    x = layers.Flatten()(x)
    score = layers.Dense(1, dtype="float32", name="score")(x)
    return keras.Model(images, score, name="discriminator")
