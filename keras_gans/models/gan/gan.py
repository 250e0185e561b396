"""The original fully-connected GAN."""

import keras

from keras_gans.models.gan.mlp_discriminator import MLPDiscriminator
from keras_gans.models.gan.mlp_generator import MLPGenerator
from keras_gans.training.adversarial_model import AdversarialModel
from keras_gans.utils.validation import check_image_shape
from keras_gans.utils.validation import check_positive_int


@keras.saving.register_keras_serializable(package="keras_gans")
class GAN(AdversarialModel):
    """Goodfellow et al.'s GAN with MLP generator and discriminator.

    G: Dense 256-512-1024, each with BatchNorm and LeakyReLU(0.2), then a
    Dense+tanh layer reshaped to the image. D: Dense 512-256 with
    LeakyReLU(0.2) and one raw score.

    Args:
        image_shape: `(H, W, C)` with C in {1, 3}.
        latent_dim: latent size (> 0).
        g_units: hidden widths of the generator.
        d_units: hidden widths of the discriminator.
        d_steps: discriminator updates per generator update.
        seed: seed of the training latents.

    Raises:
        ValueError: for an invalid `image_shape`, `latent_dim` or widths.

    Example:

    ```python
    gan = keras_gans.GAN(image_shape=(28, 28, 1), latent_dim=100)
    gan.compile()
    gan.fit(keras_gans.data.load("digits", image_shape=(28, 28, 1)))
    ```
    """

    def __init__(
        self,
        image_shape=(28, 28, 1),
        latent_dim=100,
        g_units=(256, 512, 1024),
        d_units=(512, 256),
        d_steps=1,
        seed=None,
        **kwargs,
    ):
        image_shape = check_image_shape(image_shape)
        latent_dim = check_positive_int("latent_dim", latent_dim)
        g_units = tuple(check_positive_int("g_units", u) for u in g_units)
        d_units = tuple(check_positive_int("d_units", u) for u in d_units)
        kwargs.pop("generator", None)
        kwargs.pop("discriminator", None)
        super().__init__(
            generator=MLPGenerator(
                latent_dim, image_shape, g_units, name="generator"
            ),
            discriminator=MLPDiscriminator(
                image_shape, d_units, name="discriminator"
            ),
            latent_dim=latent_dim,
            d_steps=d_steps,
            seed=seed,
            **kwargs,
        )
        self.g_units = g_units
        self.d_units = d_units

    def get_config(self):
        config = super().get_config()
        del config["generator"], config["discriminator"]
        config.update(
            {
                "image_shape": self.image_shape,
                "g_units": self.g_units,
                "d_units": self.d_units,
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)
