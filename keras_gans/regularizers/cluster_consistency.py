"""Cluster consistency: the code head reads a shifted real image alike."""

import keras
from keras import ops

from keras_gans.layers.diff_augment import shift_images
from keras_gans.regularizers.penalty import Penalty
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received


def consistency_divergence(logits, shifted_logits):
    """`KL(p || q)` per batch, `p` the (fixed) categories of the images and
    `q` those of their shifted copies: 0 when the head reads both alike.

    Args:
        logits: `(N, K)` code logits of the images.
        shifted_logits: `(N, K)` code logits of the shifted images.

    Returns:
        A non-negative scalar, the batch mean.
    """
    log_p = ops.stop_gradient(ops.log_softmax(logits, axis=-1))
    log_q = ops.log_softmax(shifted_logits, axis=-1)
    return ops.mean(ops.sum(ops.exp(log_p) * (log_p - log_q), axis=-1))


@keras.saving.register_keras_serializable(package="keras_gans")
class ClusterConsistency(Penalty):
    """Makes D's code head give a real image and a shifted copy one category.

    The mutual-information clustering of `DCGAN(cluster_weight=...)` alone
    finds balanced, confident categories, but not necessarily the digits:
    a category may split one digit by its slant and another may hold both
    4s and 9s. IMSAT (Hu et al. 2017) pairs it with invariance to small
    perturbations; IIC (Ji et al. 2019) with invariance to augmentations.
    This is the latter's form: `KL(p(x) || p(shift(x)))`, the categories of
    each real image (held fixed) against those of a copy shifted by up to
    `max_shift` pixels each way, filled with the background value -1.

    Needs a model whose discriminator has a code head (a DCGAN with
    `latent_classes`); costs two extra discriminator passes on the real
    batch per step.

    Args:
        weight: the multiplier of the divergence.
        max_shift: the largest shift, in pixels, along each axis.
        seed: seed of the shifts' `SeedGenerator`.
        name: the logged key (`"consistency"`).
        **kwargs: passed to `keras.layers.Layer`.
    """

    def __init__(
        self, weight=1.0, max_shift=2, seed=None, name="consistency", **kwargs
    ):
        super().__init__(weight, name=name, **kwargs)
        self.max_shift = check_positive_int("max_shift", max_shift)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def compute(self, model, real, fake, labels):
        _, logits = model.discriminate(real, labels)
        if logits is None:
            raise ValueError(
                "ClusterConsistency needs a discriminator with a code head "
                "(a DCGAN with `latent_classes`). "
                + format_received(model=type(model).__name__)
            )
        shifted = shift_images(
            real, self.max_shift, self.seed_generator, fill=-1.0
        )
        _, shifted_logits = model.discriminate(shifted, labels)
        return consistency_divergence(logits, shifted_logits)

    def get_config(self):
        config = super().get_config()
        config.update({"max_shift": self.max_shift, "seed": self.seed})
        return config
