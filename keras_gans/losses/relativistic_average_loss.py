"""The relativistic average GAN loss (Jolicoeur-Martineau 2019, RaSGAN)."""

import keras
from keras import ops

from keras_gans.losses.non_saturating_loss import NonSaturatingLoss


@keras.saving.register_keras_serializable(package="keras_gans")
class RelativisticAverageLoss(NonSaturatingLoss):
    """D estimates whether real data is more realistic than fake on average.

    With `Dr = real - mean(fake)` and `Df = fake - mean(real)` (logits):
    D: `BCE(Dr, 1 - label_smoothing) + BCE(Df, 0)`;
    G: `BCE(Df, 1) + BCE(Dr, 0)`: the generator's loss depends on the real
    scores too, so the model scores a real batch in the generator phase
    (`generator_needs_real`).

    Args:
        label_smoothing: one-sided smoothing of D's real target, in [0, 1).

    Example:

    ```python
    gan.compile(loss="relativistic_average")
    ```
    """

    name = "relativistic_average"
    generator_needs_real = True

    def discriminator_loss(self, real_scores, fake_scores):
        relative_real = ops.subtract(real_scores, ops.mean(fake_scores))
        relative_fake = ops.subtract(fake_scores, ops.mean(real_scores))
        return super().discriminator_loss(relative_real, relative_fake)

    def generator_loss(self, fake_scores, real_scores=None):
        if real_scores is None:
            raise ValueError(
                "The relativistic average generator loss compares fakes with "
                "reals: pass `real_scores`. Received: real_scores=None"
            )
        relative_real = ops.subtract(real_scores, ops.mean(fake_scores))
        relative_fake = ops.subtract(fake_scores, ops.mean(real_scores))
        # BCE(Df, 1) + BCE(Dr, 0) on logits.
        return ops.mean(ops.softplus(-relative_fake)) + ops.mean(
            ops.softplus(relative_real)
        )
