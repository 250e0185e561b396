"""The image-to-image recipes resume exactly and stop cleanly on divergence.

As `test_resume_and_divergence.py` does for DCGAN: the CycleGAN recipe runs
as a real process, is SIGKILLed a few steps into its second epoch, is
restarted with `--resume`, and must end bit-identical to an uninterrupted
run (both optimizers and their learning-rate schedule position, the image
pools, every seed state and the epoch-keyed data order and jitter).

That test runs on TensorFlow only (`helpers.recipe_on_tensorflow_only`):
what it adds per backend is already checked on every backend for less,
by the DCGAN recipe's SIGKILL test (a recipe killed and resumed as a
process), the staged SIGKILL test (tests/training/test_stages.py) and the
contract's exact save/load resume of CycleGAN (pools, both optimizers,
seed states); the rest (checkpoints, the epoch-keyed unpaired data) is the
same Python and tf.data code on every backend. It cost 87 s of the JAX
session and 45 s of torch's. The divergence stop is likewise checked on
every backend by the DCGAN recipe's test.

Its uninterrupted reference run exports and is CycleGAN's end-to-end
recipe check as well (summary, held-out scores, both directions' export,
`--resume` after the end: tests/recipes/translation_checks.py), which
test_translation_recipes.py used to train a second time.
"""

import dataclasses
import os
import shutil

import keras
import numpy as np
import pytest

from keras_gans import data
from keras_gans.recipes import cyclegan
from keras_gans.recipes import pix2pix
from tests import helpers
from tests.conftest import one_torch_thread
from tests.recipes import recipe_processes as processes
from tests.recipes import translation_checks as checks

EPOCHS = 2
BATCH = 16  # ~44 steps an epoch: enough to be killed mid-epoch
POOL_SIZE = 4
CYCLEGAN = [
    "--image-size", "16,16", "--filters", "4", "--num-blocks", "1",
    "--d-layers", "2", "--batch-size", str(BATCH), "--no-identity",
    "--pool-size", str(POOL_SIZE), "--epochs", str(EPOCHS),
]


def _steps_per_epoch(dataset, batch_size):
    """One pass over the larger domain (or the pairs), in full batches."""
    train = data.load_translation_arrays(
        dataset, split="train", image_size=16
    )
    return max(len(train.a), len(train.b)) // batch_size


def _state(path):
    """Weights, image pools, seed states and optimizer variables."""
    return processes.saved_state(path, variables="variables")


def _assert_same_state(path, reference_path):
    for value, reference in zip(_state(path), _state(reference_path)):
        np.testing.assert_array_equal(value, reference)


@helpers.recipe_on_tensorflow_only
def test_cyclegan_killed_mid_epoch_resumes_like_an_uninterrupted_run(
    tmp_path,
):
    steps = _steps_per_epoch("digits-inverted", BATCH)
    killed_dir = tmp_path / "killed"
    command = processes.recipe_command(
        "keras_gans.recipes.cyclegan", killed_dir, CYCLEGAN + ["--no-export"]
    )
    processes.kill_then_resume(command, killed_dir, EPOCHS, steps, tmp_path)
    # The translation grid and the held-out scores carry on after resuming.
    assert (killed_dir / "samples" / "epoch_0002.png").exists()

    # The uninterrupted run, exported: also the recipe's end-to-end run.
    reference_dir, out = tmp_path / "uninterrupted", tmp_path / "export"
    flags = CYCLEGAN + ["--verbose", "0"]
    with one_torch_thread():
        argv = flags + ["--run-dir", str(reference_dir), "--out", str(out)]
        assert cyclegan.main(argv) == 0

    summary = processes.summary(killed_dir)
    reference = processes.summary(reference_dir)
    assert summary["resumed_from_epoch"] == 1
    assert summary["generator_steps"] == EPOCHS * steps
    assert reference["generator_steps"] == summary["generator_steps"]
    assert summary["test_scores"] == reference["test_scores"]
    _assert_same_state(
        killed_dir / "final.keras", reference_dir / "final.keras"
    )
    # The pools took part: full, holding fakes rather than their zeros.
    model = keras.saving.load_model(killed_dir / "final.keras")
    for pool in (model.pool_a, model.pool_b):
        assert int(helpers.to_numpy(pool.count)) == POOL_SIZE
        images = helpers.to_numpy(pool.images)
        assert np.all(np.abs(images).max(axis=(1, 2, 3)) > 0)

    # CycleGAN end to end (test_translation_recipes.py checks the others).
    model = keras.saving.load_model(reference_dir / "final.keras")
    checks.check_summary(
        "cyclegan", str(reference_dir), str(out), reference, model,
        epochs=EPOCHS, batch_size=BATCH,
    )
    checks.check_export("cyclegan", str(out), reference, model)
    # Pools, schedule and two optimizers: a finished run resumes as itself.
    checks.check_resume_after_the_end(
        "cyclegan", flags, reference_dir, out, reference, epochs=EPOCHS
    )


# 1,438 digit pairs at batch 64: 22 steps per epoch.
PIX2PIX = [
    "--image-size", "16,16", "--filters", "4", "--d-layers", "2",
    "--batch-size", "64", "--epochs", "2", "--verbose", "0",
]


def _main_with(build_model, argv):
    recipe = dataclasses.replace(pix2pix.RECIPE, build_model=build_model)
    with one_torch_thread():
        return recipe.main(argv)


@helpers.recipe_on_tensorflow_only
def test_pix2pix_resumed_from_a_checkpoint_ends_like_the_full_run(tmp_path):
    # The paired side: dropout masks (seed states) and the epoch-keyed pair
    # order and crops. In-process; the SIGKILL test above covers the kill.
    full_dir, resumed_dir = tmp_path / "full", tmp_path / "resumed"
    argv = PIX2PIX + ["--no-export"]
    full = argv + ["--run-dir", str(full_dir)]
    assert _main_with(pix2pix.build_model, full) == 0
    (resumed_dir / "checkpoints").mkdir(parents=True)
    shutil.copy(
        full_dir / "checkpoints" / "epoch_0001.keras",
        resumed_dir / "checkpoints",
    )
    keras.backend.clear_session()
    assert _main_with(
        pix2pix.build_model,
        argv + ["--run-dir", str(resumed_dir), "--resume"],
    ) == 0
    summary = processes.summary(resumed_dir)
    assert summary["resumed_from_epoch"] == 1
    assert summary["generator_steps"] == 2 * _steps_per_epoch(
        "digits-edges", 64
    )
    assert summary["test_scores"] == processes.summary(full_dir)["test_scores"]
    _assert_same_state(resumed_dir / "final.keras", full_dir / "final.keras")


def _diverging_pix2pix(args, a_shape, b_shape, total_steps):
    """The recipe's Pix2Pix whose G learning rate turns NaN after update 26."""
    model = pix2pix.build_model(args, a_shape, b_shape, total_steps)
    model.compile(
        d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(helpers.BlowUpAfter(25), beta_1=0.5),
    )
    return model


# The translation grid of the diverged epoch is NaN; casting it warns.
# On TensorFlow only: the NaN guard is a callback that the DCGAN recipe's
# divergence test exercises on every backend.
@helpers.recipe_on_tensorflow_only
@pytest.mark.filterwarnings("ignore:invalid value encountered in cast")
def test_a_diverging_translation_recipe_stops_and_exits_1(tmp_path, capsys):
    run_dir, out = tmp_path / "run", tmp_path / "export"
    argv = PIX2PIX + ["--run-dir", str(run_dir), "--out", str(out)]
    assert _main_with(_diverging_pix2pix, argv) == 1
    assert "`d_loss` is nan at step 28" in capsys.readouterr().out
    summary = processes.summary(run_dir)
    diverged = summary["diverged"]
    # G's update 27 (iterations == 25 is the last at 2e-4) uses a NaN rate,
    # in step 27 after D's phase; step 28's D phase then judges NaN fakes.
    # 22 steps per epoch: step 28 is batch 6 of epoch 2.
    assert diverged["key"] == "d_loss"
    assert diverged["step"] == 28
    assert (diverged["epoch"], diverged["batch"]) == (2, 6)
    assert "test_scores" not in summary
    checkpoints = sorted(os.listdir(run_dir / "checkpoints"))
    assert checkpoints == ["epoch_0001.keras", "latest.json"]
    assert not (run_dir / "final.keras").exists()
    assert not out.exists()
    restored = keras.saving.load_model(
        run_dir / "checkpoints" / "epoch_0001.keras"
    )
    for value in helpers.snapshot(restored.weights):
        assert np.all(np.isfinite(value))
