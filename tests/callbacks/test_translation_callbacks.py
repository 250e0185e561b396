"""`TranslationGrid` and `TranslationMetrics` during `fit()`."""

import os
import types

import numpy as np
import pytest
from PIL import Image

import keras_gans
from keras_gans.callbacks import TranslationGrid
from keras_gans.callbacks import TranslationMetrics
from keras_gans.callbacks.translation_grid import translation_panel
from keras_gans.data import TranslationArrays
from keras_gans.metrics.translation_evaluation import paired_scores
from keras_gans.metrics.translation_evaluation import unpaired_scores
from keras_gans.utils.images import make_grid
from tests.conftest import one_torch_thread
from tests.helpers import tiny_translator
from tests.helpers import translation_pairs

COLUMNS = 4


def to_uint8(images):
    return np.round((images + 1.0) * 127.5).astype("uint8")


def read_png(path):
    with Image.open(path) as image:
        return np.asarray(image)


def check_png_is_the_panel(path, model, arrays, paired, rows):
    """The PNG is the `rows`-row panel of the model now, upscaled."""
    images, panel_rows = translation_panel(
        model, arrays.a[:COLUMNS], arrays.b[:COLUMNS], paired
    )
    assert panel_rows == rows
    grid = make_grid(images, rows=rows)
    png = read_png(path)
    scale = png.shape[0] // grid.shape[0]
    assert scale >= 1 and png.shape[:2] == (
        grid.shape[0] * scale, grid.shape[1] * scale,
    )
    if grid.shape[-1] == 1:
        grid = grid[..., 0]
    np.testing.assert_array_equal(png[::scale, ::scale], grid)
    return png


class MeanSignClassifier:
    """Class 1 for images brighter than mid-gray, else 0."""

    def predict_labels(self, images):
        return (np.mean(images, axis=(1, 2, 3)) > 0).astype("int32")


@pytest.fixture(scope="module")
def paired_run(tmp_path_factory):
    """A tiny Pix2Pix (gray -> RGB) fit 2 epochs with both callbacks."""
    directory = str(tmp_path_factory.mktemp("pix2pix_grid"))
    model = tiny_translator(keras_gans.Pix2Pix, target_channels=3)
    model.compile()
    a, b = translation_pairs(8, b_channels=3)
    test_a, test_b = translation_pairs(6, seed=10, b_channels=3)
    arrays = TranslationArrays(
        a=to_uint8(test_a), b=to_uint8(test_b), paired=True
    )
    mean_target = b.mean(axis=0)
    metrics = TranslationMetrics(arrays, mean_target=mean_target)
    grid = TranslationGrid(directory, arrays.a[:COLUMNS], arrays.b[:COLUMNS])
    with one_torch_thread():
        history = model.fit(
            a, b, batch_size=4, epochs=2, callbacks=[metrics, grid], verbose=0
        )
    return types.SimpleNamespace(
        model=model, arrays=arrays, directory=directory, grid=grid,
        metrics=metrics, history=history.history, mean_target=mean_target,
    )


@pytest.fixture(scope="module")
def two_way_run(tmp_path_factory):
    """A tiny CycleGAN fit 3 epochs, both callbacks every 2 epochs."""
    directory = str(tmp_path_factory.mktemp("cyclegan_grid"))
    model = tiny_translator(keras_gans.CycleGAN)
    model.compile()
    a, b = translation_pairs(4)
    test_a, test_b = translation_pairs(6, seed=20)
    arrays = TranslationArrays(
        a=to_uint8(test_a),
        b=to_uint8(test_b[:5]),
        a_labels=np.array([0, 1, 1, 0, 1, 0]),
        b_labels=np.array([1, 1, 0, 0, 1]),
    )
    classifiers = (MeanSignClassifier(), MeanSignClassifier())
    metrics = TranslationMetrics(arrays, every=2, classifiers=classifiers)
    grid = TranslationGrid(
        directory, arrays.a[:COLUMNS], arrays.b[:COLUMNS], paired=False,
        every=2,
    )
    with one_torch_thread():
        history = model.fit(
            a, b, batch_size=2, epochs=3, callbacks=[metrics, grid], verbose=0
        )
    return types.SimpleNamespace(
        model=model, arrays=arrays, directory=directory, grid=grid,
        metrics=metrics, history=history.history, classifiers=classifiers,
    )


def test_paired_grid_writes_an_rgb_triptych_every_epoch(paired_run):
    names = sorted(os.listdir(paired_run.directory))
    assert names == ["epoch_0001.png", "epoch_0002.png"]
    assert paired_run.grid.paths == [
        os.path.join(paired_run.directory, name) for name in names
    ]
    # Rows input (gray, repeated to RGB), output, target; after training
    # the model is the one the last grid showed.
    png = check_png_is_the_panel(
        paired_run.grid.paths[-1], paired_run.model, paired_run.arrays,
        paired=True, rows=3,
    )
    assert png.ndim == 3 and png.shape[-1] == 3


def test_two_way_grid_shows_both_cycles_every_k_epochs_and_at_the_end(
    two_way_run,
):
    names = sorted(os.listdir(two_way_run.directory))
    assert names == ["epoch_0002.png", "epoch_0003.png"]  # every=2, last
    png = check_png_is_the_panel(
        two_way_run.grid.paths[-1], two_way_run.model, two_way_run.arrays,
        paired=False, rows=6,
    )
    assert png.ndim == 2  # both domains gray: a grayscale PNG


def test_panel_rows_are_the_translations_and_cycles(two_way_run):
    model, arrays = two_way_run.model, two_way_run.arrays
    images, rows = translation_panel(
        model, arrays.a[:COLUMNS], arrays.b[:COLUMNS], paired=False
    )
    a = arrays.a[:COLUMNS] / 127.5 - 1.0
    b = arrays.b[:COLUMNS] / 127.5 - 1.0
    to_b = model.translate(a.astype("float32"), "a_to_b")
    to_a = model.translate(b.astype("float32"), "b_to_a")
    expected = [
        a, to_b, model.translate(to_b, "b_to_a"),
        b, to_a, model.translate(to_a, "a_to_b"),
    ]
    np.testing.assert_allclose(
        images, np.concatenate(expected), atol=1e-5
    )
    alone, rows = translation_panel(model, arrays.a[:COLUMNS])
    assert rows == 3 and len(alone) == 3 * COLUMNS  # A, A->B, A->B->A


def test_paired_metrics_go_into_history(paired_run):
    history, metrics = paired_run.history, paired_run.metrics
    assert len(history["val_psnr"]) == len(history["val_ssim"]) == 2
    for key in ("val_input_psnr", "val_mean_psnr", "val_num_pairs"):
        assert key not in history  # baselines stay in `scores`
    assert [s["epoch"] for s in metrics.scores] == [1, 2]
    arrays = paired_run.arrays
    now = paired_scores(
        paired_run.model.translate, arrays.a, arrays.b, paired_run.mean_target
    )
    assert history["val_psnr"][-1] == pytest.approx(now["psnr"])
    assert history["val_ssim"][-1] == pytest.approx(now["ssim"])
    assert metrics.scores[-1]["mean_psnr"] == pytest.approx(now["mean_psnr"])
    assert metrics.scores[-1]["num_pairs"] == 6


def test_unpaired_metrics_with_classifiers_go_into_history(two_way_run):
    history, metrics = two_way_run.history, two_way_run.metrics
    # Scored at epoch 2 (in the logs) and after the last epoch (in scores).
    for key in ("val_cycle_a", "val_cycle_b", "val_identity",
                "val_identity_ab", "val_identity_ba"):
        assert len(history[key]) == 1, key
    assert "val_psnr" not in history
    assert [s["epoch"] for s in metrics.scores] == [2, 3]
    logged = metrics.scores[0]
    assert history["val_cycle_a"][0] == logged["cycle_a"]
    assert history["val_identity"][0] == logged["identity"]
    assert 0.0 <= logged["identity"] <= 1.0
    now = unpaired_scores(
        two_way_run.model, two_way_run.arrays, two_way_run.classifiers
    )
    assert metrics.scores[-1] == pytest.approx({"epoch": 3, **now})


def test_metrics_skip_a_diverged_model():
    # NaNGuard stops a diverged fit at a batch end, but Keras still ends
    # the epoch: scoring the NaN translations must not crash the run.
    model = tiny_translator(keras_gans.Pix2Pix)
    test_a, test_b = translation_pairs(4, seed=10)
    arrays = TranslationArrays(
        a=to_uint8(test_a), b=to_uint8(test_b), paired=True
    )
    kernel = model.generator.trainable_weights[0]
    kernel.assign(np.full(kernel.shape, np.nan, "float32"))
    with pytest.raises(ValueError, match="NaN"):
        paired_scores(model.translate, arrays.a, arrays.b)
    metrics = TranslationMetrics(arrays)
    metrics.set_model(model)
    logs = {"d_loss": float("nan")}
    metrics.on_epoch_end(0, logs)
    metrics.on_train_end()
    assert list(logs) == ["d_loss"]
    assert metrics.scores == []
