"""`FitGuard`: whatever raises inside `fit()`, the model stays whole."""

import signal
import sys
import threading

import keras


class FitGuard(keras.callbacks.Callback):
    """Keeps a keras-gans model usable and saveable when `fit()` raises.

    Every keras-gans model's `fit()` runs inside one (`TwoPlayerModel.fit`
    adds it, last, to the callbacks). It does three things, none on the
    hot path (no per-step copies, one flag test per batch):

    - **JAX**: Keras' JAX trainer moves the variables' values into its
      training state before the first step of `fit()` and writes the
      latest state back when `fit()` ends, also after an exception, but
      only once a step has completed: an error while the first batch is
      fetched or traced used to leave every variable empty (issue 24).
      At the start of training this hands the trainer the pre-`fit`
      values as its latest state (references to immutable arrays, the
      ones the first step takes anyway), so they are written back instead.
      The driver does this (`keep_state_on_fault`).
    - **TensorFlow and torch** update the variables in place, so a step
      that fails part-way keeps what it assigned before the error
      (BatchNorm statistics, the RNG state, an earlier phase's update).
      The guard keeps one host copy of the state per `fit()` call and
      restores it when no step completed (the model's step counter, the
      step's last assignment, has not moved): the first step, the one a
      bug in new code fails, is all or nothing.
    - **Ctrl-C** (SIGINT, in the main thread, while Python's default
      handler is installed): the first one is delivered as
      `KeyboardInterrupt` at the next step boundary (before the next
      batch, at an epoch's end, or when `fit()` returns), so an interrupt
      never lands between two variable updates of an eager step. A
      second Ctrl-C raises at once.

    The model then holds the values of the last completed step (or its
    pre-`fit` values), with each optimizer's `iterations` matching its
    weights, and the original error is re-raised unchanged.

    Limits: an error raised *by a step's own computation* in a later
    step of a `fit()` call (a custom loss that raises on its 100th call)
    keeps the assignments that step made before the error on TensorFlow
    and torch (without a per-step copy nothing can undo them): a JAX step
    is a function of the state and keeps nothing of a failed step. The
    weights are then those of the last completed step plus any phase of
    the failed step that was applied, with that phase's optimizer
    `iterations` counting it.

    Args:
        model: the keras-gans model being fitted.
    """

    # The flag test at a batch's start does not read the logs: leave
    # Keras' asynchronous dispatch of the batch-end callbacks on.
    async_safe = True

    def __init__(self, model):
        super().__init__()
        self._guarded = model
        self._interrupted = False
        self._previous_handler = None
        self._restore = None
        self._steps_at_start = None

    def __enter__(self):
        self._install_interrupt_handler()
        return self

    def __exit__(self, exc_type, exc, traceback):
        self._restore_interrupt_handler()
        if exc_type is not None and self._restore is not None:
            if self._steps_done() == self._steps_at_start:
                self._restore()
        if exc_type is None and self._interrupted:
            # Ctrl-C during the last step: fit() finished it, but the
            # caller asked to stop, so say so.
            raise KeyboardInterrupt
        return False

    def with_callbacks(self, callbacks):
        """`callbacks` (a list, a `CallbackList` or `None`) plus this one."""
        if isinstance(callbacks, keras.callbacks.CallbackList):
            callbacks.append(self)
            return callbacks
        return [*(callbacks or []), self]

    # ------------------------------------------------------------- callback

    def on_train_begin(self, logs=None):
        # Here, not before `fit()`: Keras has built the optimizer and
        # metric variables by now, so the state lists are complete.
        model = self._guarded
        self._restore = model._driver.keep_state_on_fault(model)
        self._steps_at_start = self._steps_done()

    def on_train_batch_begin(self, batch, logs=None):
        self._raise_if_interrupted()

    def on_epoch_begin(self, epoch, logs=None):
        self._raise_if_interrupted()

    def on_epoch_end(self, epoch, logs=None):
        self._raise_if_interrupted()

    def _steps_done(self):
        return int(keras.ops.convert_to_numpy(self._guarded.step_counter))

    # ------------------------------------------------------------ interrupt

    def _raise_if_interrupted(self):
        if self._interrupted:
            raise KeyboardInterrupt

    def _on_interrupt(self, signum, frame):
        if self._interrupted:
            raise KeyboardInterrupt
        self._interrupted = True
        print(
            "keras-gans: interrupted; stopping after the current step "
            "(press Ctrl-C again to stop at once).",
            file=sys.stderr,
        )

    def _install_interrupt_handler(self):
        # Signal handlers can only be set from the main thread; a handler
        # the user installed is theirs to keep.
        if threading.current_thread() is not threading.main_thread():
            return
        if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
            return
        self._previous_handler = signal.signal(
            signal.SIGINT, self._on_interrupt
        )

    def _restore_interrupt_handler(self):
        if self._previous_handler is not None:
            signal.signal(signal.SIGINT, self._previous_handler)
            self._previous_handler = None
