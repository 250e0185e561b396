"""WGAN-GP's gradient penalty on real/fake interpolates."""

import keras
from keras import ops

from keras_gans.regularizers.penalty import Penalty
from keras_gans.regularizers.penalty import squared_norms
from keras_gans.training.differentiation import vjp


def gradient_penalty(
    critic, real, fake, seed_generator, target=1.0, per_pixel=False
):
    """`mean((||∇critic(x̂)||₂ - target)²)` on random interpolates.

    `x̂ = real + α (fake - real)` with one `α ~ U(0, 1)` per example
    (Gulrajani et al. 2017, algorithm 1).

    Args:
        critic: `x -> scores`, written with `keras.ops` (e.g. a network in
            training mode).
        real: real images `(N, ...)`.
        fake: generated images of the same shape (gradients stopped).
        seed_generator: `keras.random.SeedGenerator` for `α`.
        target: the gradient norm the penalty pulls towards.
        per_pixel: take the norm over the channels of each pixel and
            average the penalty over pixels, as SinGAN's official code
            (`gradients.norm(2, dim=1)` on NCHW), instead of over whole
            images. A fully convolutional critic's summed score map has a
            whole-image gradient norm growing with the image; pulling
            that to 1 starves the critic.

    Returns:
        The unweighted penalty, a scalar.
    """
    alpha_shape = (ops.shape(real)[0],) + (1,) * (len(ops.shape(real)) - 1)
    alpha = keras.random.uniform(alpha_shape, seed=seed_generator)
    alpha = ops.cast(alpha, real.dtype)
    interpolates = real + alpha * (fake - real)
    _, gradients = vjp(critic, interpolates)
    if per_pixel:
        squared = ops.sum(ops.square(gradients), axis=-1)
    else:
        squared = squared_norms(gradients)
    # The epsilon keeps the square root differentiable at a zero gradient.
    norms = ops.sqrt(squared + 1e-12)
    return ops.mean(ops.square(norms - target))


@keras.saving.register_keras_serializable(package="keras_gans")
class GradientPenalty(Penalty):
    """WGAN-GP: `weight * mean((||∇D(x̂)||₂ - 1)²)` on the critic.

    Args:
        weight: λ (10 in the paper).
        interval: apply every `interval`-th critic step (1).
        name: the logged key (`"gp"`).
        **kwargs: passed to `keras.layers.Layer`.

    Example:

    ```python
    gan = keras_gans.DCGAN(
        d_batchnorm=False, d_penalties=[keras_gans.regularizers.GradientPenalty(10)]
    )
    ```
    """

    needs_fakes = True

    def __init__(self, weight=10.0, interval=1, name="gp", **kwargs):
        super().__init__(weight, interval=interval, name=name, **kwargs)

    def compute(self, model, real, fake, labels):
        return gradient_penalty(
            lambda x: model.critic_scores(x, labels),
            real,
            fake,
            model.seed_generator,
        )
