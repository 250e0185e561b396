"""Running recipes as real processes: SIGKILL them mid-epoch, resume them,
compare their saved state."""

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time

import keras
import pytest

from tests import helpers
from tests.conftest import REPO

# Generous: a loaded 2-core machine needs ~20 s just to import the stack.
PROCESS_TIMEOUT_S = 600


def recipe_command(module, run_dir, argv, *extra):
    """`python -m module argv --run-dir run_dir --verbose 1 extra`."""
    return [
        sys.executable, "-m", module, *argv,
        "--run-dir", str(run_dir), "--verbose", "1", *extra,
    ]


def environment():
    """The test's backend, the repo on the path, unbuffered output."""
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


def kill_in_second_epoch(command, epochs, steps_per_epoch, cwd):
    """Starts `command` and SIGKILLs it once epoch 2 has begun stepping.

    Returns:
        `(returncode, output)`.
    """
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=environment(),
        cwd=cwd,
    )
    output = _Output(process.stdout)
    # The progress bar redraws "  k/steps" for each batch of the epoch.
    in_epoch_2 = re.compile(
        rf"Epoch 2/{epochs}.*?(\d+)/{steps_per_epoch}", re.S
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


def resume(command, cwd):
    """Runs `command --resume` to its end; returns the completed process."""
    return subprocess.run(
        [*command, "--resume"],
        capture_output=True,
        text=True,
        env=environment(),
        cwd=cwd,
        timeout=PROCESS_TIMEOUT_S,
    )


def latest_checkpoint_epoch(run_dir):
    with open(os.path.join(str(run_dir), "checkpoints", "latest.json")) as f:
        return json.load(f)["epoch"]


def summary(run_dir):
    with open(os.path.join(str(run_dir), "summary.json")) as f:
        return json.load(f)


def saved_state(path, variables="weights"):
    """Values of a saved model's `variables` (`"weights"`, or `"variables"`
    to include seed states) and of its optimizers' variables."""
    model = keras.saving.load_model(path)
    return helpers.snapshot(getattr(model, variables)) + helpers.snapshot(
        model.optimizer.variables
    )


def kill_then_resume(command, run_dir, epochs, steps_per_epoch, cwd):
    """SIGKILLs `command` inside epoch 2, then reruns it with `--resume`.

    Asserts that the kill left exactly the epoch-1 checkpoint and no
    summary, and that the resumed run takes over the killed run's lock
    and continues at epoch 2 (none lost or repeated). Returns the resumed
    run's `CompletedProcess`.
    """
    import signal

    code, _ = kill_in_second_epoch(command, epochs, steps_per_epoch, cwd)
    assert code == -signal.SIGKILL
    assert latest_checkpoint_epoch(run_dir) == 1
    assert not (run_dir / "summary.json").exists()
    resumed = resume(command, cwd)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    # The killed run's lock on the run directory is stale: taken over.
    assert "Taking over the lock of" in resumed.stdout
    assert "Resuming from" in resumed.stdout and "(epoch 1)" in resumed.stdout
    assert f"Epoch 1/{epochs}" not in resumed.stdout
    assert f"Epoch 2/{epochs}" in resumed.stdout
    return resumed
