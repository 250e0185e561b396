"""WGAN-GP: a Wasserstein critic with a gradient penalty."""

import keras

from keras_gans.models.dcgan.dcgan import DCGAN
from keras_gans.utils.validation import format_received


@keras.saving.register_keras_serializable(package="keras_gans")
class WGANGP(DCGAN):
    """Wasserstein GAN with gradient penalty (Gulrajani et al. 2017).

    The DCGAN networks with a critic without BatchNorm (the penalty is per
    example, which batch statistics would break), the `"wasserstein"`
    loss plus `gp_weight * mean((||∇D(x̂)|| - 1)^2)` on random real/fake
    interpolates, `d_steps` (n_critic) critic updates per generator update
    and Adam(1e-4, beta_1=0, beta_2=0.9) for both networks (the paper's
    defaults). The critic's real batch is the same for its `d_steps`
    updates of one `train_step`; each update draws fresh fakes.

    Args:
        image_shape: `(H, W, C)` of the images.
        latent_dim: latent size.
        gp_weight: penalty weight λ (10 in the paper).
        d_steps: critic updates per generator update (5).
        d_batchnorm: must stay False.
        **kwargs: further `DCGAN` arguments (architecture, `ema_decay`,
            `augment`, `seed`, ...).

    Raises:
        ValueError: if `d_batchnorm=True` or `gp_weight` is not positive.

    Example:

    ```python
    gan = keras_gans.WGANGP(image_shape=(28, 28, 1))
    gan.compile()  # Adam(1e-4, 0, 0.9) for both, Wasserstein loss + GP
    gan.fit(dataset, epochs=20)
    ```
    """

    default_loss = "wasserstein"

    def __init__(
        self,
        image_shape=(28, 28, 1),
        latent_dim=100,
        gp_weight=10.0,
        d_steps=5,
        d_batchnorm=False,
        **kwargs,
    ):
        if d_batchnorm:
            raise ValueError(
                "WGAN-GP's critic must not use BatchNorm: the gradient "
                "penalty is per example. "
                + format_received(d_batchnorm=d_batchnorm)
            )
        if not gp_weight or gp_weight < 0:
            raise ValueError(
                "`gp_weight` must be positive for WGAN-GP (use WGAN or DCGAN "
                "for no penalty). " + format_received(gp_weight=gp_weight)
            )
        super().__init__(
            image_shape=image_shape,
            latent_dim=latent_dim,
            gp_weight=gp_weight,
            d_steps=d_steps,
            d_batchnorm=False,
            **kwargs,
        )

    def default_optimizers(self):
        return {
            "discriminator": keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9),
            "generator": keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9),
        }
