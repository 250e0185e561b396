"""Fault injection: whatever raises inside `fit()`, the model stays whole.

The matrix of issue 24: each fault site, on the first batch of a `fit()`
call and on a later one, for a latent GAN (DCGAN) and a translator
(Pix2Pix). After each fault the model's weights must be readable and
equal to those of the last completed step (recorded as `fit()` ran, or
the values before it), the optimizers' step counts must match, `fit()`
must continue, and `save` + `load_model` must round-trip.

One model per kind serves the whole matrix: each case compares against
the state it started from, and a fault that broke the model would fail
the cases after it too.
"""

import os
import signal

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans
from keras_gans.losses import NonSaturatingLoss
from tests.helpers import random_images
from tests.helpers import tiny_dcgan
from tests.helpers import tiny_translator
from tests.helpers import to_numpy
from tests.helpers import translation_pairs

BATCH = 4
BATCHES = 3
INJECTED = "injected fault"


def _state(model):
    """Every weight and optimizer variable of `model`, as NumPy arrays."""
    return [to_numpy(v) for v in [*model.weights, *model.optimizer.variables]]


def _assert_state(model, expected, what, only_updates=False):
    """`model`'s state equals `expected`; with `only_updates`, only its
    trainable weights and optimizer variables are compared."""
    actual = _state(model)
    assert len(actual) == len(expected)
    compared = [w.trainable for w in model.weights] + [True] * len(
        model.optimizer.variables
    )
    for got, want, check in zip(actual, expected, compared):
        if only_updates and not check:
            continue
        np.testing.assert_allclose(
            got, want, rtol=1e-5, atol=1e-6, equal_nan=True, err_msg=what
        )


def _set_state(model, values):
    for variable, value in zip(
        [*model.weights, *model.optimizer.variables], values
    ):
        variable.assign(value)


def _steps(model):
    return int(to_numpy(model.optimizer.iterations))


class _Recorder(keras.callbacks.Callback):
    """The model's state after each completed step of one `fit()` call."""

    def __init__(self):
        super().__init__()
        self.states = []

    def on_train_batch_end(self, batch, logs=None):
        if keras.backend.backend() == "jax":
            # What Keras asks of a callback that reads the variables
            # during a JAX fit().
            self.model.jax_state_sync()
        self.states.append(_state(self.model))


class _Batches(keras.utils.PyDataset):
    """NumPy batches from Python; batch `at` raises `error` (or is NaN)."""

    def __init__(self, batches, at=None, error=None, nan=False):
        super().__init__()
        self.batches, self.at, self.error, self.nan = batches, at, error, nan

    def __len__(self):
        return len(self.batches)

    def __getitem__(self, index):
        batch = self.batches[index]
        if index == self.at and self.error is not None:
            raise self.error
        if index == self.at and self.nan:
            return tuple(np.full_like(part, np.nan) for part in batch)
        return batch if len(batch) > 1 else batch[0]


class _RaiseAtBatch(keras.callbacks.Callback):
    def __init__(self, at, error):
        super().__init__()
        self.at, self.error = at, error

    def on_train_batch_begin(self, batch, logs=None):
        if batch == self.at:
            raise self.error


@keras.saving.register_keras_serializable(package="keras_gans_tests")
class RaisingLoss(NonSaturatingLoss):
    """The non-saturating loss, but one side raises on its `at`-th call
    (with `ctrl_c`, sends this process a real SIGINT instead)."""

    def __init__(self, side="discriminator", at=0, ctrl_c=False, armed=True):
        super().__init__()
        self.side, self.at, self.ctrl_c, self.armed = side, at, ctrl_c, armed
        self.calls = 0

    def _maybe_raise(self, side):
        if side != self.side or not self.armed:
            return
        self.calls += 1
        if self.calls != self.at + 1:
            return
        if self.ctrl_c:
            os.kill(os.getpid(), signal.SIGINT)
        else:
            raise RuntimeError(INJECTED)

    def discriminator_loss(self, real_scores, fake_scores):
        self._maybe_raise("discriminator")
        return super().discriminator_loss(real_scores, fake_scores)

    def generator_loss(self, fake_scores, real_scores=None):
        self._maybe_raise("generator")
        return super().generator_loss(fake_scores, real_scores)

    def get_config(self):
        return {"side": self.side, "at": self.at, "armed": False}


def _eager_loss_fault(model, at, **options):
    # A traced step calls the loss once, when it is traced: a call inside
    # a later step needs an eager one (`run_eagerly=True`).
    model.compile(
        loss=RaisingLoss("discriminator", at, **options), run_eagerly=at > 0
    )


# ---------------------------------------------------------------- the models


def _latent_batches():
    images = random_images(BATCH * BATCHES, (16, 16, 1), seed=3)
    return [(images[i * BATCH : (i + 1) * BATCH],) for i in range(BATCHES)]


def _translator_batches():
    a, b = translation_pairs(BATCH * BATCHES, seed=3)
    return [
        (a[i * BATCH : (i + 1) * BATCH], b[i * BATCH : (i + 1) * BATCH])
        for i in range(BATCHES)
    ]


KINDS = {
    "latent": (tiny_dcgan, _latent_batches),
    "translator": (
        lambda: tiny_translator(keras_gans.Pix2Pix),
        _translator_batches,
    ),
}


@pytest.fixture(scope="module")
def models():
    built = {}

    def get(kind):
        if kind not in built:
            make, batches = KINDS[kind]
            model = make()
            model.compile()
            built[kind] = (model, batches())
        return built[kind]

    return get


# ---------------------------------------------------------------- the faults
# Each returns `(fit_kwargs, steps, error)`: what to fit, how many steps of
# it must be kept, and the error `fit()` must raise (an instance: the same
# object re-raised; a type: any error of it naming the injected fault).


def _tf_data(model, batches, at):
    def check(index, *batch):
        with tf.control_dependencies(
            [tf.debugging.assert_none_equal(
                index, tf.constant(at, tf.int64), message=INJECTED
            )]
        ):
            batch = tuple(tf.identity(part) for part in batch)
        return batch if len(batch) > 1 else batch[0]

    parts = tuple(np.stack(p) for p in zip(*batches))
    dataset = tf.data.Dataset.from_tensor_slices(
        (tf.range(len(batches), dtype=tf.int64), *parts)
    ).map(check)
    return {"x": dataset}, at, tf.errors.InvalidArgumentError


def _python_data(model, batches, at):
    error = RuntimeError(INJECTED)
    return {"x": _Batches(batches, at, error)}, at, error


def _array_data(model, batches, at):
    # Arrays are checked whole before training: a [0, 255] batch anywhere
    # is rejected before the first step.
    parts = [np.concatenate(p) for p in zip(*batches)]
    parts[0][at * BATCH] = 255.0
    y = parts[1] if len(parts) > 1 else None
    return {"x": parts[0], "y": y, "batch_size": BATCH}, 0, ValueError


def _callback(model, batches, at):
    error = RuntimeError(INJECTED)
    callbacks = [_RaiseAtBatch(at, error)]
    return {"x": _Batches(batches), "callbacks": callbacks}, at, error


def _interrupt_in_data(model, batches, at):
    error = KeyboardInterrupt()
    return {"x": _Batches(batches, at, error)}, at, error


def _ctrl_c(model, batches, at):
    # A SIGINT in the middle of step `at` (from its discriminator loss) is
    # delivered at the next step boundary: the step under way completes.
    # (In step 0, the signal comes while the step is being traced.)
    _eager_loss_fault(model, at, ctrl_c=True)
    return {"x": _Batches(batches)}, at + 1, KeyboardInterrupt


def _discriminator_loss(model, batches, at):
    _eager_loss_fault(model, at)
    return {"x": _Batches(batches)}, at, RuntimeError


def _nan_guard(model, batches, at):
    # Not an exception: NaNGuard stops fit() after the step that diverged,
    # whose (non-finite) values the model then holds.
    guard = keras_gans.callbacks.NaNGuard()
    data = _Batches(batches, at, nan=True)
    return {"x": data, "callbacks": [guard]}, at + 1, None


FAULTS = {
    "tf_data": _tf_data,
    "python_data": _python_data,
    "array_data": _array_data,
    "callback": _callback,
    "interrupt_in_data": _interrupt_in_data,
    "ctrl_c": _ctrl_c,
    "discriminator_loss": _discriminator_loss,
    "nan_guard": _nan_guard,
}


DATA_FAULTS = ("python_data", "interrupt_in_data")


@pytest.fixture
def default_sigint():
    """Python's own SIGINT handler (a test runner may have replaced it)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def _fit_with_fault(model, fit_kwargs, error):
    recorder = _Recorder()
    fit_kwargs = dict(fit_kwargs)
    fit_kwargs["callbacks"] = [*fit_kwargs.get("callbacks", []), recorder]
    fit_kwargs.setdefault("epochs", 1)
    if error is None:
        model.fit(verbose=0, shuffle=False, **fit_kwargs)
        return recorder
    expected = error if isinstance(error, type) else type(error)
    with pytest.raises(expected) as raised:
        model.fit(verbose=0, shuffle=False, **fit_kwargs)
    if isinstance(error, BaseException):
        assert raised.value is error
    elif error is ValueError:
        # The up-front array check names the argument and the range.
        assert "`x`" in str(raised.value) and "255" in str(raised.value)
    elif error is not KeyboardInterrupt:
        assert INJECTED in str(raised.value)
    return recorder


@pytest.mark.parametrize("at", [0, 1], ids=["first_batch", "later_batch"])
@pytest.mark.parametrize("fault", sorted(FAULTS))
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_fault_leaves_the_last_completed_step(
    models, kind, fault, at, tmp_path, default_sigint
):
    model, batches = models(kind)
    fit_kwargs, steps, error = FAULTS[fault](model, batches, at)
    before, steps_before = _state(model), _steps(model)

    recorder = _fit_with_fault(model, fit_kwargs, error)

    if fault in DATA_FAULTS:
        # Keras reads Python data ahead (on TensorFlow, through tf.data's
        # prefetching), so an error in batch 1 may surface before step 0
        # completes; never after step 1 began.
        assert len(recorder.states) <= steps
        steps = len(recorder.states)
    assert len(recorder.states) >= steps
    expected = before if steps == 0 else recorder.states[steps - 1]
    # FitGuard's documented limit: a later step failing part-way on the
    # in-place backends keeps what it assigned before the error (here the
    # discriminator's BatchNorm statistics and the RNG state, not any
    # update: the first phase's loss raised).
    partial = (
        fault == "discriminator_loss"
        and at > 0
        and keras.backend.backend() != "jax"
    )
    _assert_state(model, expected, f"{fault} at batch {at}", partial)
    assert _steps(model) == steps_before + steps

    if fault in ("discriminator_loss", "ctrl_c"):
        model.compile()  # the default loss, traced steps, new optimizers
    # fit() continues from there...
    steps_before = _steps(model)
    model.fit(_Batches(batches[:1]), epochs=1, verbose=0, shuffle=False)
    assert _steps(model) == steps_before + 1
    if fault != "nan_guard":
        changed = _state(model)
        assert any(
            not np.allclose(a, b) for a, b in zip(changed, expected)
        ), "the continued fit() did not train"
    # ... and what it holds is saved and loaded whole.
    path = os.path.join(tmp_path, "model.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    _assert_state(loaded, _state(model), "save + load_model")
    if fault == "nan_guard":
        _set_state(model, before)  # finite weights for the next cases


def test_a_later_step_failing_part_way_keeps_its_applied_phases(models):
    """FitGuard's documented limit. The generator's loss raises in step 1
    of an eager fit(): on TensorFlow and torch the discriminator's update
    of that step stays applied, and its optimizer counts it; a JAX step
    is a function of the state and keeps nothing. Either way the
    generator holds step 0's values."""
    model, batches = models("latent")
    model.compile(loss=RaisingLoss("generator", 1), run_eagerly=True)
    recorder = _Recorder()
    with pytest.raises(RuntimeError, match=INJECTED):
        model.fit(
            _Batches(batches),
            epochs=1,
            verbose=0,
            shuffle=False,
            callbacks=[recorder],
        )
    assert len(recorder.states) == 1
    variables = [*model.weights, *model.optimizer.variables]
    step_0 = {id(v): value for v, value in zip(variables, recorder.states[0])}

    def moved(variables):
        return [
            not np.array_equal(to_numpy(v), step_0[id(v)]) for v in variables
        ]

    kept = keras.backend.backend() != "jax"
    assert not any(moved(model.generator.trainable_weights))
    assert not any(moved([model.g_optimizer.iterations]))
    assert all(moved(model.discriminator.trainable_weights)) == kept
    assert any(moved(model.discriminator.trainable_weights)) == kept
    assert moved([model.d_optimizer.iterations]) == [kept]
    model.compile()
