"""`TrainingCheckpoint`: atomic whole-model checkpoints to resume from."""

import glob
import json
import os

import keras

from keras_gans.utils.validation import check_directory_arg
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received

_LATEST = "latest.json"


def _write_json_atomically(path, payload):
    tmp = f"{path}.tmp"
    with open(tmp, "w") as f:
        json.dump(payload, f, indent=2)
    os.replace(tmp, path)


class TrainingCheckpoint(keras.callbacks.Callback):
    """Saves the whole GAN as `.keras` every k epochs, for `--resume`.

    A checkpoint holds both networks, both optimizers (slots and iteration
    counts), the seed-generator states and the compile configuration, so
    `keras.saving.load_model` followed by `fit(..., initial_epoch=epoch)`
    continues training. Each file is written under a temporary name and
    renamed, and `latest.json` is replaced only after the rename: a crash
    while saving never leaves a truncated latest checkpoint.

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
    restored = ckpt.restore()          # None on the first run
    if restored is not None:
        gan, initial_epoch = restored
    gan.fit(ds, epochs=20, initial_epoch=initial_epoch, callbacks=[ckpt])
    ```
    """

    def __init__(self, directory, every=1, keep=2):
        super().__init__()
        self.directory = check_directory_arg("directory", directory)
        self.every = check_positive_int("every", every)
        self.keep = check_positive_int("keep", keep)

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every == 0:
            self.save(self.model, epoch + 1)

    def save(self, model, epoch):
        """Writes `epoch_XXXX.keras` and points `latest.json` at it."""
        os.makedirs(self.directory, exist_ok=True)
        name = f"epoch_{epoch:04d}.keras"
        path = os.path.join(self.directory, name)
        # `model.save` insists on a `.keras` suffix, so the temporary name
        # keeps it behind a prefix that `_checkpoint_files` never matches.
        tmp = os.path.join(self.directory, f"partial-{name}")
        model.save(tmp)
        os.replace(tmp, path)
        _write_json_atomically(
            os.path.join(self.directory, _LATEST),
            {"epoch": int(epoch), "path": name},
        )
        self._prune()
        return path

    def latest(self):
        """`(path, epoch)` of the newest complete checkpoint, or `None`."""
        record = os.path.join(self.directory, _LATEST)
        if not os.path.isfile(record):
            return None
        with open(record) as f:
            payload = json.load(f)
        path = os.path.join(self.directory, payload["path"])
        if not os.path.isfile(path):
            raise FileNotFoundError(
                f"{record} names a checkpoint that does not exist. "
                + format_received(path=path)
            )
        return path, int(payload["epoch"])

    def restore(self, compile=True):
        """Loads the newest checkpoint: `(model, epoch)`, or `None`."""
        found = self.latest()
        if found is None:
            return None
        import keras_gans  # noqa: F401  (registers the model classes)

        path, epoch = found
        return keras.saving.load_model(path, compile=compile), epoch

    def _checkpoint_files(self):
        pattern = os.path.join(self.directory, "epoch_*.keras")
        return sorted(glob.glob(pattern))

    def _prune(self):
        for path in self._checkpoint_files()[: -self.keep]:
            os.remove(path)
