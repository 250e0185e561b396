"""Recipes survive a SIGKILL mid-epoch and stop cleanly when training diverges.

The SIGKILL test runs the DCGAN recipe as a real process, kills it with
SIGKILL a few steps into its second epoch, restarts the same command with
`--resume`, and compares the result with an uninterrupted run: the same
generator step count and bit-identical weights (both optimizers, the EMA
generator, seed states and the epoch-keyed data order are restored).
"""

import dataclasses
import os

import keras
import numpy as np
import pytest

from keras_gans.recipes import dcgan
from tests import helpers
from tests.conftest import one_torch_thread
from tests.recipes import recipe_processes as processes

EPOCHS = 3
BATCH = 16
# 1,797 digits at batch 16: 112 steps per epoch.
STEPS_PER_EPOCH = 1797 // BATCH
TINY = [
    "--dataset", "digits", "--image-shape", "8,8,1", "--latent-dim", "8",
    # The 8x8 pyramid's widths and no latent code (the digit defaults'
    # (128, 64) and code cost JAX 20 s more to compile here); the code's
    # checkpoint and resume are in test_dcgan_recipe.py.
    "--g-filters", "64", "--d-filters", "64", "--latent-classes", "0",
    "--batch-size", str(BATCH), "--epochs", str(EPOCHS), "--no-export",
]


def test_sigkill_mid_epoch_then_resume_equals_an_uninterrupted_run(tmp_path):
    killed_dir = tmp_path / "killed"
    command = processes.recipe_command(
        "keras_gans.recipes.dcgan", killed_dir, TINY
    )
    # Killed inside epoch 2; no epoch lost or repeated: epochs 2 and 3 only.
    resumed = processes.kill_then_resume(
        command, killed_dir, EPOCHS, STEPS_PER_EPOCH, tmp_path
    )
    assert f"Epoch 3/{EPOCHS}" in resumed.stdout

    reference_dir = tmp_path / "uninterrupted"
    with one_torch_thread():
        argv = TINY + ["--run-dir", str(reference_dir), "--verbose", "0"]
        assert dcgan.main(argv) == 0

    summary = processes.summary(killed_dir)
    reference = processes.summary(reference_dir)
    assert summary["resumed_from_epoch"] == 1
    assert summary["generator_steps"] == EPOCHS * STEPS_PER_EPOCH
    assert reference["generator_steps"] == summary["generator_steps"]
    for resumed_value, reference_value in zip(
        processes.saved_state(killed_dir / "final.keras"),
        processes.saved_state(reference_dir / "final.keras"),
    ):
        np.testing.assert_array_equal(resumed_value, reference_value)


def _diverging_dcgan(args):
    """The recipe's DCGAN whose D learning rate turns NaN after update 41."""
    gan = dcgan.build_model(args)
    gan.compile(
        d_optimizer=keras.optimizers.Adam(helpers.BlowUpAfter(40), beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
    )
    return gan


# The sample grid of the diverged epoch is NaN; casting it warns.
@pytest.mark.filterwarnings("ignore:invalid value encountered in cast")
def test_a_diverging_recipe_stops_keeps_good_checkpoints_and_exits_1(tmp_path):
    run_dir = tmp_path / "run"
    argv = [
        "--dataset", "digits", "--image-shape", "8,8,1", "--latent-dim", "8",
        "--g-filters", "64", "--d-filters", "64", "--latent-classes", "0",
        "--batch-size", "64",
        "--epochs", "3", "--run-dir", str(run_dir), "--out",
        str(tmp_path / "export"), "--verbose", "0",
    ]
    with one_torch_thread():
        diverging = dataclasses.replace(
            dcgan.RECIPE, build_model=_diverging_dcgan
        )
        code = diverging.main(argv)
    assert code == 1
    diverged = processes.summary(run_dir)["diverged"]
    # D's update 41 (iterations == 40 is the last at 2e-4; the schedule
    # switches after it) uses a NaN rate: D's weights turn NaN in step 42,
    # whose G phase then scores fakes with them. 28 steps per epoch at
    # batch 64: step 42 is batch 14 of epoch 2.
    assert diverged["key"] == "g_loss"
    assert diverged["step"] == 42
    assert (diverged["epoch"], diverged["batch"]) == (2, 14)
    checkpoints = sorted(os.listdir(run_dir / "checkpoints"))
    assert checkpoints == ["epoch_0001.keras", "latest.json"]
    assert not (run_dir / "final.keras").exists()
    assert not (tmp_path / "export").exists()
    restored = keras.saving.load_model(
        run_dir / "checkpoints" / "epoch_0001.keras"
    )
    for value in helpers.snapshot(restored.weights):
        assert np.all(np.isfinite(value))
