"""SAGAN: self-attention in both networks, spectral norm, hinge, TTUR."""

import keras

from keras_gans.models.dcgan.dcgan import DCGAN
from keras_gans.models.dcgan.dcgan import default_architecture
from keras_gans.models.dcgan.dcgan_discriminator import (
    discriminator_resolutions,
)
from keras_gans.models.dcgan.dcgan_generator import generator_resolutions
from keras_gans.utils.validation import check_image_shape


def _default_attention_resolution(image_shape, g_filters, d_filters):
    """The largest feature-map height present in both networks."""
    defaults = default_architecture(image_shape)
    g_filters = defaults["g_filters"] if g_filters is None else g_filters
    d_filters = defaults["d_filters"] if d_filters is None else d_filters
    shared = set(generator_resolutions(image_shape, g_filters)) & set(
        discriminator_resolutions(image_shape, d_filters)
    )
    # No shared height: DCGAN's own validation explains the problem.
    return max(shared) if shared else -1


@keras.saving.register_keras_serializable(package="keras_gans")
class SAGAN(DCGAN):
    """Self-Attention GAN (Zhang, Goodfellow, Metaxas and Odena 2019).

    The DCGAN networks with a `keras_gans.layers.SelfAttention` block at
    `attention_resolution` in both G and D (long-range dependencies that
    convolutions alone see only through depth), spectral normalization of
    every weight layer in both networks, the `"hinge"` loss and the
    two-timescale update rule: Adam(beta_1=0, beta_2=0.9) with learning
    rate 1e-4 for G and 4e-4 for D.

    Args:
        image_shape: `(H, W, C)` of the images.
        latent_dim: latent size.
        attention_resolution: feature-map height of the attention blocks;
            `None` picks the largest height both networks have (14 for
            28x28 images, 16 for 32x32).
        d_spectral_norm: spectral normalization in D (True).
        g_spectral_norm: spectral normalization in G (True).
        d_batchnorm: BatchNorm in D (False).
        **kwargs: further `DCGAN` arguments (`g_filters`, `d_filters`, ...).

    Example:

    ```python
    gan = keras_gans.SAGAN(image_shape=(28, 28, 1))
    gan.compile()  # hinge loss, TTUR Adam 1e-4 (G) / 4e-4 (D)
    gan.fit(dataset, epochs=20)
    ```
    """

    default_loss = "hinge"

    def __init__(
        self,
        image_shape=(28, 28, 1),
        latent_dim=100,
        attention_resolution=None,
        d_spectral_norm=True,
        g_spectral_norm=True,
        d_batchnorm=False,
        **kwargs,
    ):
        image_shape = check_image_shape(image_shape)
        if attention_resolution is None:
            attention_resolution = _default_attention_resolution(
                image_shape, kwargs.get("g_filters"), kwargs.get("d_filters")
            )
        super().__init__(
            image_shape=image_shape,
            latent_dim=latent_dim,
            attention_resolution=attention_resolution,
            d_spectral_norm=d_spectral_norm,
            g_spectral_norm=g_spectral_norm,
            d_batchnorm=d_batchnorm,
            **kwargs,
        )

    def default_optimizers(self):
        return {
            "discriminator": keras.optimizers.Adam(4e-4, beta_1=0.0, beta_2=0.9),
            "generator": keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9),
        }
