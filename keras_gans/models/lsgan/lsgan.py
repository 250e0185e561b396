"""LSGAN: least-squares adversarial loss on the DCGAN networks."""

import keras

from keras_gans.models.dcgan.dcgan import DCGAN


@keras.saving.register_keras_serializable(package="keras_gans")
class LSGAN(DCGAN):
    """Least Squares GAN (Mao et al. 2017).

    The DCGAN networks trained with the `"least_squares"` loss (0-1
    coding: D regresses reals to 1 and fakes to 0, G pushes its samples'
    scores to 1). Penalising samples by their distance to the decision
    boundary gives the generator gradients even for samples D classifies
    confidently, which the sigmoid cross-entropy saturates. Optimizers are
    the DCGAN default, Adam(2e-4, beta_1=0.5).

    Args:
        image_shape: `(H, W, C)` of the images.
        latent_dim: latent size.
        **kwargs: further `DCGAN` arguments.

    Example:

    ```python
    gan = keras_gans.LSGAN(image_shape=(28, 28, 1))
    gan.compile()  # least-squares loss; pass loss=LeastSquaresLoss(-1, 1, 0)
    gan.fit(dataset, epochs=20)
    ```
    """

    default_loss = "least_squares"

    def __init__(self, image_shape=(28, 28, 1), latent_dim=100, **kwargs):
        super().__init__(image_shape=image_shape, latent_dim=latent_dim, **kwargs)
