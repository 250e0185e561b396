"""SNGAN: a spectrally normalized discriminator trained on the hinge loss."""

import keras

from keras_gans.models.dcgan.dcgan import DCGAN


@keras.saving.register_keras_serializable(package="keras_gans")
class SNGAN(DCGAN):
    """Spectral Normalization GAN (Miyato et al. 2018).

    The DCGAN networks with every discriminator weight layer wrapped in
    `keras_gans.layers.SpectralNormalization` (which bounds each layer's
    Lipschitz constant by 1) instead of BatchNorm, trained with the
    `"hinge"` loss and Adam(2e-4, beta_1=0.5, beta_2=0.999), one D update
    per G update (the paper's setting C).

    Args:
        image_shape: `(H, W, C)` of the images.
        latent_dim: latent size.
        d_spectral_norm: spectral normalization in D (True).
        d_batchnorm: BatchNorm in D (False: spectral normalization replaces it).
        **kwargs: further `DCGAN` arguments.

    Example:

    ```python
    gan = keras_gans.SNGAN(image_shape=(28, 28, 1))
    gan.compile()  # hinge loss, Adam(2e-4, 0.5, 0.999)
    gan.fit(dataset, epochs=20)
    ```
    """

    default_loss = "hinge"

    def __init__(
        self,
        image_shape=(28, 28, 1),
        latent_dim=100,
        d_spectral_norm=True,
        d_batchnorm=False,
        **kwargs,
    ):
        super().__init__(
            image_shape=image_shape,
            latent_dim=latent_dim,
            d_spectral_norm=d_spectral_norm,
            d_batchnorm=d_batchnorm,
            **kwargs,
        )

    def default_optimizers(self):
        return {
            "discriminator": keras.optimizers.Adam(2e-4, beta_1=0.5, beta_2=0.999),
            "generator": keras.optimizers.Adam(2e-4, beta_1=0.5, beta_2=0.999),
        }
