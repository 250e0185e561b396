"""The non-saturating GAN loss (Goodfellow et al. 2014, section 3)."""

import keras
from keras import ops

from keras_gans.losses.gan_loss import GANLoss
from keras_gans.utils.validation import format_received


@keras.saving.register_keras_serializable(package="keras_gans")
class NonSaturatingLoss(GANLoss):
    """BCE on logits; the generator maximises log D(G(z)).

    D: `-log sigmoid(real) - log(1 - sigmoid(fake))`, with the real target
    optionally smoothed to `1 - label_smoothing` (one-sided smoothing).
    G: `-log sigmoid(fake)`, which keeps gradients alive when D wins.

    Args:
        label_smoothing: one-sided smoothing of the real target, in [0, 1).

    Example:

    ```python
    gan.compile(loss=keras_gans.losses.NonSaturatingLoss(label_smoothing=0.1))
    ```
    """

    name = "non_saturating"

    def __init__(self, label_smoothing=0.0):
        if not 0.0 <= float(label_smoothing) < 1.0:
            raise ValueError(
                "`label_smoothing` must be in [0, 1). "
                + format_received(label_smoothing=label_smoothing)
            )
        self.label_smoothing = float(label_smoothing)

    def discriminator_loss(self, real_scores, fake_scores):
        target = 1.0 - self.label_smoothing
        # BCE(x, t) on logits = softplus(x) - t * x, written stably.
        real = ops.softplus(real_scores) - target * real_scores
        fake = ops.softplus(fake_scores)
        return ops.mean(real) + ops.mean(fake)

    def generator_loss(self, fake_scores, real_scores=None):
        return ops.mean(ops.softplus(-fake_scores))

    def get_config(self):
        return {"label_smoothing": self.label_smoothing}
