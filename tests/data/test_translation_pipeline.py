"""Epoch-keyed translation data (`load_paired` / `load_unpaired` with
`epochs=`): each epoch's order, jitter and (unpaired) both domains' orders
are a function of the seed and the epoch number alone, so a run resumed at
epoch k sees the batches of an uninterrupted run."""

import keras
import numpy as np
import pytest
import tensorflow_datasets as tfds

from keras_gans import data
from tests.data.translation_helpers import save_image

# Backend-independent: runs in one backend's session (tests/conftest.py).
pytestmark = pytest.mark.once


EDGES = dict(image_size=16, batch_size=64, seed=0)
# 1,438 digit pairs at batch 64.
EDGES_STEPS = 1438 // 64


def _epochs(dataset, epochs):
    """`(a, b)` of every batch, split into one array per epoch."""
    a, b = (np.concatenate(part) for part in zip(*dataset.as_numpy_iterator()))
    return np.split(a, epochs), np.split(b, epochs)


def _edges(epochs=3, initial_epoch=0, **kwargs):
    dataset = data.load_paired(
        "digits-edges",
        epochs=epochs,
        initial_epoch=initial_epoch,
        **{**EDGES, **kwargs},
    )
    return _epochs(dataset, epochs - initial_epoch)


def _ids(images):
    """Which constant image each float image in [-1, 1] is."""
    return np.rint((images[:, 0, 0, 0] + 1.0) * 127.5).astype(int).tolist()


def _constant_images(root, folder, ids):
    for i in ids:
        image = np.full((8, 8, 3), i, "uint8")
        save_image(root / folder / f"{i:03d}.png", image)


@pytest.fixture(scope="module")
def aligned(tmp_path_factory):
    """Six aligned pairs: A shows the value i, its partner B i + 100."""
    root = tmp_path_factory.mktemp("aligned")
    for i in range(6):
        _constant_images(root, "A/train", [i])
        save_image(
            root / "B" / "train" / f"{i:03d}.png",
            np.full((8, 8, 3), i + 100, "uint8"),
        )
    return root


@pytest.fixture(scope="module")
def domains(tmp_path_factory):
    """Unpaired folders: 4 A images (values 10..13), 9 B images (100..108)."""
    root = tmp_path_factory.mktemp("domains")
    _constant_images(root, "trainA", range(10, 14))
    _constant_images(root, "trainB", range(100, 109))
    return root


# ------------------------------------------------------------------ paired


def test_paired_resumed_epochs_are_the_uninterrupted_ones():
    dataset = data.load_paired("digits-edges", epochs=3, **EDGES)
    assert len(dataset) == 3 * EDGES_STEPS
    full_a, full_b = _edges()
    # Orders and jitter ("crop" on digit training pairs) included.
    for initial_epoch in (1, 2):
        resumed_a, resumed_b = _edges(initial_epoch=initial_epoch)
        for epoch, (a, b) in enumerate(zip(resumed_a, resumed_b)):
            np.testing.assert_array_equal(a, full_a[initial_epoch + epoch])
            np.testing.assert_array_equal(b, full_b[initial_epoch + epoch])
    assert not np.array_equal(full_a[0], full_a[1])
    assert not np.array_equal(full_a[1], full_a[2])


def test_paired_jitter_is_drawn_anew_each_epoch_and_kept_on_resume():
    # Unshuffled: the pairs come in file order every epoch, so what differs
    # between epochs is the jitter alone.
    full_a, full_b = _edges(epochs=2, shuffle=False)
    assert not np.array_equal(full_a[0], full_a[1])
    assert not np.array_equal(full_b[0], full_b[1])
    resumed_a, resumed_b = _edges(epochs=2, initial_epoch=1, shuffle=False)
    np.testing.assert_array_equal(resumed_a[0], full_a[1])
    np.testing.assert_array_equal(resumed_b[0], full_b[1])
    unjittered_a, _ = _edges(epochs=2, shuffle=False, jitter=False)
    np.testing.assert_array_equal(unjittered_a[0], unjittered_a[1])


def test_paired_epochs_are_aligned_permutations(aligned):
    dataset = data.load_paired(
        "aligned-folders", data_dir=str(aligned), batch_size=2, seed=1,
        epochs=3,
    )
    assert len(dataset) == 3 * 3
    epochs_a, epochs_b = _epochs(dataset, 3)
    orders = []
    for a, b in zip(epochs_a, epochs_b):
        assert sorted(_ids(a)) == list(range(6))
        assert _ids(b) == [i + 100 for i in _ids(a)]
        orders.append(_ids(a))
    assert orders[0] != orders[1] or orders[1] != orders[2]


def test_order_ignores_iterations_and_the_global_seed(aligned):
    def load():
        return data.load_paired(
            "aligned-folders", data_dir=str(aligned), batch_size=2, seed=1,
            epochs=2,
        )

    dataset = load()
    first = _epochs(dataset, 2)[0]
    # A reshuffling dataset would give other orders on its second pass.
    np.testing.assert_array_equal(_epochs(dataset, 2)[0], first)
    keras.utils.set_random_seed(99)
    np.testing.assert_array_equal(_epochs(load(), 2)[0], first)
    other = data.load_paired(
        "aligned-folders", data_dir=str(aligned), batch_size=6, seed=2,
        epochs=2,
    )
    assert not np.array_equal(_epochs(other, 2)[0], first)


# ---------------------------------------------------------------- unpaired


def _unpaired(root, epochs, initial_epoch=0, **kwargs):
    dataset = data.load_unpaired(
        "folder", data_dir=str(root), batch_size=3, seed=0, epochs=epochs,
        initial_epoch=initial_epoch, **kwargs,
    )
    # An epoch is one pass over the 9 B images: 3 batches of 3.
    assert len(dataset) == 3 * (epochs - initial_epoch)
    epochs_a, epochs_b = _epochs(dataset, epochs - initial_epoch)
    return [_ids(a) for a in epochs_a], [_ids(b) for b in epochs_b]


def test_unpaired_epochs_pass_the_larger_domain_and_repeat_the_smaller(
    domains,
):
    orders_a, orders_b = _unpaired(domains, epochs=3)
    for a, b in zip(orders_a, orders_b):
        assert sorted(b) == list(range(100, 109))
        # A's 4 images fill 9 slots: two full passes, then one image.
        assert sorted(a[:4]) == sorted(a[4:8]) == [10, 11, 12, 13]
        assert a[8] in (10, 11, 12, 13)
    assert len({tuple(b) for b in orders_b}) > 1
    # Each repeat of A has an order of its own.
    assert any(a[:4] != a[4:8] for a in orders_a)


def test_unpaired_resumed_epochs_are_the_uninterrupted_ones(domains):
    full_a, full_b = _unpaired(domains, epochs=4)
    for initial_epoch in (1, 3):
        resumed_a, resumed_b = _unpaired(
            domains, epochs=4, initial_epoch=initial_epoch
        )
        assert resumed_a == full_a[initial_epoch:]
        assert resumed_b == full_b[initial_epoch:]
    keras.utils.set_random_seed(99)
    assert _unpaired(domains, epochs=4) == (full_a, full_b)


def test_unpaired_jitter_is_keyed_by_the_epoch():
    def load(initial_epoch):
        dataset = data.load_unpaired(
            "digits-inverted", image_size=16, batch_size=64, seed=0,
            split="test", jitter="crop", shuffle=False, epochs=2,
            initial_epoch=initial_epoch,
        )
        return _epochs(dataset, 2 - initial_epoch)

    (a0, a1), (b0, b1) = load(0)
    # Unshuffled, so the crops alone differ between the epochs.
    assert not np.array_equal(a0, a1) and not np.array_equal(b0, b1)
    (resumed_a,), (resumed_b,) = load(1)
    np.testing.assert_array_equal(resumed_a, a1)
    np.testing.assert_array_equal(resumed_b, b1)


def test_tfds_cycle_gan_epochs_are_keyed_too(tmp_path):
    with tfds.testing.mock_data(num_examples=6, data_dir=str(tmp_path)):

        def load(initial_epoch):
            dataset = data.load_unpaired(
                "cycle_gan/horse2zebra", data_dir=str(tmp_path),
                image_size=8, batch_size=2, seed=0, epochs=3,
                initial_epoch=initial_epoch,
            )
            return _epochs(dataset, 3 - initial_epoch)

        full, resumed = load(0), load(2)
    np.testing.assert_array_equal(resumed[0][0], full[0][2])
    np.testing.assert_array_equal(resumed[1][0], full[1][2])
    assert not np.array_equal(full[0][0], full[0][1])


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize("loader", [data.load_paired, data.load_unpaired])
@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"initial_epoch": 2}, r"needs `epochs`.*initial_epoch=2"),
        ({"epochs": 3, "initial_epoch": 4}, r"in \[0, 3\].*initial_epoch=4"),
        ({"epochs": -1}, r"epochs=-1"),
        ({"epochs": 2.5}, r"epochs=2.5"),
    ],
)
def test_bad_epoch_arguments_raise_naming_them(loader, kwargs, match):
    paired = loader is data.load_paired
    source = "digits-edges" if paired else "digits-inverted"
    with pytest.raises(ValueError, match=match):
        loader(source, image_size=8, **kwargs)
