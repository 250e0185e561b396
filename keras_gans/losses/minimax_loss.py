"""The original minimax GAN loss (Goodfellow et al. 2014, eq. 1)."""

import keras
from keras import ops

from keras_gans.losses.non_saturating_loss import NonSaturatingLoss


@keras.saving.register_keras_serializable(package="keras_gans")
class MinimaxLoss(NonSaturatingLoss):
    """Same D objective as non-saturating; G minimises log(1 - D(G(z))).

    Saturates early in training (vanishing generator gradients); provided
    for completeness and comparison.
    """

    name = "minimax"

    def generator_loss(self, fake_scores, real_scores=None):
        # log(1 - sigmoid(x)) = -softplus(x)
        return -ops.mean(ops.softplus(fake_scores))
