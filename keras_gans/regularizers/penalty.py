"""The base of the regularization terms a model adds to a player's loss."""

import keras

from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received

PLAYERS = ("discriminator", "generator")


def squared_norms(gradients):
    """`||g_i||²` of each example of a batch of gradients `(N, ...)`."""
    axes = list(range(1, len(keras.ops.shape(gradients))))
    return keras.ops.sum(keras.ops.square(gradients), axis=axes)


class Penalty(keras.layers.Layer):
    """A weighted regularization term of one player's loss.

    A penalty is an object in the model's `d_penalties` or `g_penalties`
    list, not a constructor flag: the model adds `weight * value` to the
    player's loss and logs the unweighted value under the penalty's `name`.
    With `interval > 1` it is lazy (StyleGAN2): it gets a `Phase` of its
    own, run every `interval`-th step with the player's optimizer, and its
    weight is multiplied by `interval` so its average weight is unchanged.
    It is a layer so that its state (path length's running mean) is saved
    with the model and travels in JAX's training state.

    Subclasses set `player` and `needs_fakes` and implement `compute()`.

    Args:
        weight: the multiplier of the unweighted value, > 0.
        interval: apply it every `interval`-th step (1: every step).
        name: the logged key.
        **kwargs: passed to `keras.layers.Layer`.

    Raises:
        ValueError: for a non-positive weight or interval.
    """

    player = "discriminator"
    # Whether `compute()` reads generated images (a lazy phase must then
    # generate them itself).
    needs_fakes = False

    def __init__(self, weight, interval=1, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        if isinstance(weight, bool) or not (
            isinstance(weight, (int, float)) and weight > 0
        ):
            raise ValueError(
                f"`weight` of {type(self).__name__} must be a positive "
                "number. " + format_received(weight=weight)
            )
        self.weight = float(weight)
        self.interval = check_positive_int("interval", interval)
        self.built = True

    @property
    def lazy(self):
        """Whether the penalty runs in a phase of its own."""
        return self.interval > 1

    def compute(self, model, real, fake, labels):
        """The unweighted penalty, a scalar (see the subclasses)."""
        raise NotImplementedError

    def loss(self, model, real, fake, labels, tracker=None):
        """`weight * interval * value`, logging `value` in `tracker`."""
        value = self.compute(model, real, fake, labels)
        if tracker is not None:
            tracker.update_state(value)
        return self.weight * self.interval * value

    def get_config(self):
        config = super().get_config()
        config.update({"weight": self.weight, "interval": self.interval})
        for key in ("trainable", "dtype"):
            config.pop(key, None)
        return config
