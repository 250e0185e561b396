"""WGAN: a weight-clipped critic trained on the Wasserstein loss."""

import keras

from keras_gans.models.dcgan.dcgan import DCGAN


@keras.saving.register_keras_serializable(package="keras_gans")
class WGAN(DCGAN):
    """Wasserstein GAN (Arjovsky, Chintala and Bottou 2017).

    The DCGAN networks with the discriminator as a critic (unbounded score,
    `"wasserstein"` loss), every critic weight clipped to
    `[-clip_value, clip_value]` after each update to keep it roughly
    Lipschitz, `d_steps` (n_critic) critic updates per generator update,
    and RMSprop(5e-5) for both networks, as in the paper's algorithm 1.
    The critic's real batch is the same for its `d_steps` updates of one
    `train_step` (each update draws fresh fakes).

    Args:
        image_shape: `(H, W, C)` of the images.
        latent_dim: latent size.
        clip_value: weight-clipping bound c (0.01 in the paper).
        d_steps: critic updates per generator update (5).
        **kwargs: further `DCGAN` arguments (architecture, `ema_decay`,
            `augment`, `seed`, ...).

    Example:

    ```python
    gan = keras_gans.WGAN(image_shape=(28, 28, 1))
    gan.compile()  # RMSprop(5e-5) for both, Wasserstein loss
    gan.fit(dataset, epochs=20)
    ```
    """

    default_loss = "wasserstein"

    def __init__(
        self,
        image_shape=(28, 28, 1),
        latent_dim=100,
        clip_value=0.01,
        d_steps=5,
        **kwargs,
    ):
        super().__init__(
            image_shape=image_shape,
            latent_dim=latent_dim,
            clip_value=clip_value,
            d_steps=d_steps,
            **kwargs,
        )

    def default_optimizers(self):
        return {
            "discriminator": keras.optimizers.RMSprop(learning_rate=5e-5),
            "generator": keras.optimizers.RMSprop(learning_rate=5e-5),
        }
