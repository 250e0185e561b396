import json
import os

import keras
import numpy as np
import pytest

from keras_gans.callbacks import TrainingCheckpoint
from tests import helpers


def _fit(model, epochs, checkpoint, initial_epoch=0):
    images = helpers.random_images(16, model.image_shape, seed=2)
    return model.fit(
        images,
        batch_size=8,
        epochs=epochs,
        initial_epoch=initial_epoch,
        shuffle=False,
        verbose=0,
        callbacks=[checkpoint],
    )


def test_keeps_the_newest_checkpoints_and_points_at_the_last(tmp_path):
    model = helpers.tiny_dcgan()
    model.compile()
    checkpoint = TrainingCheckpoint(tmp_path, keep=2)
    _fit(model, 3, checkpoint)
    files = sorted(os.listdir(tmp_path))
    assert files == ["epoch_0002.keras", "epoch_0003.keras", "latest.json"]
    with open(tmp_path / "latest.json") as f:
        assert json.load(f) == {"epoch": 3, "path": "epoch_0003.keras"}
    restored, epoch = checkpoint.restore()
    assert epoch == 3
    assert helpers.iterations(restored.g_optimizer) == 6
    for a, b in zip(
        helpers.snapshot(model.weights), helpers.snapshot(restored.weights)
    ):
        np.testing.assert_array_equal(a, b)


def test_resumed_training_matches_uninterrupted_training(tmp_path):
    keras.utils.set_random_seed(0)
    uninterrupted = helpers.tiny_dcgan()
    uninterrupted.compile()
    _fit(uninterrupted, 3, TrainingCheckpoint(tmp_path / "a"))

    keras.utils.set_random_seed(0)
    interrupted = helpers.tiny_dcgan()
    interrupted.compile()
    checkpoint = TrainingCheckpoint(tmp_path / "b")
    _fit(interrupted, 2, checkpoint)
    resumed, epoch = checkpoint.restore()
    _fit(resumed, 3, checkpoint, initial_epoch=epoch)

    assert helpers.iterations(resumed.g_optimizer) == 6
    assert helpers.iterations(resumed.d_optimizer) == 6
    for a, b in zip(
        helpers.snapshot(uninterrupted.weights),
        helpers.snapshot(resumed.weights),
    ):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_restore_is_none_without_checkpoints(tmp_path):
    assert TrainingCheckpoint(tmp_path / "missing").restore() is None


def test_latest_pointing_at_a_missing_file_raises(tmp_path):
    (tmp_path / "latest.json").write_text('{"epoch": 4, "path": "epoch_0004.keras"}')
    with pytest.raises(FileNotFoundError, match="epoch_0004.keras"):
        TrainingCheckpoint(tmp_path).latest()


@pytest.mark.parametrize("kwargs, match", [({"every": 0}, "every=0"), ({"keep": 0}, "keep=0")])
def test_bad_arguments_raise_naming_them(tmp_path, kwargs, match):
    with pytest.raises(ValueError, match=match):
        TrainingCheckpoint(tmp_path, **kwargs)
