"""Epoch-keyed passes (`load(..., epochs=, initial_epoch=)`): each epoch's
order is a function of the seed and the epoch number alone."""

import keras
import numpy as np
import pytest

from keras_gans import data

# Backend-independent: runs in one backend's session (tests/conftest.py).
pytestmark = pytest.mark.once

BATCH = 64
# 1,797 digits at batch 64 (remainder dropped).
STEPS = 1797 // BATCH


def _labels(dataset):
    """The label sequence of `dataset`, one array per batch."""
    return [labels for _, labels in dataset.as_numpy_iterator()]


def _passes(seed=0, epochs=3, initial_epoch=0, **kwargs):
    dataset = data.load(
        "digits",
        batch_size=BATCH,
        with_labels=True,
        seed=seed,
        epochs=epochs,
        initial_epoch=initial_epoch,
        **kwargs,
    )
    labels = np.concatenate(_labels(dataset))
    return labels.reshape(epochs - initial_epoch, STEPS * BATCH)


def test_one_shuffled_pass_per_epoch():
    dataset = data.load("digits", batch_size=BATCH, seed=0, epochs=3)
    assert len(dataset) == 3 * STEPS
    passes = _passes()
    counts = np.bincount(np.ravel(passes[0]), minlength=10)
    # A pass holds every digit but the 5 dropped with the last batch.
    assert counts.sum() == 1797 - 5 and np.all(counts >= 170)
    assert not np.array_equal(passes[0], passes[1])
    assert not np.array_equal(passes[1], passes[2])


def test_a_resumed_dataset_repeats_the_uninterrupted_epochs():
    full = _passes(epochs=4)
    np.testing.assert_array_equal(_passes(epochs=4, initial_epoch=1), full[1:])
    np.testing.assert_array_equal(_passes(epochs=4, initial_epoch=3), full[3:])


def test_order_ignores_iteration_count_and_global_seed():
    dataset = data.load(
        "digits", batch_size=BATCH, with_labels=True, seed=0, epochs=2
    )
    first = np.concatenate(_labels(dataset))
    # A reshuffling dataset would give a new order on the second pass.
    np.testing.assert_array_equal(np.concatenate(_labels(dataset)), first)
    keras.utils.set_random_seed(99)
    np.testing.assert_array_equal(_passes(epochs=2).ravel(), first)


def test_seeds_give_different_orders():
    assert not np.array_equal(_passes(seed=0), _passes(seed=1))


def test_unshuffled_passes_keep_the_file_order():
    passes = _passes(epochs=2, shuffle=False)
    np.testing.assert_array_equal(passes[0], passes[1])
    np.testing.assert_array_equal(passes[0][:10], np.arange(10))


def test_tfds_passes_are_epoch_keyed_too(tmp_path):
    import tensorflow_datasets as tfds

    with tfds.testing.mock_data(num_examples=40, data_dir=str(tmp_path)):

        def passes(initial_epoch):
            dataset = data.load(
                "mnist",
                batch_size=8,
                data_dir=str(tmp_path),
                seed=0,
                epochs=3,
                initial_epoch=initial_epoch,
            )
            return np.concatenate(list(dataset.as_numpy_iterator()))

        full, resumed = passes(0), passes(2)
    assert len(full) == 3 * 40 and len(resumed) == 40
    np.testing.assert_array_equal(resumed, full[80:])
    assert not np.array_equal(full[:40], full[40:80])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"initial_epoch": 2}, r"needs `epochs`.*initial_epoch=2"),
        ({"epochs": 3, "initial_epoch": 4}, r"in \[0, 3\].*initial_epoch=4"),
        ({"epochs": 3, "initial_epoch": -1}, r"initial_epoch=-1"),
        ({"epochs": 2.5}, r"epochs=2.5"),
        ({"epochs": True}, r"epochs=True"),
    ],
)
def test_bad_epoch_arguments_raise_naming_them(kwargs, match):
    with pytest.raises(ValueError, match=match):
        data.load("digits", batch_size=BATCH, **kwargs)
