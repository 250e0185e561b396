"""`TrainingCurves`: the curves PNG and its numbers, continued on resume."""

import json
import math

import keras
import numpy as np
import pytest
from PIL import Image

from keras_gans.callbacks import TrainingCurves
from tests import helpers


def _records(path):
    with open(path) as f:
        return json.load(f)["epochs"]


def _check_png(path, keys):
    """A real PNG, drawn on, of one 320x240 panel per key, 3 a row."""
    with Image.open(path) as image:
        assert image.format == "PNG"
        size = image.size
        pixels = np.asarray(image.convert("L"), dtype="float32")
    columns = min(3, keys)
    assert size == (320 * columns, 240 * math.ceil(keys / columns))
    assert pixels.std() > 10  # lines, labels and ticks: not a blank image


class _ScoreEveryOtherEpoch(keras.callbacks.Callback):
    """Adds `fid` to the logs of even epochs, as `FID(every=2)` does."""

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % 2 == 0:
            logs["fid"] = 100.0 / (epoch + 1)


def test_records_every_logged_key_once_per_epoch(tmp_path):
    model = helpers.tiny_dcgan()
    model.compile()
    path = tmp_path / "run" / "curves.png"
    history = model.fit(
        helpers.random_images(16, model.image_shape),
        batch_size=8,
        epochs=2,
        verbose=0,
        callbacks=[_ScoreEveryOtherEpoch(), TrainingCurves(path)],
    )
    records = _records(tmp_path / "run" / "curves.json")
    assert [r["epoch"] for r in records] == [1, 2]
    assert {"d_loss", "g_loss", "fid"} <= set(history.history)
    assert set(records[1]) == {"epoch", *history.history}
    # The score is drawn where it was computed: epoch 2 only.
    assert "fid" not in records[0] and records[1]["fid"] == 50.0
    for key, values in history.history.items():
        if key != "fid":
            logged = [r[key] for r in records]
            np.testing.assert_allclose(logged, values, rtol=1e-6)
    _check_png(path, keys=len(history.history))


@pytest.mark.once  # bookkeeping of the epoch logs: backend-independent
def test_a_resumed_run_continues_the_earlier_epochs(tmp_path):
    path = tmp_path / "curves.png"
    # The interrupted run logged three epochs; its last checkpoint is the
    # one of epoch 2, so the resumed run trains epoch 3 again.
    interrupted = TrainingCurves(path)
    interrupted.on_train_begin()
    for epoch in range(3):
        interrupted.on_epoch_end(epoch, {"d_loss": 1.0 + epoch, "g_loss": 2.0})
    resumed = TrainingCurves(path)
    resumed.on_train_begin()
    resumed.on_epoch_end(2, {"d_loss": 9.0, "g_loss": float("nan")})
    resumed.on_epoch_end(3, {"d_loss": 9.5, "g_loss": 3.0, "note": "text"})
    resumed.on_train_end()
    assert _records(tmp_path / "curves.json") == [
        {"epoch": 1, "d_loss": 1.0, "g_loss": 2.0},
        {"epoch": 2, "d_loss": 2.0, "g_loss": 2.0},
        {"epoch": 3, "d_loss": 9.0, "g_loss": None},  # NaN: a gap
        {"epoch": 4, "d_loss": 9.5, "g_loss": 3.0},
    ]
    _check_png(path, keys=2)

    # A run started afresh in the same folder starts new curves.
    fresh = TrainingCurves(path)
    fresh.on_train_begin()
    fresh.on_epoch_end(0, {"d_loss": 5.0})
    assert _records(tmp_path / "curves.json") == [{"epoch": 1, "d_loss": 5.0}]
    _check_png(path, keys=1)


@pytest.mark.once  # file handling: backend-independent
def test_unreadable_numbers_are_ignored_with_a_warning(tmp_path):
    (tmp_path / "curves.json").write_text("{not json")
    curves = TrainingCurves(tmp_path / "curves.png")
    with pytest.warns(UserWarning, match="unreadable training curves"):
        curves.on_train_begin()
    curves.on_epoch_end(0, {"d_loss": 1.0})
    assert _records(tmp_path / "curves.json") == [{"epoch": 1, "d_loss": 1.0}]


@pytest.mark.once  # argument checking: backend-independent
@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"path": "curves.jpg"}, "path='curves.jpg'"),
        ({"path": ""}, "path=''"),
        ({"path": "curves.png", "every": 0}, "every=0"),
    ],
)
def test_bad_arguments_raise_naming_them(kwargs, match):
    with pytest.raises(ValueError, match=match):
        TrainingCurves(**kwargs)
