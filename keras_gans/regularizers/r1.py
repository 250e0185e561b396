"""R1: the squared gradient norm of the discriminator on real images."""

import keras
from keras import ops

from keras_gans.regularizers.penalty import Penalty
from keras_gans.regularizers.penalty import squared_norms
from keras_gans.training.differentiation import vjp
from keras_gans.utils.validation import format_received


def r1_penalty(critic, real):
    """R1 (Mescheder et al. 2018): `mean(||∇critic(x_real)||₂²)`.

    Args:
        critic: `x -> scores`, written with `keras.ops`.
        real: real images `(N, ...)`.

    Returns:
        The unweighted penalty, a scalar (multiply by `γ / 2`).
    """
    _, gradients = vjp(critic, real)
    return ops.mean(squared_norms(gradients))


@keras.saving.register_keras_serializable(package="keras_gans")
class R1(Penalty):
    """`γ/2 * mean(||∇D(x)||²)` on real images (Mescheder et al. 2018).

    Lazy with `interval > 1` (StyleGAN2: every 16 discriminator steps, in
    a phase of its own, weighted by the interval).

    Args:
        gamma: γ (StyleGAN2's default depends on the resolution, e.g. 10).
        interval: apply every `interval`-th discriminator step.
        name: the logged key (`"r1"`).
        **kwargs: passed to `keras.layers.Layer`.

    Example:

    ```python
    gan = keras_gans.DCGAN(
        d_penalties=[keras_gans.regularizers.R1(gamma=10, interval=16)]
    )
    ```
    """

    def __init__(self, gamma=10.0, interval=1, name="r1", **kwargs):
        kwargs.pop("weight", None)
        if isinstance(gamma, bool) or not (
            isinstance(gamma, (int, float)) and gamma > 0
        ):
            raise ValueError(
                "`gamma` of R1 must be a positive number. "
                + format_received(gamma=gamma)
            )
        super().__init__(0.5 * gamma, interval=interval, name=name, **kwargs)
        self.gamma = float(gamma)

    def compute(self, model, real, fake, labels):
        return r1_penalty(lambda x: model.critic_scores(x, labels), real)

    def get_config(self):
        config = super().get_config()
        del config["weight"]
        config["gamma"] = self.gamma
        return config
