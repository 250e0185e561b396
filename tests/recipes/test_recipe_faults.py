"""Recipes under faults: a full disk, two runs in one run directory, and a
`--resume` onto a checkpoint of another model.

Each fault ends the recipe with `EXIT_RUN_FAILED` and one message on
stderr, no traceback. The recipes run in-process on tiny settings; the
faults that need no training stop before the data is loaded.
"""

import errno
import json
import os
import socket
import subprocess
import sys

import keras
import pytest

import keras_gans
from keras_gans.callbacks import TrainingCheckpoint
from keras_gans.recipes import dcgan
from keras_gans.recipes.recipe_runner import EXIT_RUN_FAILED
from keras_gans.recipes.resume_check import restore_matching
from keras_gans.recipes.run_directory_error import RunDirectoryError
from keras_gans.recipes.run_directory_lock import RunDirectoryLock
from tests import helpers

# 1,797 digits at batch 256: 7 steps in the one epoch; the networks of
# helpers.TINY_DCGAN.
TINY = [
    "--dataset", "digits", "--image-shape", "16,16,1", "--latent-dim", "8",
    "--latent-classes", "0", "--g-filters", "16,8", "--d-filters", "8,16",
    "--batch-size", "256", "--epochs", "1", "--no-export", "--verbose", "0",
]  # fmt: skip


def _run(run_dir, capsys, *extra):
    """`dcgan.main` on `TINY` in `run_dir`: `(exit code, stderr)`."""
    code = dcgan.main(TINY + ["--run-dir", str(run_dir), *extra])
    stderr = capsys.readouterr().err
    assert "Traceback" not in stderr
    return code, stderr


def _write_lock(run_dir, pid, host=None):
    run_dir.mkdir(parents=True, exist_ok=True)
    owner = {
        "pid": pid,
        "host": host or socket.gethostname(),
        "started": "2024-05-01T10:00:00",
    }
    (run_dir / ".lock").write_text(json.dumps(owner))
    return owner


def _finished_pid():
    """The process id of a process that has ended."""
    child = subprocess.Popen([sys.executable, "-c", ""])
    child.wait()
    return child.pid


@pytest.mark.once  # file locking: backend-independent
def test_a_held_run_directory_refuses_a_second_lock(tmp_path):
    first = RunDirectoryLock(tmp_path).acquire()
    with pytest.raises(RunDirectoryError) as caught:
        RunDirectoryLock(tmp_path).acquire()
    message = str(caught.value)
    assert f"{tmp_path} is in use" in message
    assert f"process {os.getpid()} on host {socket.gethostname()}" in message
    first.release()
    assert not (tmp_path / ".lock").exists()
    with RunDirectoryLock(tmp_path):
        assert json.loads((tmp_path / ".lock").read_text())["pid"] == (
            os.getpid()
        )


@pytest.mark.once  # file locking: backend-independent
def test_a_stale_lock_is_taken_over_and_another_hosts_is_not(
    tmp_path, capsys
):
    pid = _finished_pid()
    _write_lock(tmp_path, pid)
    with RunDirectoryLock(tmp_path):
        assert json.loads((tmp_path / ".lock").read_text())["pid"] == (
            os.getpid()
        )
    assert f"process {pid} on host" in capsys.readouterr().out
    # The same dead pid on another host: whether it runs is unknown there.
    _write_lock(tmp_path, pid, host="elsewhere.example")
    with pytest.raises(RunDirectoryError, match=f"process {pid}"):
        RunDirectoryLock(tmp_path).acquire()


@pytest.mark.once  # stops before training: backend-independent
def test_a_recipe_refuses_a_run_directory_another_run_holds(tmp_path, capsys):
    run_dir = tmp_path / "run"
    owner = _write_lock(run_dir, os.getppid())  # alive: it started us
    code, stderr = _run(run_dir, capsys)
    assert code == EXIT_RUN_FAILED
    assert stderr.startswith(f"dcgan: error: The run directory {run_dir}")
    assert f"process {os.getppid()}" in stderr
    assert json.loads((run_dir / ".lock").read_text()) == owner
    assert os.listdir(run_dir) == [".lock"]


@pytest.mark.once  # the callback's failure is checked per backend
def test_a_full_disk_stops_the_recipe_cleanly(tmp_path, capsys, monkeypatch):
    def full_disk(path):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(
        "keras_gans.callbacks.training_checkpoint._fsync", full_disk
    )
    run_dir = tmp_path / "run"
    code, stderr = _run(run_dir, capsys)
    assert code == EXIT_RUN_FAILED
    assert stderr.startswith(
        "dcgan: error: Could not write the checkpoint of epoch 1 to "
        f"{run_dir / 'checkpoints'}: No space left on device (ENOSPC). "
        "The previous checkpoint (none yet) and latest.json are unchanged."
    )
    assert os.listdir(run_dir / "checkpoints") == []
    assert not (run_dir / ".lock").exists()  # released on the error too


def _tiny_wgan():
    return helpers.tiny_dcgan(keras_gans.WGAN)


def _tiny_dcgan_8x8():
    return helpers.tiny_dcgan(image_shape=(8, 8, 1), g_filters=(16,))


@pytest.mark.once  # one model class against another: backend-independent
@pytest.mark.parametrize(
    "make_model, held",
    [
        (_tiny_wgan, "a WGAN for images of shape (16, 16, 1)"),
        (_tiny_dcgan_8x8, "a DCGAN for images of shape (8, 8, 1)"),
    ],
    ids=["class", "image_shape"],
)
def test_resume_refuses_a_checkpoint_of_another_model(
    tmp_path, capsys, make_model, held
):
    run_dir = tmp_path / "run"
    model = make_model()
    model.compile()
    checkpoint = TrainingCheckpoint(run_dir / "checkpoints")
    checkpoint.save(model, 1)
    code, stderr = _run(run_dir, capsys, "--resume")
    assert code == EXIT_RUN_FAILED
    path = run_dir / "checkpoints" / "epoch_0001.keras"
    assert stderr.startswith(
        f"dcgan: error: Cannot resume from {path}: it holds {held} (written "
        f"by the {keras.backend.backend()} backend), and this run trains a "
        "DCGAN for images of shape (16, 16, 1). Give this run another "
        "--run-dir, or drop --resume"
    )
    assert checkpoint.record()["epoch"] == 1  # untouched
    assert not (run_dir / ".lock").exists()


@pytest.mark.once  # message assembly: backend-independent
def test_an_unloadable_checkpoint_of_another_backend_names_both(tmp_path):
    other = "jax" if keras.backend.backend() != "jax" else "torch"
    (tmp_path / "epoch_0001.keras").write_bytes(b"PK\x03\x04 not loadable")
    (tmp_path / "latest.json").write_text(
        json.dumps({"epoch": 1, "path": "epoch_0001.keras", "backend": other})
    )
    with pytest.warns(UserWarning, match="unreadable"):
        with pytest.raises(RunDirectoryError) as caught:
            restore_matching(TrainingCheckpoint(tmp_path), expected=None)
    message = str(caught.value)
    assert message.startswith(f"Cannot resume from {tmp_path}: no checkpoint")
    assert "epoch_0001.keras" in message
    assert (
        f"written by the {other} backend and this run uses "
        f"{keras.backend.backend()}: resume it with --backend {other}."
    ) in message
