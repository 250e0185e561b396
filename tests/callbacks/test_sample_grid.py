import numpy as np
import pytest
from PIL import Image

from keras_gans.callbacks import SampleGrid
from keras_gans.utils.images import make_grid
from tests import helpers


def test_writes_grids_on_the_beat_and_after_the_last_epoch(tmp_path):
    model = helpers.tiny_dcgan()
    model.compile()
    grids = SampleGrid(tmp_path / "samples", every=2, n=4, seed=3)
    images = helpers.random_images(16, model.image_shape)
    model.fit(images, batch_size=8, epochs=3, verbose=0, callbacks=[grids])
    names = sorted(p.name for p in (tmp_path / "samples").iterdir())
    assert names == ["epoch_0002.png", "epoch_0003.png"]
    # The last grid shows the trained generator on the fixed latents.
    written = np.array(Image.open(tmp_path / "samples" / "epoch_0003.png"))
    expected = make_grid(model.generate(4, seed=3))[..., 0]
    scale = written.shape[0] // expected.shape[0]
    assert scale >= 1
    np.testing.assert_array_equal(written[::scale, ::scale], expected)


def test_grids_change_as_training_moves_the_generator(tmp_path):
    model = helpers.tiny_dcgan()
    model.compile()
    grids = SampleGrid(tmp_path, every=1, n=4)
    images = helpers.random_images(16, model.image_shape)
    model.fit(images, batch_size=8, epochs=2, verbose=0, callbacks=[grids])
    first, second = (np.array(Image.open(p)) for p in grids.paths)
    assert not np.array_equal(first, second)


@pytest.mark.parametrize(
    "kwargs, match",
    [({"every": 0}, "every=0"), ({"n": -1}, "n=-1"), ({"directory": ""}, "directory")],
)
def test_bad_arguments_raise_naming_them(tmp_path, kwargs, match):
    arguments = {"directory": tmp_path, **kwargs}
    with pytest.raises(ValueError, match=match):
        SampleGrid(**arguments)
