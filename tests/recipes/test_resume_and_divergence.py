"""Recipes survive a SIGKILL mid-epoch and stop cleanly when training diverges.

The SIGKILL test runs the DCGAN recipe as a real process, kills it with
SIGKILL a few steps into its second epoch, restarts the same command with
`--resume`, and compares the result with an uninterrupted run: the same
generator step count and bit-identical weights (both optimizers, the EMA
generator, seed states and the epoch-keyed data order are restored).
"""

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time

import keras
import numpy as np
import pytest

from keras_gans.recipes import common
from keras_gans.recipes import dcgan
from tests import helpers
from tests.conftest import REPO
from tests.conftest import one_torch_thread

EPOCHS = 3
BATCH = 16
# 1,797 digits at batch 16: 112 steps per epoch.
STEPS_PER_EPOCH = 1797 // BATCH
TINY = [
    "--dataset", "digits", "--image-shape", "8,8,1", "--latent-dim", "8",
    "--batch-size", str(BATCH), "--epochs", str(EPOCHS), "--no-export",
]
# Generous: a loaded 2-core machine needs ~20 s just to import the stack.
PROCESS_TIMEOUT_S = 600


def _recipe_command(run_dir, *extra):
    return [
        sys.executable, "-m", "keras_gans.recipes.dcgan", *TINY,
        "--run-dir", str(run_dir), "--verbose", "1", *extra,
    ]


def _environment():
    env = dict(
        os.environ,
        KERAS_BACKEND=keras.backend.backend(),
        PYTHONPATH=REPO,
        PYTHONUNBUFFERED="1",
        TF_CPP_MIN_LOG_LEVEL="3",
    )
    if keras.backend.backend() == "torch":
        # As tests/conftest.py's one_torch_thread: torch's 2 OpenMP
        # threads crawl on an oversubscribed 2-core machine.
        env["OMP_NUM_THREADS"] = "1"
    return env


class _Output:
    """Collects a process's stdout on a thread, for polling."""

    def __init__(self, stream):
        self.text = ""
        self._stream = stream
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self):
        for chunk in iter(lambda: os.read(self._stream.fileno(), 4096), b""):
            self.text += chunk.decode("utf-8", "replace")


def _kill_in_second_epoch(run_dir, cwd):
    """Starts the recipe and SIGKILLs it once epoch 2 has begun stepping."""
    process = subprocess.Popen(
        _recipe_command(run_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=_environment(),
        cwd=cwd,
    )
    output = _Output(process.stdout)
    # The progress bar redraws "  k/112" for each batch of the epoch.
    in_epoch_2 = re.compile(
        rf"Epoch 2/{EPOCHS}.*?(\d+)/{STEPS_PER_EPOCH}", re.S
    )
    deadline = time.monotonic() + PROCESS_TIMEOUT_S
    while not in_epoch_2.search(output.text):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"never reached epoch 2:\n{output.text[-3000:]}")
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    return process.returncode, output.text


def _weights(path):
    model = keras.saving.load_model(path)
    return helpers.snapshot(model.weights) + helpers.snapshot(
        model.optimizer.variables
    )


def _summary(run_dir):
    with open(os.path.join(run_dir, "summary.json")) as f:
        return json.load(f)


def test_sigkill_mid_epoch_then_resume_equals_an_uninterrupted_run(tmp_path):
    killed_dir = tmp_path / "killed"
    code, _ = _kill_in_second_epoch(killed_dir, tmp_path)
    assert code == -signal.SIGKILL
    # Killed inside epoch 2: only epoch 1 was saved, nothing was finished.
    with open(killed_dir / "checkpoints" / "latest.json") as f:
        assert json.load(f)["epoch"] == 1
    assert not (killed_dir / "summary.json").exists()

    resumed = subprocess.run(
        _recipe_command(killed_dir, "--resume"),
        capture_output=True,
        text=True,
        env=_environment(),
        cwd=tmp_path,
        timeout=PROCESS_TIMEOUT_S,
    )
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "Resuming from" in resumed.stdout and "(epoch 1)" in resumed.stdout
    # No epoch lost or repeated: epochs 2 and 3 only.
    assert f"Epoch 1/{EPOCHS}" not in resumed.stdout
    assert f"Epoch 2/{EPOCHS}" in resumed.stdout
    assert f"Epoch 3/{EPOCHS}" in resumed.stdout

    reference_dir = tmp_path / "uninterrupted"
    with one_torch_thread():
        argv = TINY + ["--run-dir", str(reference_dir), "--verbose", "0"]
        assert dcgan.main(argv) == 0

    summary, reference = _summary(killed_dir), _summary(reference_dir)
    assert summary["resumed_from_epoch"] == 1
    assert summary["generator_steps"] == EPOCHS * STEPS_PER_EPOCH
    assert reference["generator_steps"] == summary["generator_steps"]
    for resumed_value, reference_value in zip(
        _weights(killed_dir / "final.keras"),
        _weights(reference_dir / "final.keras"),
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
        "--epochs", "3", "--run-dir", str(run_dir), "--out",
        str(tmp_path / "export"), "--verbose", "0",
    ]
    with one_torch_thread():
        code = common.main(
            "keras_gans.recipes.dcgan",
            "dcgan",
            dcgan.DESCRIPTION,
            dcgan.DATASET_DEFAULTS,
            dcgan.add_flags,
            _diverging_dcgan,
            argv,
        )
    assert code == 1
    diverged = _summary(run_dir)["diverged"]
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
