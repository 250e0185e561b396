"""`NaNGuard`: stop training when a logged loss stops being finite."""

import math

import keras

from keras_gans.utils.validation import format_received


class NaNGuard(keras.callbacks.Callback):
    """Stops `fit()` at the first step whose logged values are NaN or inf.

    Keras' `TerminateOnNaN` watches only `logs["loss"]`, which a GAN does
    not log; this callback watches every logged value (`d_loss`, `g_loss`,
    `d_real`, `d_fake`, penalties, ...). The logs of a step are running
    means over the epoch, so the first step they turn non-finite is the
    step that diverged. It then sets `model.stop_training`, prints a
    message naming the diverged value (losses first) and the step, and
    records it in `diverged`. Used together with `TrainingCheckpoint`
    (which never saves a non-finite model), the newest checkpoint stays
    the last good one.

    Args:
        monitor: names of the logged values to watch; `None` (default)
            watches all of them.

    Attributes:
        diverged: `None` while training is healthy; afterwards a dict with
            `key` (the diverged value, a loss if any), `value`, `keys`
            (every non-finite value), `epoch` and `batch` (1-based) and
            `step` (training steps done, counting those before a resume).
        message: the printed message, or `None`.

    Raises:
        ValueError: if `monitor` is not `None` or a non-empty sequence of
            names.

    Example:

    ```python
    guard = keras_gans.callbacks.NaNGuard()
    gan.fit(ds, epochs=20, callbacks=[guard, checkpoint])
    if guard.diverged:
        print(guard.message)
    ```
    """

    def __init__(self, monitor=None):
        super().__init__()
        self.monitor = _check_monitor(monitor)
        self.diverged = None
        self.message = None
        self._first_step = 0
        self._steps_before_epoch = 0
        self._batches_this_epoch = 0
        self._epoch = 0

    def on_train_begin(self, logs=None):
        self.diverged = None
        self.message = None
        # Read once, before the first step: during a JAX fit the variables
        # are only synchronised at epoch ends.
        self._first_step = _steps_done(self.model)
        self._steps_before_epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch
        self._batches_this_epoch = 0

    def on_train_batch_end(self, batch, logs=None):
        self._batches_this_epoch = batch + 1
        if self.diverged is not None:
            return
        bad = self._non_finite(logs or {})
        if not bad:
            return
        key = next((k for k, _ in bad if k.endswith("loss")), bad[0][0])
        value = dict(bad)[key]
        step = self._first_step + self._steps_before_epoch + batch + 1
        self.diverged = {
            "key": key,
            "value": value,
            "keys": [k for k, _ in bad],
            "epoch": self._epoch + 1,
            "batch": batch + 1,
            "step": step,
        }
        others = [k for k, _ in bad if k != key]
        also = f" (also non-finite: {', '.join(others)})" if others else ""
        self.message = (
            f"NaNGuard: training diverged: `{key}` is {value} at step "
            f"{step} (epoch {self._epoch + 1}, batch {batch + 1}){also}. "
            "Training stopped; the last checkpoint saved before this step "
            "is the last good one. Lower the learning rates, or add "
            "gradient penalties or spectral normalization."
        )
        print(self.message)
        self.model.stop_training = True

    def on_epoch_end(self, epoch, logs=None):
        self._steps_before_epoch += self._batches_this_epoch

    def _non_finite(self, logs):
        keys = self.monitor if self.monitor is not None else tuple(logs)
        bad = []
        for key in keys:
            if key not in logs:
                continue
            try:
                value = float(logs[key])
            except (TypeError, ValueError):
                continue
            if not math.isfinite(value):
                bad.append((key, value))
        return bad


def _check_monitor(monitor):
    if monitor is None:
        return None
    names = (monitor,) if isinstance(monitor, str) else monitor
    try:
        names = tuple(names)
    except TypeError:
        names = ()
    if not names or not all(isinstance(k, str) and k for k in names):
        raise ValueError(
            "`monitor` must be None or a non-empty list of logged names "
            "such as ['d_loss', 'g_loss']. " + format_received(monitor=monitor)
        )
    return names


def _steps_done(model):
    """Training steps `model` has done (its generator's update count)."""
    for name in ("g_optimizer", "optimizer"):
        try:
            optimizer = getattr(model, name)
        except AttributeError:
            continue
        if optimizer is not None:
            return int(keras.ops.convert_to_numpy(optimizer.iterations))
    return 0
