"""`TrainingCheckpoint`: atomic whole-model checkpoints to resume from."""

import contextlib
import errno
import glob
import json
import math
import os
import re
import warnings

import keras
import numpy as np

from keras_gans.utils.checkpoint_write_error import CheckpointWriteError
from keras_gans.utils.safe_loading import load_keras_file
from keras_gans.utils.unsafe_model_file_error import UnsafeModelFileError
from keras_gans.utils.validation import check_directory_arg
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received

_LATEST = "latest.json"
_NAME = re.compile(r"^epoch_(\d+)\.keras$")
# `model.save` insists on a `.keras` suffix, so a file being written keeps
# it behind this prefix, which `_NAME` never matches.
_PARTIAL = "partial-"


def _fsync(path):
    # Renaming is atomic, but without a flush a power cut can still leave
    # the renamed file empty; a killed process cannot (the OS keeps its
    # writes).
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_json_atomically(path, payload):
    tmp = f"{path}.tmp"
    try:
        with open(tmp, "w") as f:
            json.dump(payload, f, indent=2)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError:
        _remove_quietly(tmp)
        raise


def _remove_quietly(path):
    # Cleaning up after a failed write: the file system that refused the
    # write may refuse this too, and the first error is the one to report.
    with contextlib.suppress(OSError):
        os.remove(path)


def _reason(error):
    """`"No space left on device (ENOSPC)"`: an `OSError` in words."""
    reason = error.strerror or str(error)
    code = errno.errorcode.get(error.errno)
    return f"{reason} ({code})" if code else reason


def _non_finite_state(model, logs=None):
    """What is NaN or infinite in `logs` or `model`'s variables, or `None`.

    Args:
        model: a Keras model (its weights and optimizer variables are
            checked).
        logs: a dict of logged values (e.g. an epoch's losses).

    Returns:
        A short description such as `"d_loss=nan"` or `"variable
        'generator/dense/kernel'"`, or `None` when everything is finite.
    """
    for key, value in (logs or {}).items():
        try:
            number = float(value)
        except (TypeError, ValueError):
            continue
        if not math.isfinite(number):
            return f"{key}={number}"
    variables = list(model.weights)
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None:
        variables += list(optimizer.variables)
    for variable in variables:
        value = np.asarray(keras.ops.convert_to_numpy(variable.value))
        if value.dtype.kind == "f" and not np.all(np.isfinite(value)):
            return f"variable {variable.path!r}"
    return None


def _progress(model):
    """The stage and step counts of a keras-gans model (for `latest.json`).

    The `.keras` file holds them too (the stage in the config, the counts
    in variables); the record lets a person or a scheduler see where a
    run stands without loading it.
    """
    if not hasattr(model, "stage_step"):
        return {}
    return {
        "stage": int(model.stage),
        "stage_name": model.stage_name,
        "stage_step": int(keras.ops.convert_to_numpy(model.stage_step)),
        "step": int(keras.ops.convert_to_numpy(model.step_counter)),
    }


class TrainingCheckpoint(keras.callbacks.Callback):
    """Saves the whole GAN as `.keras` every k epochs, for `--resume`.

    A checkpoint holds the full training state: both networks, both
    optimizers (slots, iteration counts, hence the position of learning
    rate schedules), the EMA generator, the adaptive augmentation
    probability and any other state variable of the model, the seed
    generator states, the compile configuration and the training stage
    with the steps done in it; `latest.json` records the epoch, the Keras
    backend that wrote the file (and, for keras-gans models, the stage, its
    name and the step counts). `restore()` followed by
    `fit(..., initial_epoch=epoch)`
    continues training where it stopped (with `keras_gans.data.load(...,
    initial_epoch=epoch)` the data order is also the uninterrupted one).

    Writes are crash-safe: each file is written under a temporary name,
    flushed to disk and renamed, and `latest.json` is replaced (the same
    way) only after the rename, so a process killed at any moment leaves
    the previous checkpoint intact and loadable. A write the file system
    refuses (a full disk) leaves them intact too: the partial file is
    removed and a `CheckpointWriteError` (an `OSError`) says which
    checkpoint is kept. A model whose losses or weights are NaN or
    infinite is never saved, so the last checkpoint stays the last good
    one.

    It plays the role of `keras.callbacks.BackupAndRestore`, which loads
    weights back into a model the script must first rebuild and compile
    the same way, and keeps one backup: a checkpoint here is a complete
    model, loadable on its own, and the last `keep` are kept.

    Args:
        directory: folder of the checkpoints; created if missing.
        every: save every `every` epochs.
        keep: number of most recent checkpoints kept on disk.

    Raises:
        ValueError: for a non-positive `every` or `keep`, or an empty
            `directory`.

    Example:

    ```python
    ckpt = keras_gans.callbacks.TrainingCheckpoint("runs/dcgan/checkpoints")
    gan, start = make_gan(), 0
    restored = ckpt.restore()          # None on the first run
    if restored is not None:
        gan, start = restored
    # Epoch-keyed data: each epoch's order depends on (seed, epoch) only.
    ds = keras_gans.data.load("digits", seed=0, epochs=20, initial_epoch=start)
    gan.fit(
        ds,
        epochs=20,
        initial_epoch=start,
        steps_per_epoch=len(ds) // (20 - start),
        callbacks=[ckpt, keras_gans.callbacks.NaNGuard()],
    )
    ```
    """

    def __init__(self, directory, every=1, keep=2):
        super().__init__()
        self.directory = check_directory_arg("directory", directory)
        self.every = check_positive_int("every", every)
        self.keep = check_positive_int("keep", keep)

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        problem = _non_finite_state(self.model, logs)
        if problem is not None:
            found = self.latest()
            kept = found[0] if found else "none yet"
            print(
                f"TrainingCheckpoint: not saving epoch {epoch + 1}: "
                f"{problem} is not finite. Kept the last good checkpoint: "
                f"{kept}."
            )
            return
        self.save(self.model, epoch + 1)

    def save(self, model, epoch):
        """Writes `epoch_XXXX.keras` and points `latest.json` at it.

        Returns:
            The path of the new checkpoint.

        Raises:
            ValueError: if a weight or optimizer variable of `model` is
                NaN or infinite (the last good checkpoint is kept).
            CheckpointWriteError: (an `OSError` with the failed write's
                `errno`) if the file system refuses a write; the partial
                file is removed, and the previous checkpoint and
                `latest.json` are unchanged.
        """
        problem = _non_finite_state(model)
        if problem is not None:
            raise ValueError(
                f"Refusing to checkpoint a model whose {problem} is not "
                "finite. " + format_received(epoch=epoch)
            )
        try:
            self._write(model, epoch)
        except OSError as error:
            self._remove_partial_files()
            raise self._write_error(error, epoch) from error
        # After the new checkpoint is complete: a failure here leaves it
        # and the one before it.
        self._prune()
        return self.path(epoch)

    def path(self, epoch):
        """The file of `epoch`'s checkpoint (`directory/epoch_XXXX.keras`)."""
        return os.path.join(self.directory, f"epoch_{epoch:04d}.keras")

    def record(self):
        """The `latest.json` record, or `None` if missing or unreadable.

        Returns:
            A dict: `epoch`, `path` (the file name), `backend` (the Keras
            backend that wrote the checkpoint; absent in records of
            earlier versions) and, for keras-gans models, `stage`,
            `stage_name`, `stage_step` and `step`.
        """
        try:
            with open(os.path.join(self.directory, _LATEST)) as f:
                payload = json.load(f)
        except (OSError, ValueError):
            return None
        return payload if isinstance(payload, dict) else None

    def _write(self, model, epoch):
        os.makedirs(self.directory, exist_ok=True)
        self._remove_partial_files()
        path = self.path(epoch)
        name = os.path.basename(path)
        tmp = os.path.join(self.directory, _PARTIAL + name)
        model.save(tmp)
        _fsync(tmp)
        os.replace(tmp, path)
        try:
            _write_json_atomically(
                os.path.join(self.directory, _LATEST),
                {
                    "epoch": int(epoch),
                    "path": name,
                    "backend": keras.backend.backend(),
                    **_progress(model),
                },
            )
        except OSError:
            # latest.json still names the previous checkpoint; this one,
            # newer than it, would only be picked if the record were lost.
            _remove_quietly(path)
            raise

    def _write_error(self, error, epoch):
        """The `CheckpointWriteError` of a failed save of `epoch`."""
        try:
            found = self.latest()
        except (OSError, ValueError):  # a damaged folder: nothing to name
            found = None
        if found is None:
            kept, then = "none yet", "."
        else:
            kept = f"{os.path.basename(found[0])}, epoch {found[1]}"
            then = ": training can resume from it."
        return CheckpointWriteError(
            error.errno,
            f"Could not write the checkpoint of epoch {epoch} to "
            f"{self.directory}: {_reason(error)}. The previous checkpoint "
            f"({kept}) and {_LATEST} are unchanged{then} "
            + format_received(directory=self.directory, epoch=epoch),
        )

    def latest(self):
        """`(path, epoch)` of the newest complete checkpoint, or `None`.

        `latest.json` names it; if that record is missing or unreadable
        (a file system that lost it), the newest `epoch_XXXX.keras` is
        used.

        Raises:
            FileNotFoundError: if `latest.json` names a file that does not
                exist and no other checkpoint is left.
        """
        record = os.path.join(self.directory, _LATEST)
        files = self._checkpoint_files()
        if not os.path.isfile(record):
            return files[-1] if files else None
        try:
            with open(record) as f:
                payload = json.load(f)
            path = os.path.join(self.directory, payload["path"])
            epoch = int(payload["epoch"])
        except (ValueError, KeyError, TypeError) as error:
            if not files:
                raise ValueError(
                    f"{record} is unreadable ({error}) and no checkpoint "
                    "file is left. " + format_received(directory=self.directory)
                ) from error
            warnings.warn(
                f"{record} is unreadable ({error}); using the newest "
                f"checkpoint file, {files[-1][0]}."
            )
            return files[-1]
        if not os.path.isfile(path):
            if not files:
                raise FileNotFoundError(
                    f"{record} names a checkpoint that does not exist. "
                    + format_received(path=path)
                )
            warnings.warn(
                f"{record} names {path}, which does not exist; using the "
                f"newest checkpoint file, {files[-1][0]}."
            )
            return files[-1]
        return path, epoch

    def restore(self, compile=True):
        """Loads the newest checkpoint: `(model, epoch)`, or `None`.

        Files are loaded with `safe_mode=True` (see
        `keras_gans.utils.safe_loading`). If the newest file cannot be
        read (it was damaged after it was written), older ones are tried,
        with a warning.

        Raises:
            UnsafeModelFileError: if the checkpoint stores Python code (a
                `Lambda` layer); it is never loaded.
            ValueError: if no checkpoint in the folder can be loaded.
        """
        found = self.latest()
        if found is None:
            return None
        candidates = [found] + [
            item
            for item in reversed(self._checkpoint_files())
            if item[1] < found[1]
        ]
        errors = []
        for path, epoch in candidates:
            try:
                model = load_keras_file(path, compile=compile)
            except UnsafeModelFileError:
                raise
            except ValueError as error:
                errors.append(str(error))
                warnings.warn(f"Skipping an unreadable checkpoint: {error}")
                continue
            return model, epoch
        raise ValueError(
            "No checkpoint in the folder can be loaded: "
            + "; ".join(errors)
            + " "
            + format_received(directory=self.directory)
        )

    def _checkpoint_files(self):
        """`[(path, epoch)]` of the complete checkpoints, oldest first."""
        found = []
        for path in glob.glob(os.path.join(self.directory, "epoch_*.keras")):
            match = _NAME.match(os.path.basename(path))
            if match:
                found.append((path, int(match.group(1))))
        return sorted(found, key=lambda item: item[1])

    def _remove_partial_files(self):
        # Left by a process killed while saving, or by a failed write;
        # never loaded.
        pattern = os.path.join(self.directory, _PARTIAL + "*")
        for path in glob.glob(pattern):
            _remove_quietly(path)

    def _prune(self):
        for path, _ in self._checkpoint_files()[: -self.keep]:
            os.remove(path)
