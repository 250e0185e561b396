"""`TF_CPP_MIN_LOG_LEVEL` for the lines TensorFlow logs while it is imported.

TensorFlow (2.19 to at least 2.21) writes its start-up lines (the oneDNN
notice, the CUDA stub's, absl's notice that logging is not initialized)
through absl before its own log level applies, so `TF_CPP_MIN_LOG_LEVEL`
does not hide them (tensorflow/tensorflow#100442). `install` applies the
level to them: while `tensorflow` is imported, stderr goes through a filter
that drops the INFO lines (level 1 and up) and WARNING lines (2 and up) of
TensorFlow's C++ logging and passes everything else on as it comes.

Only the `keras-gans` command turns this on (it sets `QUIET_VARIABLE`,
which its child processes inherit: see `keras_gans_cli`); a program that
imports `keras_gans` keeps TensorFlow's own behaviour.
"""

import contextlib
import importlib.abc
import importlib.util
import os
import re
import sys
import threading

# Set to "1" by the `keras-gans` command for itself and its children.
QUIET_VARIABLE = "KERAS_GANS_QUIET_TENSORFLOW"

# C++ log lines in absl's format (`I0000 00:00:1767268800.000000  123
# port.cc:153] ...`) and in TensorFlow's own (`2026-01-01 12:00:00.000000:
# W tensorflow/core/...cc:12] ...`); group 1 or 2 is the severity.
_LOG_LINE = re.compile(
    rb"^(?:([IWEF])\d{4} \d\d:\d\d:\d+\.\d+ +\d+ \S+:\d+\] "
    rb"|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: ([IWEF]) \S+:\d+\] )"
)
_ABSL_NOT_INITIALIZED = b"WARNING: All log messages before absl::InitializeLog()"
# TF_CPP_MIN_LOG_LEVEL: the severities each level hides.
_HIDDEN = {0: b"", 1: b"I", 2: b"IW", 3: b"IWE"}


def install():
    """Filters stderr while `tensorflow` is imported in this process, if
    the environment asks for it (`QUIET_VARIABLE=1`).

    Does nothing otherwise, when TensorFlow is already imported or when
    `TF_CPP_MIN_LOG_LEVEL` hides nothing.
    """
    if os.environ.get(QUIET_VARIABLE) != "1":
        return
    if "tensorflow" in sys.modules or not _hidden_severities():
        return
    if not any(isinstance(f, _QuietImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _QuietImport())


def _hidden_severities():
    try:
        level = int(os.environ.get("TF_CPP_MIN_LOG_LEVEL", "0"))
    except ValueError:
        level = 0
    return _HIDDEN[min(max(level, 0), 3)]


def is_hidden(line, hidden):
    """Whether the stderr `line` (bytes) is a log line of a severity in
    `hidden` (`b"IW"`), or absl's not-initialized warning."""
    if line.startswith(_ABSL_NOT_INITIALIZED):
        return b"W" in hidden
    match = _LOG_LINE.match(line)
    return bool(match) and (match.group(1) or match.group(2)) in hidden


class _QuietImport(importlib.abc.MetaPathFinder):
    """Finds `tensorflow` as usual and runs its import under the filter."""

    def find_spec(self, name, path=None, target=None):
        if name != "tensorflow":
            return None
        # Once: the filter covers TensorFlow's start-up, not its work.
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        exec_module = spec.loader.exec_module
        hidden = _hidden_severities()

        def quiet_exec_module(module):
            with filtered_stderr(hidden):
                exec_module(module)

        spec.loader.exec_module = quiet_exec_module
        return spec


@contextlib.contextmanager
def filtered_stderr(hidden):
    """Passes what is written to file descriptor 2 (also by C++ code) on
    to stderr line by line, as it comes, without the `is_hidden` lines."""
    sys.stderr.flush()
    try:
        restore = os.dup(2)
    except OSError:  # no file descriptor 2
        yield
        return
    read_end, write_end = os.pipe()
    forward = threading.Thread(
        target=_forward, args=(read_end, os.dup(2), hidden), daemon=True
    )
    os.dup2(write_end, 2)
    os.close(write_end)
    forward.start()
    try:
        yield
    finally:
        sys.stderr.flush()
        # Closes the pipe's last write end: the thread reads to its end.
        os.dup2(restore, 2)
        os.close(restore)
        forward.join(timeout=5)


def _forward(read_end, stderr, hidden):
    with os.fdopen(read_end, "rb") as lines:
        for line in lines:
            while line and not is_hidden(line, hidden):
                line = line[os.write(stderr, line) :]
    os.close(stderr)
