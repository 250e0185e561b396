"""The Wasserstein critic loss (Arjovsky et al. 2017)."""

import keras
from keras import ops

from keras_gans.losses.gan_loss import GANLoss


@keras.saving.register_keras_serializable(package="keras_gans")
class WassersteinLoss(GANLoss):
    """Earth-mover objective of a 1-Lipschitz critic.

    D (critic): `mean(fake) - mean(real)`, i.e. minus the critic's estimate
    of the Wasserstein-1 distance. G: `-mean(fake)`. Scores are unbounded
    critic values, not logits. The critic must be kept (near) 1-Lipschitz
    by weight clipping (`WGAN`), a gradient penalty (`WGANGP`) or spectral
    normalization; without one the loss diverges.

    Example:

    ```python
    gan.compile(loss="wasserstein")
    ```
    """

    name = "wasserstein"

    def discriminator_loss(self, real_scores, fake_scores):
        return ops.mean(fake_scores) - ops.mean(real_scores)

    def generator_loss(self, fake_scores, real_scores=None):
        return -ops.mean(fake_scores)
