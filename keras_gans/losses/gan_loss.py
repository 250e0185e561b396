"""Base class of adversarial objectives."""

import keras


class GANLoss:
    """The discriminator and generator objectives of one adversarial game.

    Both methods take raw discriminator outputs (`(N, ...)`, e.g. logits or
    critic values) and return a scalar averaged over the batch. Subclasses
    are plain serializable objects; register them with
    `keras.saving.register_keras_serializable(package="keras_gans")`.

    Attributes:
        generator_needs_real: whether `generator_loss` uses the scores of
            real images (relativistic losses); the model then scores a real
            batch in the generator phase too.
    """

    generator_needs_real = False
    name = None

    def discriminator_loss(self, real_scores, fake_scores):
        raise NotImplementedError

    def generator_loss(self, fake_scores, real_scores=None):
        raise NotImplementedError

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


keras.saving.register_keras_serializable(package="keras_gans")(GANLoss)
