"""An exponential moving average of a generator's weights."""

import keras
from keras import ops

from keras_gans.utils.validation import format_received


def _check_optional_positive(name, value):
    if value is None:
        return None
    if isinstance(value, bool) or not (
        isinstance(value, (int, float)) and value > 0
    ):
        raise ValueError(
            f"`{name}` must be None or a positive number. "
            + format_received(**{name: value})
        )
    return float(value)


@keras.saving.register_keras_serializable(package="keras_gans")
class EMA:
    """Keeps an exponential moving average of a network's weights.

    After every training step each trainable weight of the average becomes
    `beta * average + (1 - beta) * current`; non-trainable state
    (BatchNorm statistics) is copied. Sampling from the average smooths
    the oscillations of adversarial training (Karras et al. 2018; Yazıcı et
    al. 2019). `beta` is either fixed (`decay`) or, as in StyleGAN2-ADA,
    set by a half-life in images, `beta = 0.5 ** (batch / half_life)`,
    optionally ramped up: the half-life is at most `rampup` times the
    images seen so far, so early averages forget the random start quickly.

    Args:
        decay: a fixed `beta` in (0, 1), e.g. 0.999. The default when
            `half_life_kimg` is not given.
        half_life_kimg: half-life of the average in thousands of images
            (StyleGAN2-ADA's `ema_kimg`: 10 for batch 32).
        rampup: StyleGAN2-ADA's `ema_rampup` (0.05), with `half_life_kimg`
            only; `None` for no ramp-up.

    Raises:
        ValueError: for a `decay` outside (0, 1), both `decay` and
            `half_life_kimg`, a non-positive half-life or ramp-up, or a
            ramp-up without half-life.

    Example:

    ```python
    gan = keras_gans.DCGAN(ema=keras_gans.EMA(decay=0.999))
    style = keras_gans.EMA(half_life_kimg=10, rampup=0.05)
    ```
    """

    def __init__(self, decay=None, half_life_kimg=None, rampup=None):
        if decay is not None and half_life_kimg is not None:
            raise ValueError(
                "Give `decay` or `half_life_kimg`, not both. "
                + format_received(decay=decay, half_life_kimg=half_life_kimg)
            )
        if decay is not None and (
            isinstance(decay, bool)
            or not isinstance(decay, (int, float))
            or not 0.0 < decay < 1.0
        ):
            raise ValueError(
                "`decay` must be a float in (0, 1), e.g. 0.999. "
                + format_received(decay=decay)
            )
        self.half_life_kimg = _check_optional_positive(
            "half_life_kimg", half_life_kimg
        )
        self.rampup = _check_optional_positive("rampup", rampup)
        if self.rampup is not None and self.half_life_kimg is None:
            raise ValueError(
                "`rampup` shortens a half-life: give `half_life_kimg` too. "
                + format_received(rampup=rampup)
            )
        if decay is None and half_life_kimg is None:
            decay = 0.999
        self.decay = None if decay is None else float(decay)

    def beta(self, images_seen, batch_size):
        """The averaging weight of the step after `images_seen` images."""
        if self.decay is not None:
            return self.decay
        half_life = ops.convert_to_tensor(self.half_life_kimg * 1000.0)
        if self.rampup is not None:
            half_life = ops.minimum(
                half_life, ops.cast(images_seen, "float32") * self.rampup
            )
        return ops.power(
            0.5, ops.cast(batch_size, "float32") / ops.maximum(half_life, 1e-8)
        )

    def update(self, average, network, images_seen, batch_size):
        """Moves `average`'s weights towards `network`'s (Keras variables)."""
        beta = self.beta(images_seen, batch_size)
        for mean, current in zip(average.weights, network.weights):
            if current.trainable:
                mean.assign(beta * mean + (1.0 - beta) * current)
            else:
                mean.assign(current)

    def get_config(self):
        return {
            "decay": self.decay,
            "half_life_kimg": self.half_life_kimg,
            "rampup": self.rampup,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)
