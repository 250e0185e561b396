"""The least-squares GAN loss (Mao et al. 2017)."""

import keras
from keras import ops

from keras_gans.losses.gan_loss import GANLoss


@keras.saving.register_keras_serializable(package="keras_gans")
class LeastSquaresLoss(GANLoss):
    """LSGAN: squared distance of raw D outputs to target codes.

    With the paper's a-b-c coding (eq. 2, a = fake code, b = real code,
    c = the value G wants D to believe):
    D: `0.5 * mean((real - b)^2) + 0.5 * mean((fake - a)^2)`,
    G: `0.5 * mean((fake - c)^2)`. The defaults a=0, b=c=1 are the paper's
    0-1 coding; a=-1, b=1, c=0 is its Pearson chi-squared setting.

    Args:
        fake_target: a, the D target for generated images.
        real_target: b, the D target for real images.
        generator_target: c, the score G pushes its images towards.

    Example:

    ```python
    gan.compile(loss="least_squares")
    ```
    """

    name = "least_squares"

    def __init__(self, fake_target=0.0, real_target=1.0, generator_target=1.0):
        self.fake_target = float(fake_target)
        self.real_target = float(real_target)
        self.generator_target = float(generator_target)

    def discriminator_loss(self, real_scores, fake_scores):
        real = ops.square(real_scores - self.real_target)
        fake = ops.square(fake_scores - self.fake_target)
        return 0.5 * (ops.mean(real) + ops.mean(fake))

    def generator_loss(self, fake_scores, real_scores=None):
        return 0.5 * ops.mean(ops.square(fake_scores - self.generator_target))

    def get_config(self):
        return {
            "fake_target": self.fake_target,
            "real_target": self.real_target,
            "generator_target": self.generator_target,
        }
