"""`SampleGrid`: a PNG grid of fixed-latent samples after every k epochs."""

from keras_gans.callbacks.panel_grid import PanelGrid
from keras_gans.utils.images import grid_rows
from keras_gans.utils.validation import check_positive_int


class SampleGrid(PanelGrid):
    """Writes `directory/epoch_XXXX.png`, a grid of generated samples.

    The latents are the same at every epoch (`gan.generate(n, seed)`), so
    consecutive grids show how the same latent points evolve. The grid uses
    the model's `sampling_generator` in inference mode (the EMA generator
    when a variant keeps one). A `PanelGrid` whose panel is the samples.

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
        self.n = check_positive_int("n", n)
        self.seed = seed
        self.rows = rows
        super().__init__(directory, self.panel_rows, every)

    def panel_rows(self, model):
        """The panel: the fixed-latent samples of `model`, in grid rows."""
        return grid_rows(model.generate(self.n, seed=self.seed), self.rows)
