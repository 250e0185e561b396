"""`ImagePool`: CycleGAN's history of generated images."""

import keras
import numpy as np
import pytest

import keras_gans
from keras_gans.layers import ImagePool
from tests.helpers import translation_pairs
from tests.conftest import one_torch_thread
from tests.helpers import save_and_reload
from tests.helpers import tiny_translator
from tests.helpers import to_numpy

TILE = (2, 2, 1)


def constant_images(values):
    """One image per value, every pixel equal to it: a batch whose images
    are identified by a single number."""
    values = np.asarray(values, "float32")
    return np.broadcast_to(values[:, None, None, None], (len(values),) + TILE)


def values_of(images):
    """The value of each constant image (and a check that it is constant)."""
    array = to_numpy(images)
    flat = array.reshape(len(array), -1)
    np.testing.assert_array_equal(flat, flat[:, :1].repeat(flat.shape[1], 1))
    return flat[:, 0]


def query(pool, values):
    return values_of(
        pool(
            keras.ops.convert_to_tensor(constant_images(values)),
            training=True,
        )
    )


def count_of(pool):
    return int(to_numpy(pool.count))


def full_pool(pool_size, probability=0.5, seed=0):
    """A pool holding the images 1, 2, ..., pool_size."""
    pool = ImagePool(pool_size, probability=probability, seed=seed)
    query(pool, np.arange(1, pool_size + 1))
    return pool


def check_full_pool_query(pool, values):
    """Queries a full pool holding distinct values and checks CycleGAN's
    semantics image by image; returns the number of swapped images.

    A swapped image must get a stored image (identifying the slot, since
    the stored values are distinct) and take that slot; of several images
    aimed at one slot the last one stays; untouched slots keep their image.
    """
    before = values_of(pool.images)
    outputs = query(pool, values)
    expected = before.copy()
    swapped = outputs != values
    for value, output in zip(values[swapped], outputs[swapped]):
        slots = np.flatnonzero(before == output)
        assert len(slots) == 1, f"{output} was not in the pool {before}"
        expected[slots[0]] = value  # later images overwrite earlier ones
    np.testing.assert_array_equal(values_of(pool.images), expected)
    assert count_of(pool) == pool.pool_size
    return int(swapped.sum())


def test_fills_first_returning_and_storing_the_inputs():
    pool = ImagePool(pool_size=5, seed=0)
    np.testing.assert_array_equal(query(pool, [1, 2, 3]), [1, 2, 3])
    assert count_of(pool) == 3
    np.testing.assert_array_equal(values_of(pool.images)[:3], [1, 2, 3])
    np.testing.assert_array_equal(query(pool, [4, 5]), [4, 5])
    assert count_of(pool) == 5
    np.testing.assert_array_equal(values_of(pool.images), [1, 2, 3, 4, 5])


def test_a_batch_that_fills_the_pool_never_returns_an_empty_slot():
    # Two free slots, then 38 images that all swap: each gets a stored
    # image, including the two stored by this batch, never the zeros of
    # the slots that were still empty when the batch arrived.
    pool = ImagePool(pool_size=4, probability=1.0, seed=0)
    query(pool, [1, 2])
    values = np.arange(3, 41, dtype="float32")
    outputs = query(pool, values)
    np.testing.assert_array_equal(outputs[:2], [3, 4])
    assert set(outputs[2:]) <= set(range(1, 41)) - {0}
    assert not np.any(outputs[2:] == values[2:])
    assert count_of(pool) == 4


def test_full_pool_swaps_about_half_of_the_images():
    pool = full_pool(8, seed=3)
    rounds, batch = 20, 100
    swapped = sum(
        check_full_pool_query(
            pool, np.arange(batch, dtype="float32") + 100.0 * (r + 1)
        )
        for r in range(rounds)
    )
    # Binomial(2000, 0.5): standard deviation 22; the band is 5 of them.
    assert abs(swapped - rounds * batch / 2) < 110, swapped


@pytest.mark.parametrize("probability, expected", [(0.0, 0), (1.0, 6)])
def test_probability_zero_never_swaps_and_one_always(probability, expected):
    pool = full_pool(3, probability=probability)
    assert check_full_pool_query(pool, np.arange(10.0, 16.0)) == expected


def test_last_writer_wins_when_images_share_a_slot():
    pool = full_pool(2, probability=1.0, seed=1)
    before = values_of(pool.images)
    values = np.arange(10.0, 22.0)
    outputs = query(pool, values)
    after = values_of(pool.images)
    for slot, old in enumerate(before):
        aimed = values[outputs == old]
        assert len(aimed) > 1  # 12 images into 2 slots: repeats
        assert after[slot] == aimed[-1]


def test_inference_and_disabled_pool_pass_through():
    images = constant_images([1.0, 2.0, 3.0])
    pool = ImagePool(pool_size=4, seed=0)
    np.testing.assert_array_equal(to_numpy(pool(images)), images)
    assert count_of(pool) == 0
    full = full_pool(3, probability=1.0)
    stored = values_of(full.images)
    np.testing.assert_array_equal(
        to_numpy(full(images, training=False)), images
    )
    np.testing.assert_array_equal(values_of(full.images), stored)
    off = ImagePool(pool_size=0, seed=0)
    for _ in range(2):
        np.testing.assert_array_equal(
            to_numpy(off(images, training=True)), images
        )
    assert count_of(off) == 0


def test_mixed_precision_stores_float32_and_returns_the_compute_dtype():
    pool = ImagePool(pool_size=2, seed=0, dtype="mixed_float16")
    out = pool(constant_images([0.5, 0.25]), training=True)
    assert keras.backend.standardize_dtype(out.dtype) == "float16"
    assert keras.backend.standardize_dtype(pool.images.dtype) == "float32"
    assert tuple(out.shape) == (2,) + TILE
    assert pool.compute_output_shape((None,) + TILE) == (None,) + TILE
    np.testing.assert_array_equal(values_of(pool.images), [0.5, 0.25])


def test_config_round_trip():
    pool = ImagePool(pool_size=7, probability=0.25, seed=5, name="pool_x")
    config = pool.get_config()
    assert (config["pool_size"], config["probability"], config["seed"]) == (
        7, 0.25, 5,
    )
    clone = ImagePool.from_config(config)
    assert (clone.pool_size, clone.probability, clone.seed, clone.name) == (
        7, 0.25, 5, "pool_x",
    )
    revived = keras.layers.deserialize(keras.layers.serialize(pool))
    assert isinstance(revived, ImagePool) and revived.get_config() == config


def test_pool_state_survives_saving_the_model_that_owns_it(tmp_path):
    """Images, fill count and seed state come back from a `.keras` file:
    the restored pool answers the next query exactly like the original."""
    model = tiny_translator(keras_gans.CycleGAN, pool_size=4)
    model.compile()
    a, b = translation_pairs(6)
    with one_torch_thread():
        model.fit(a, b, batch_size=2, epochs=1, shuffle=False, verbose=0)
    restored = save_and_reload(model, tmp_path)
    probe = keras.ops.convert_to_tensor(translation_pairs(8, seed=5)[0])
    for name in ("pool_a", "pool_b"):
        pool, copy = getattr(model, name), getattr(restored, name)
        assert count_of(pool) == count_of(copy) == 4
        assert np.abs(to_numpy(pool.images)).max() > 0
        np.testing.assert_array_equal(
            to_numpy(copy.images), to_numpy(pool.images)
        )
        np.testing.assert_array_equal(
            to_numpy(copy.seed_generator.state),
            to_numpy(pool.seed_generator.state),
        )
        np.testing.assert_array_equal(
            to_numpy(copy(probe, training=True)),
            to_numpy(pool(probe, training=True)),
        )


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"pool_size": -1}, "pool_size"),
        ({"pool_size": 2.5}, "pool_size"),
        ({"pool_size": True}, "pool_size"),
        ({"probability": -0.1}, "probability"),
        ({"probability": 1.5}, "probability"),
        ({"probability": "half"}, "probability"),
    ],
)
def test_invalid_arguments(kwargs, match):
    with pytest.raises(ValueError, match=rf"{match}.*Received: {match}="):
        ImagePool(**kwargs)


@pytest.mark.parametrize(
    "shape",
    [(None, None, None, 1), (None, 16, None, 3), (None, 16, 16), (None, 8)],
    ids=["free-size", "free-width", "rank-3", "rank-2"],
)
def test_inputs_must_be_image_batches_of_known_shape(shape):
    with pytest.raises(ValueError, match=r"fully known shape.*input_shape="):
        ImagePool(pool_size=4).build(shape)
    with pytest.raises(ValueError, match="fully known shape"):
        ImagePool(pool_size=4)(keras.Input(batch_shape=shape), training=True)
