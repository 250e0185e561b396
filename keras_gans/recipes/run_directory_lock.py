"""`RunDirectoryLock`: one run at a time in a run directory."""

import datetime
import json
import os
import socket

from keras_gans.recipes.run_directory_error import RunDirectoryError

LOCK_FILE = ".lock"


class RunDirectoryLock:
    """Claims a run directory for one run: `directory/.lock`.

    Two runs writing the checkpoints, sample grids and curves of the same
    directory would overwrite each other's files (and a `--resume` would
    pick up a mix). `acquire` creates the lock file atomically
    (`O_CREAT | O_EXCL`) with the process id, host and start time; a
    second run then refuses at once with a `RunDirectoryError` naming the
    directory and the other run's process, rather than waiting for it: a
    run waiting for hours on a forgotten one helps no one, and the user
    decides (stop the other run, or pick another `--run-dir`).

    A lock left by a process that is no longer running on this host (a run
    killed with SIGKILL, or by a power cut) is stale: it is taken over,
    with a printed note, so the killed run can be resumed. A lock of
    another host is never taken over (whether that process runs cannot be
    checked from here); the message says to delete the file if the run is
    gone.

    Args:
        directory: the run directory; created if missing.

    Example:

    ```python
    with RunDirectoryLock(args.run_dir):
        train(args)
    ```
    """

    def __init__(self, directory):
        self.directory = os.fspath(directory)
        self.path = os.path.join(self.directory, LOCK_FILE)
        self._owner = None

    def acquire(self):
        """Takes the lock; returns `self`.

        Raises:
            RunDirectoryError: if another running process holds it.
        """
        os.makedirs(self.directory, exist_ok=True)
        owner = _this_process()
        while not self._create(owner):
            other = _read_owner(self.path)
            if _is_running(other):
                raise RunDirectoryError(self._in_use_message(other))
            self._take_over(other)
        self._owner = owner
        return self

    def release(self):
        """Removes the lock file if this object holds it (else nothing)."""
        if self._owner is None:
            return
        if _read_owner(self.path) == self._owner:  # never another run's lock
            os.remove(self.path)
        self._owner = None

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc_info):
        self.release()

    def _create(self, owner):
        """Creates the lock file holding `owner`; False if it exists."""
        try:
            fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            return False
        with os.fdopen(fd, "w") as f:
            json.dump(owner, f)
        return True

    def _take_over(self, stale):
        """Removes the stale lock of `stale` (`None`: already gone)."""
        if stale is None:  # released between the two looks: try again
            return
        # Renamed away, not removed: of two runs taking over one stale
        # lock, one renames it and the other finds it gone; and a lock
        # created by a third run since `stale` was read is put back.
        moved = f"{self.path}.stale-{os.getpid()}"
        try:
            os.rename(self.path, moved)
        except FileNotFoundError:
            return
        if _read_owner(moved) != stale:
            os.replace(moved, self.path)
            return
        print(
            f"Taking over the lock of {self.directory}: "
            f"{_describe(stale)} is no longer running."
        )
        os.remove(moved)

    def _in_use_message(self, other):
        return (
            f"The run directory {self.directory} is in use by another run: "
            f"{_describe(other)} holds {self.path}. Two runs in one "
            "directory would overwrite each other's checkpoints. Wait for "
            "that run to end or stop it, or give this run another "
            "--run-dir. If that process is not a keras-gans run (its "
            f"number was reused), delete {self.path}."
        )


def _read_owner(path):
    """The owner record in the lock file `path`: `{}` if unreadable,
    `None` if there is no such file."""
    try:
        with open(path) as f:
            owner = json.load(f)
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {}
    return owner if isinstance(owner, dict) else {}


def _this_process():
    return {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": datetime.datetime.now().isoformat(timespec="seconds"),
    }


def _describe(owner):
    """`"process 123 on host h (started 2024-05-01T10:00:00)"`."""
    if not owner:
        return "an unreadable lock file"
    return (
        f"process {owner.get('pid')} on host {owner.get('host')} "
        f"(started {owner.get('started')})"
    )


def _is_running(owner):
    """Whether the lock `owner` may still run (unknown: assume it does)."""
    if owner is None:
        return False
    if not owner:
        # Half-written by a process killed between creating and writing
        # it (the write follows at once, so a live run is not caught
        # here in practice): stale.
        return False
    if owner.get("host") != socket.gethostname():
        return True
    try:
        os.kill(int(owner["pid"]), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, under another user
        return True
    except (KeyError, TypeError, ValueError):
        return False
    return True
