"""Tests of the `FID` and `KID` callbacks on a tiny DCGAN fit on the digits.

Only the test that FID improves with training fits all 1,797 digits (on
TensorFlow; see `LEARNS`); the
tests of the callbacks' bookkeeping (which epochs score, the best
checkpoint, KID's mean and std, TensorBoard) fit the first 256 (8 steps
an epoch instead of 56): they compare what was logged with what the
callback's samples score, whatever the quality.
"""

import glob
import re

import keras
import numpy as np
import pytest

from keras_gans.callbacks import FID
from keras_gans.callbacks import KID
from keras_gans.metrics import FeatureStatistics
from keras_gans.metrics import fid_from_images
from keras_gans.metrics import kernel_distance
from tests.conftest import one_torch_thread
from tests.helpers import tiny_dcgan

N = 400
# Training images of the bookkeeping tests (see the module docstring).
TRAIN = 256
# That training improves FID is asserted in the TensorFlow session only:
# the golden step (tests/training/test_golden_step.py) shows that the three
# backends take the same step, and fitting all the digits long enough to
# improve cost the JAX and torch sessions 30-43 s each. There the test
# checks the bookkeeping on the first TRAIN digits.
LEARNS = keras.backend.backend() == "tensorflow"


@pytest.fixture(autouse=True)
def _one_thread():
    with one_torch_thread():
        yield


def fit_with(callbacks, images, epochs):
    gan = tiny_dcgan()
    gan.compile()
    history = gan.fit(
        images, batch_size=32, epochs=epochs, verbose=0, callbacks=callbacks
    )
    return gan, history


def test_fid_logs_every_epoch_and_training_improves_it(
    digits_extractor, digits_images, tmp_path
):
    fid = FID(digits_images, digits_extractor, n=N, verbose=0,
              save_best=str(tmp_path / "best.keras"))
    gan = tiny_dcgan()
    fid.set_model(gan)
    untrained = fid.evaluate()["fid"]
    images = digits_images if LEARNS else digits_images[:TRAIN]
    gan, history = fit_with([fid], images, epochs=4)
    scores = history.history["fid"]
    assert len(scores) == 4 and sorted(fid.scores) == [0, 1, 2, 3]
    if LEARNS:
        # A generator trained longer scores better than one trained briefly.
        assert scores[-1] < scores[0] < untrained
        assert scores[-1] < 0.85 * untrained
    assert fid.best == min(scores)
    assert fid.best_epoch == int(np.argmin(scores))
    # The logged value is the FID of exactly these samples.
    images = gan.generate_from_latents(gan.latents_for(N, 0))
    direct = fid_from_images(digits_images, images, digits_extractor)
    assert scores[-1] == pytest.approx(direct, rel=1e-6)


def test_best_checkpoint_holds_the_best_epoch(
    digits_extractor, digits_images, tmp_path
):
    path = str(tmp_path / "best.keras")
    fid = FID(digits_images, digits_extractor, n=N, every=1, verbose=0,
              save_best=path)
    fit_with([fid], digits_images[:TRAIN], epochs=3)
    best = keras.saving.load_model(path)
    fid.set_model(best)
    assert fid.evaluate()["fid"] == pytest.approx(fid.best, rel=1e-5)
    assert not glob.glob(str(tmp_path / "*.tmp-*"))


def test_every_k_epochs_and_precomputed_statistics(
    digits_extractor, digits_images
):
    stats = FeatureStatistics().update(digits_extractor.features(digits_images))
    fid = FID(stats, digits_extractor, n=N, every=2, verbose=0)
    _, history = fit_with([fid], digits_images[:TRAIN], epochs=4)
    assert sorted(fid.scores) == [1, 3]
    assert len(history.history["fid"]) == 2


def test_kid_logs_mean_and_std(digits_extractor, digits_images):
    kid = KID(digits_images, digits_extractor, n=N, every=1, verbose=0,
              num_subsets=20, subset_size=200)
    gan, history = fit_with([kid], digits_images[:TRAIN], epochs=2)
    assert len(history.history["kid"]) == len(history.history["kid_std"]) == 2
    images = gan.generate_from_latents(gan.latents_for(N, 0))
    direct, _ = kernel_distance(
        digits_extractor.features(digits_images),
        digits_extractor.features(images),
        num_subsets=20, subset_size=200, seed=0,
    )
    assert history.history["kid"][-1] == pytest.approx(direct, rel=1e-6)


def test_scores_reach_tensorboard(digits_extractor, digits_images, tmp_path):
    import tensorflow as tf

    fid = FID(digits_images, digits_extractor, n=200, verbose=0)
    board = keras.callbacks.TensorBoard(str(tmp_path / "tb"))
    _, history = fit_with([fid, board], digits_images[:TRAIN], epochs=2)
    files = glob.glob(str(tmp_path / "tb" / "train" / "events.*"))
    assert len(files) == 1
    logged = [
        float(tf.make_ndarray(value.tensor))
        for event in tf.compat.v1.train.summary_iterator(files[0])
        for value in event.summary.value
        if value.tag == "epoch_fid"
    ]
    assert logged == pytest.approx(history.history["fid"], rel=1e-5)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n": 0}, "Received: n=0"),
        ({"every": -1}, "Received: every=-1"),
        ({"save_best": "best.h5"}, "Received: save_best='best.h5'"),
    ],
)
def test_bad_arguments(digits_extractor, digits_images, kwargs, match):
    with pytest.raises(ValueError, match=re.escape(match)):
        FID(digits_images, digits_extractor, **kwargs)


def test_plain_keras_model_is_refused(digits_extractor, digits_images):
    fid = FID(digits_images, digits_extractor, n=10, verbose=0)
    fid.set_model(keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]))
    with pytest.raises(ValueError, match="needs a keras-gans model"):
        fid.evaluate()


def test_fid_of_a_conditional_model_uses_balanced_labels(
    digits_extractor, digits_images
):
    from keras_gans import data
    from tests.helpers import tiny_conditional

    _, labels = data.load_arrays("digits", image_shape=(16, 16, 1),
                                 with_labels=True)
    gan = tiny_conditional(num_classes=10)
    gan.compile()
    fid = FID(digits_images, digits_extractor, n=200, verbose=0)
    history = gan.fit(digits_images[:256], labels[:256], batch_size=32,
                      epochs=1, verbose=0, callbacks=[fid])
    images = gan.generate(200, seed=0)
    direct = fid_from_images(digits_images, images, digits_extractor)
    assert history.history["fid"][0] == pytest.approx(direct, rel=1e-6)
