"""`PanelGrid`: a PNG panel of what the model does, every k epochs."""

import os

from keras_gans.callbacks.periodic_callback import PeriodicCallback
from keras_gans.metrics.image_checks import to_numpy
from keras_gans.utils.images import enlarge
from keras_gans.utils.images import save_panel
from keras_gans.utils.validation import check_directory_arg
from keras_gans.utils.validation import format_received


class PanelGrid(PeriodicCallback):
    """Writes `directory/epoch_XXXX.png`, a panel drawn from the model.

    What the panel shows is data, not a subclass: `panel(model)` returns
    the rows of tiles (see `keras_gans.utils.images.make_panel`; tiles may
    differ in size). `SampleGrid` (latent samples) and `TranslationGrid`
    (input, output, target) are this callback with their panel functions;
    any other kind passes its own, e.g. a super-resolution panel from
    `keras_gans.callbacks.panel_grid.upscaling_panel`.

    Args:
        directory: folder for the PNG files; created if missing.
        panel: callable `panel(model) -> rows` of `(H, W, C)` images in
            [-1, 1].
        every: write a panel every `every` epochs (and after the last one).

    Raises:
        ValueError: for a non-positive `every`, an empty `directory` or a
            `panel` that is not callable.

    Example:

    ```python
    def panel(model):
        return [model.generate(8, seed=0), model.generate(8, seed=1)]

    gan.fit(ds, epochs=20, callbacks=[
        keras_gans.callbacks.PanelGrid("runs/dcgan/panels", panel, every=5),
    ])
    ```
    """

    def __init__(self, directory, panel, every=1):
        super().__init__(every)
        self.directory = check_directory_arg("directory", directory)
        if not callable(panel):
            raise ValueError(
                "`panel` must be a callable returning rows of images. "
                + format_received(panel=panel)
            )
        self.panel = panel
        self.paths = []

    def on_period(self, epoch, logs):
        path = os.path.join(self.directory, f"epoch_{epoch + 1:04d}.png")
        self.paths.append(save_panel(self.panel(self.model), path))


def upscaling_panel(upscale, low_res, high_res=None):
    """The rows of a super-resolution panel: LR | output | HR per image.

    The LR tile is enlarged by nearest neighbour to the output's size, so
    its pixels show as blocks next to what the model made of them.

    Args:
        upscale: callable mapping a `(1, h, w, C)` batch in [-1, 1] to its
            `(1, s*h, s*w, C)` upscaled version (an upscaler artifact or a
            model's `predict`-like function).
        low_res: LR images in [-1, 1], a batch or a list of `(h, w, C)`
            images of different sizes.
        high_res: their HR originals (same order), or `None`.

    Returns:
        A list of rows for `make_panel` / `PanelGrid`.

    Raises:
        ValueError: for an output that is not an integer multiple of its
            input's size.
    """
    rows = []
    for i, image in enumerate(low_res):
        output = to_numpy(upscale(image[None]), "upscale")[0]
        factor = output.shape[0] // image.shape[0]
        if factor < 1 or output.shape[:2] != (
            factor * image.shape[0], factor * image.shape[1]
        ):
            raise ValueError(
                "`upscale` must return each image enlarged by one integer "
                f"factor; for {image.shape} it returned {output.shape}. "
                + format_received(upscale=upscale)
            )
        row = [enlarge(image[None], factor)[0], output]
        if high_res is not None:
            row.append(high_res[i])
        rows.append(row)
    return rows
