"""`SampleGrid`: a PNG grid of fixed-latent samples after every k epochs."""

import os

import keras

from keras_gans.utils.images import save_grid
from keras_gans.utils.validation import check_directory_arg
from keras_gans.utils.validation import check_positive_int


class SampleGrid(keras.callbacks.Callback):
    """Writes `directory/epoch_XXXX.png`, a grid of generated samples.

    The latents are the same at every epoch (`gan.generate(n, seed)`), so
    consecutive grids show how the same latent points evolve. The grid uses
    the model's `sampling_generator` in inference mode (the EMA generator
    when a variant keeps one).

    Args:
        directory: folder for the PNG files; created if missing.
        every: write a grid every `every` epochs (and after the last one).
        n: number of samples in the grid.
        seed: seed of the fixed latents.
        rows: grid rows (default: as square as possible).

    Raises:
        ValueError: for a non-positive `every` or `n`, or an empty
            `directory`.

    Example:

    ```python
    gan.fit(ds, epochs=20, callbacks=[
        keras_gans.callbacks.SampleGrid("runs/dcgan/samples", every=2),
    ])
    ```
    """

    def __init__(self, directory, every=1, n=64, seed=0, rows=None):
        super().__init__()
        self.directory = check_directory_arg("directory", directory)
        self.every = check_positive_int("every", every)
        self.n = check_positive_int("n", n)
        self.seed = seed
        self.rows = rows
        self.paths = []
        self._last_seen = None
        self._last_written = None

    def on_epoch_end(self, epoch, logs=None):
        self._last_seen = epoch
        if (epoch + 1) % self.every == 0:
            self._write(epoch)

    def on_train_end(self, logs=None):
        # The last epoch is always worth a grid, even off the `every` beat.
        if self._last_seen is not None and self._last_seen != self._last_written:
            self._write(self._last_seen)

    def _write(self, epoch):
        images = self.model.generate(self.n, seed=self.seed)
        path = os.path.join(self.directory, f"epoch_{epoch + 1:04d}.png")
        self.paths.append(save_grid(images, path, rows=self.rows))
        self._last_written = epoch
