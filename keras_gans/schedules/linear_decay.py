"""`LinearDecay`: constant, then linearly down to zero (CycleGAN, pix2pix)."""

import numbers

import keras
from keras import ops

from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received


@keras.saving.register_keras_serializable(package="keras_gans")
class LinearDecay(keras.optimizers.schedules.LearningRateSchedule):
    """Holds `initial_learning_rate`, then decays it linearly to zero.

    CycleGAN and pix2pix train at a constant rate for the first half of
    training and decay it linearly to zero over the second half. Keras'
    `PolynomialDecay(power=1)` decays from step 0, so it cannot hold. The
    rate at optimizer step `t` is
    `initial_learning_rate * clip((total_steps - t) / (total_steps -
    hold_steps), 0, 1)`: exactly the initial rate up to `hold_steps`, 0 at
    `total_steps` and after.

    The schedule reads the optimizer's `iterations`, which are saved with
    the optimizer, so a resumed run continues at the right rate.

    Args:
        initial_learning_rate: the rate before the decay starts.
        total_steps: optimizer steps of the whole run (epochs times steps
            per epoch); the rate reaches 0 there.
        hold_steps: steps at the initial rate; default `total_steps // 2`.

    Raises:
        ValueError: for a non-positive rate or `total_steps`, or
            `hold_steps` outside `[0, total_steps)`.

    Example:

    ```python
    steps = epochs * steps_per_epoch
    optimizer = keras.optimizers.Adam(
        keras_gans.schedules.LinearDecay(2e-4, steps), beta_1=0.5
    )
    ```
    """

    def __init__(self, initial_learning_rate, total_steps, hold_steps=None):
        if isinstance(initial_learning_rate, bool) or not (
            isinstance(initial_learning_rate, (int, float))
            and initial_learning_rate > 0
        ):
            raise ValueError(
                "`initial_learning_rate` must be a number > 0. "
                + format_received(initial_learning_rate=initial_learning_rate)
            )
        self.initial_learning_rate = float(initial_learning_rate)
        self.total_steps = check_positive_int("total_steps", total_steps)
        if hold_steps is None:
            hold_steps = self.total_steps // 2
        if isinstance(hold_steps, bool) or not (
            isinstance(hold_steps, numbers.Integral)
            and 0 <= hold_steps < self.total_steps
        ):
            raise ValueError(
                f"`hold_steps` must be an int in [0, total_steps="
                f"{self.total_steps}). " + format_received(hold_steps=hold_steps)
            )
        self.hold_steps = int(hold_steps)

    def __call__(self, step):
        step = ops.cast(step, "float32")
        remaining = (self.total_steps - step) / float(
            self.total_steps - self.hold_steps
        )
        return self.initial_learning_rate * ops.clip(remaining, 0.0, 1.0)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "total_steps": self.total_steps,
            "hold_steps": self.hold_steps,
        }
