"""`NaNGuard`: a NaN injected at a known step stops training right there."""

import os

import keras
import numpy as np
import pytest

from keras_gans.callbacks import NaNGuard
from keras_gans.callbacks import TrainingCheckpoint
from tests import helpers

BATCH = 8
STEPS_PER_EPOCH = 4
# D's learning rate turns NaN for its update 7 (iterations 6 > 5): D's
# weights are NaN after the D phase of step 7, and the G phase of that
# same step scores fakes with them, so `g_loss` is the first NaN, at step
# 7 = epoch 2, batch 3. `d_loss` (computed before D's update) follows in
# step 8.
FIRST_NAN_STEP = 7


def _diverging_gan():
    model = helpers.tiny_dcgan()
    model.compile(
        d_optimizer=keras.optimizers.Adam(helpers.BlowUpAfter(5), beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
    )
    return model


def _fit(model, epochs, callbacks, initial_epoch=0):
    images = helpers.random_images(BATCH * STEPS_PER_EPOCH, model.image_shape)
    model.fit(
        images,
        batch_size=BATCH,
        epochs=epochs,
        initial_epoch=initial_epoch,
        shuffle=False,
        verbose=0,
        callbacks=callbacks,
    )


def test_stops_at_the_step_that_diverged_naming_the_loss(tmp_path, capsys):
    model = _diverging_gan()
    guard = NaNGuard()
    checkpoint = TrainingCheckpoint(tmp_path, keep=5)
    _fit(model, 5, [guard, checkpoint])

    assert guard.diverged["key"] == "g_loss"
    assert guard.diverged["step"] == FIRST_NAN_STEP
    assert (guard.diverged["epoch"], guard.diverged["batch"]) == (2, 3)
    assert np.isnan(guard.diverged["value"])
    assert (
        "`g_loss` is nan at step 7 (epoch 2, batch 3)"
        in capsys.readouterr().out
    )
    # Training stopped right after the step: no further update.
    assert helpers.iterations(model.g_optimizer) == FIRST_NAN_STEP
    # The NaN model of epoch 2 was not saved: epoch 1 is the last good one.
    assert sorted(os.listdir(tmp_path)) == ["epoch_0001.keras", "latest.json"]
    restored, epoch = checkpoint.restore()
    assert epoch == 1
    for value in helpers.snapshot(restored.weights):
        assert np.all(np.isfinite(value))


def test_counts_steps_across_a_resume(tmp_path):
    model = _diverging_gan()
    checkpoint = TrainingCheckpoint(tmp_path)
    _fit(model, 1, [checkpoint])
    restored, epoch = checkpoint.restore()
    guard = NaNGuard()
    _fit(restored, 5, [guard], initial_epoch=epoch)
    assert guard.diverged["step"] == FIRST_NAN_STEP
    assert (guard.diverged["epoch"], guard.diverged["batch"]) == (2, 3)


def test_watches_only_the_monitored_values():
    model = _diverging_gan()
    guard = NaNGuard(monitor=["d_loss"])
    _fit(model, 5, [guard])
    assert guard.diverged["key"] == "d_loss"
    assert guard.diverged["step"] == FIRST_NAN_STEP + 1


@pytest.mark.parametrize("monitor", [[], [3], "", 3])
def test_bad_monitor_raises_naming_it(monitor):
    with pytest.raises(ValueError, match="Received: monitor="):
        NaNGuard(monitor=monitor)
