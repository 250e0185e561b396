"""StyleGAN2's path-length regularization of the generator."""

import math

import keras
from keras import ops

from keras_gans.regularizers.penalty import Penalty
from keras_gans.training.differentiation import vjp
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received


def path_lengths(gradients):
    """`||Jᵀy||` per example of latents' gradients `(N, [layers,] dim)`.

    Summed over the last axis and averaged over the per-layer axes, as
    StyleGAN2-ADA's `pl_grads.square().sum(2).mean(1).sqrt()`.
    """
    squares = ops.sum(ops.square(gradients), axis=-1)
    if len(ops.shape(squares)) > 1:
        squares = ops.mean(squares, axis=list(range(1, len(ops.shape(squares)))))
    return ops.sqrt(squares)


@keras.saving.register_keras_serializable(package="keras_gans")
class PathLength(Penalty):
    """`weight * mean((||J_wᵀ y|| - a)²)`: smooth, regular generators.

    `J_w` is the Jacobian of the generated images with respect to the
    latents the generator is differentiated at (`model.path_length_inputs`:
    the intermediate latents `w` of a style-based generator, the latent
    `z` otherwise), `y ~ N(0, I) / sqrt(H·W)` and `a` the running mean of
    the lengths, updated with `decay` (Karras et al. 2020, StyleGAN2-ADA's
    `loss.py`). The penalty is lazy by default (every 4 generator steps,
    its own phase) and runs on `batch_size // batch_shrink` examples.

    Args:
        weight: `pl_weight` (2).
        interval: apply every `interval`-th generator step (4).
        decay: of the running mean `a` (0.01).
        batch_shrink: the penalty's batch is the training batch divided
            by this (2).
        name: the logged key (`"pl"`).
        **kwargs: passed to `keras.layers.Layer`.

    Raises:
        ValueError: for a `decay` outside (0, 1] or a bad `batch_shrink`.

    Example:

    ```python
    gan = keras_gans.DCGAN(
        g_penalties=[keras_gans.regularizers.PathLength(weight=2, interval=4)]
    )
    ```
    """

    player = "generator"

    def __init__(
        self, weight=2.0, interval=4, decay=0.01, batch_shrink=2, name="pl",
        **kwargs,
    ):
        super().__init__(weight, interval=interval, name=name, **kwargs)
        if isinstance(decay, bool) or not (
            isinstance(decay, (int, float)) and 0.0 < decay <= 1.0
        ):
            raise ValueError(
                "`decay` must be a number in (0, 1]. "
                + format_received(decay=decay)
            )
        self.decay = float(decay)
        self.batch_shrink = check_positive_int("batch_shrink", batch_shrink)
        self.pl_mean = self.add_weight(
            shape=(), initializer="zeros", trainable=False, name="pl_mean"
        )

    def compute(self, model, real, fake, labels):
        batch_size = max(ops.shape(real)[0] // self.batch_shrink, 1)
        latents, synthesize = model.path_length_inputs(batch_size, labels)
        image_shape = tuple(model.image_shape)
        noise = keras.random.normal(
            (batch_size,) + image_shape, seed=model.seed_generator
        ) / math.sqrt(image_shape[0] * image_shape[1])
        _, gradients = vjp(synthesize, latents, cotangent=noise)
        lengths = path_lengths(gradients)
        mean = self.pl_mean + self.decay * (ops.mean(lengths) - self.pl_mean)
        self.pl_mean.assign(ops.stop_gradient(mean))
        return ops.mean(ops.square(lengths - mean))

    def get_config(self):
        config = super().get_config()
        config.update({"decay": self.decay, "batch_shrink": self.batch_shrink})
        return config
