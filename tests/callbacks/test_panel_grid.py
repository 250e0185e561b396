"""`PanelGrid` with a panel function, e.g. the super-resolution panel."""

import keras
import numpy as np
import pytest
from PIL import Image

from keras_gans.callbacks import PanelGrid
from keras_gans.callbacks.panel_grid import upscaling_panel
from keras_gans.utils.images import make_panel
from tests import helpers


def test_upscaling_panel_rows_are_lr_output_hr():
    rng = np.random.default_rng(0)
    low = [rng.uniform(-1, 1, (3, 4, 3)), rng.uniform(-1, 1, (2, 2, 3))]
    high = [rng.uniform(-1, 1, (6, 8, 3)), rng.uniform(-1, 1, (4, 4, 3))]

    def nearest_2x(batch):
        return keras.ops.convert_to_tensor(batch.repeat(2, 1).repeat(2, 2))

    rows = upscaling_panel(nearest_2x, low, high)
    assert [[tile.shape for tile in row] for row in rows] == [
        [(6, 8, 3)] * 3, [(4, 4, 3)] * 3,
    ]
    # LR enlarged by nearest neighbour: each pixel a 2x2 block.
    np.testing.assert_allclose(rows[0][0][::2, ::2], low[0])
    np.testing.assert_allclose(rows[0][0][1::2, 1::2], low[0])
    np.testing.assert_allclose(rows[1][2], high[1])
    with pytest.raises(ValueError, match="integer factor"):
        upscaling_panel(lambda batch: batch[:, :1], low)


def test_writes_the_panel_of_the_model_on_the_beat(tmp_path):
    model = helpers.tiny_dcgan()
    model.compile()

    def two_seeds(gan):
        return [gan.generate(2, seed=0), gan.generate(3, seed=1)]

    grids = PanelGrid(tmp_path, two_seeds, every=2)
    images = helpers.random_images(16, model.image_shape)
    model.fit(images, batch_size=8, epochs=2, verbose=0, callbacks=[grids])
    assert [p.rsplit("/", 1)[-1] for p in grids.paths] == ["epoch_0002.png"]
    written = np.array(Image.open(grids.paths[0]))
    expected = make_panel(two_seeds(model))[..., 0]
    scale = written.shape[0] // expected.shape[0]
    np.testing.assert_array_equal(written[::scale, ::scale], expected)


def test_panel_must_be_callable(tmp_path):
    with pytest.raises(ValueError, match="Received: panel=3"):
        PanelGrid(tmp_path, 3)
