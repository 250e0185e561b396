"""The hinge GAN loss (Lim & Ye 2017; used by SNGAN, SAGAN, BigGAN)."""

import keras
from keras import ops

from keras_gans.losses.gan_loss import GANLoss


@keras.saving.register_keras_serializable(package="keras_gans")
class HingeLoss(GANLoss):
    """Margin loss on raw D outputs.

    D: `mean(relu(1 - real)) + mean(relu(1 + fake))`: scores beyond the
    margin stop contributing, which keeps D from over-fitting its wins.
    G: `-mean(fake)`.

    Example:

    ```python
    gan.compile(loss="hinge")
    ```
    """

    name = "hinge"

    def discriminator_loss(self, real_scores, fake_scores):
        return ops.mean(ops.relu(1.0 - real_scores)) + ops.mean(
            ops.relu(1.0 + fake_scores)
        )

    def generator_loss(self, fake_scores, real_scores=None):
        return -ops.mean(fake_scores)
