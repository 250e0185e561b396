"""`PeriodicCallback`: work done every k epochs and after the last one."""

import keras

from keras_gans.utils.validation import check_positive_int


class PeriodicCallback(keras.callbacks.Callback):
    """Calls `on_period(epoch, logs)` every `every` epochs and at the end.

    The last epoch always gets its call, even off the `every` beat, so a
    run's final state is always written or scored; it then receives
    `logs=None` (the epoch's logs are already reported).

    Args:
        every: period in epochs.

    Raises:
        ValueError: for a non-positive `every`.
    """

    def __init__(self, every=1):
        super().__init__()
        self.every = check_positive_int("every", every)
        self._last_seen = None
        self._last_done = None

    def on_period(self, epoch, logs):
        """The periodic work; `epoch` is 0-based."""
        raise NotImplementedError

    def on_epoch_end(self, epoch, logs=None):
        self._last_seen = epoch
        if (epoch + 1) % self.every == 0:
            self.on_period(epoch, logs)
            self._last_done = epoch

    def on_train_end(self, logs=None):
        if self._last_seen is not None and self._last_seen != self._last_done:
            self.on_period(self._last_seen, None)
            self._last_done = self._last_seen
