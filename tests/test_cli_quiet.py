"""The `keras-gans` console script hides TensorFlow's start-up logging
unless `--verbose` is given (`keras_gans_cli`)."""

import os
import re
import subprocess
import sys

import pytest

from keras_gans.utils.quiet_tensorflow import is_hidden
from keras_gans_cli import global_options
from keras_gans_cli import quiet_environment
from tests.conftest import REPO

# What TensorFlow prints while it starts: C++ log lines in TensorFlow's
# format (`2026-01-01 12:00:00.000000: I tensorflow/...cc:12] ...`) and in
# absl's (`I0000 00:00:1767268800.000000 123 port.cc:153] ...`), among them
# the CUDA stub's and the oneDNN notice, and absl's own warning.
START_UP_NOISE = re.compile(
    r"cudart|oneDNN|absl|^[IWE]\d{4} \d\d:\d\d:\d\d|"
    r"^\S+ \S+: [IWE] \S+:\d+\]",
    re.MULTILINE,
)


def run_console_script(*args):
    """`keras-gans ARGS` on the TensorFlow backend, as a user starts it:
    in a fresh interpreter, with TensorFlow's default logging."""
    env = dict(os.environ, KERAS_BACKEND="tensorflow", PYTHONPATH=REPO)
    # The test session quiets TensorFlow itself (conftest.py, run.sh).
    env.pop("TF_CPP_MIN_LOG_LEVEL", None)
    return subprocess.run(
        [sys.executable, "-m", "keras_gans_cli", *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


# Two TensorFlow start-ups in child processes: once per CI run is proof.
@pytest.mark.once
def test_console_script_hides_tensorflow_start_up_unless_verbose():
    verbose = run_console_script("--verbose", "train", "--help")
    quiet = run_console_script("train", "--help")
    assert verbose.returncode == quiet.returncode == 0, quiet.stderr
    # TensorFlow does log while it starts: hiding it is not a vacuous pass.
    assert START_UP_NOISE.search(verbose.stderr), verbose.stderr
    assert not START_UP_NOISE.search(quiet.stderr), quiet.stderr
    assert quiet.stdout == verbose.stdout
    assert "dcgan" in quiet.stdout


@pytest.mark.once  # argument scanning: backend-independent
def test_only_options_before_the_command_are_global():
    # A recipe has its own `--verbose` (Keras fit verbosity).
    argv = ["--backend", "jax", "train", "dcgan", "--verbose", "2"]
    assert global_options(argv) == ["--backend", "jax"]
    assert global_options(["--verbose", "sample", "m.keras"]) == ["--verbose"]
    assert global_options([]) == []


@pytest.mark.once  # environment handling: backend-independent
def test_quiet_environment_keeps_the_users_settings():
    assert quiet_environment({})["TF_CPP_MIN_LOG_LEVEL"] == "2"
    kept = quiet_environment({"TF_CPP_MIN_LOG_LEVEL": "0"})
    assert kept["TF_CPP_MIN_LOG_LEVEL"] == "0"


@pytest.mark.once  # line classification: backend-independent
def test_start_up_filter_hides_only_the_levels_asked_for():
    info = b"I0000 00:00:1796581718.291416   24886 port.cc:153] oneDNN ...\n"
    warning = b"2026-01-01 12:00:00.000001: W tensorflow/x.cc:12] slow\n"
    error = b"E0000 00:00:1796581718.291416   24886 cuda_dnn.cc:8579] bad\n"
    absl = b"WARNING: All log messages before absl::InitializeLog() is ...\n"
    assert [is_hidden(line, b"IW") for line in (info, warning, error, absl)] == [
        True, True, False, True
    ]  # fmt: skip
    assert not is_hidden(info, b"")  # TF_CPP_MIN_LOG_LEVEL=0 hides nothing
    assert not is_hidden(b"UserWarning: I0000 is not a log line\n", b"IW")
