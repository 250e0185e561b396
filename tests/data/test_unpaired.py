"""`load_unpaired()`: digit domains, CycleGAN folders, tfds cycle_gan."""

import re

import numpy as np
import pytest
import tensorflow_datasets as tfds

from keras_gans import data
from keras_gans.data import unpaired
from tests.data.translation_helpers import noise
from tests.data.translation_helpers import save_image

# Backend-independent: runs in one backend's session (tests/conftest.py).
pytestmark = pytest.mark.once



def _constant_domains(root, split, count_a, count_b):
    """Flat gray images whose value tells them apart: A 10+i, B 100+i."""
    for count, domain, base in ((count_a, "A", 10), (count_b, "B", 100)):
        for i in range(count):
            image = np.full((8, 8, 3), base + i, "uint8")
            save_image(root / f"{split}{domain}" / f"{i}.png", image)


def _ids(images):
    """Which constant image each float image in [-1, 1] is."""
    return np.rint((images[:, 0, 0, 0] + 1.0) * 127.5).astype(int).tolist()


@pytest.fixture
def cyclegan_folder(tmp_path):
    _constant_domains(tmp_path, "train", 3, 5)
    _constant_domains(tmp_path, "test", 2, 2)
    return tmp_path


def test_digits_inverted_dataset():
    ds = data.load_unpaired("digits-inverted", batch_size=16)
    train = data.load_translation_arrays("digits-inverted", split="train")
    assert len(train.a) + len(train.b) == 1438  # 80% of the 1,797 digits
    # One epoch is one pass over the larger domain.
    assert int(ds.cardinality()) == max(len(train.a), len(train.b)) // 16
    a, b = next(iter(ds.as_numpy_iterator()))
    assert a.shape == b.shape == (16, 32, 32, 1)
    assert a.dtype == b.dtype == np.float32
    assert -1.0 <= a.min() and a.max() <= 1.0
    # A plain (dark background), B inverted (white background).
    assert a[:, 0, 0].mean() < -0.9 and b[:, 0, 0].mean() > 0.9


def test_mnist_inverted_dataset(shared_mnist_dir):
    ds = data.load_unpaired(
        "mnist-inverted",
        data_dir=shared_mnist_dir,
        split="test",
        batch_size=100,
    )
    assert int(ds.cardinality()) == 1001 // 100
    a, b = next(iter(ds.as_numpy_iterator()))
    assert a.shape == b.shape == (100, 32, 32, 1)


def test_epoch_is_the_larger_domain_with_the_smaller_repeated(cyclegan_folder):
    ds = data.load_unpaired(
        "folder", data_dir=str(cyclegan_folder), jitter=False, seed=3
    )
    for _ in range(2):
        a, b = (np.concatenate(x) for x in zip(*ds.as_numpy_iterator()))
        # Every B image exactly once; A (3 images) cycles to fill 5 steps.
        assert sorted(_ids(b)) == [100, 101, 102, 103, 104]
        assert set(_ids(a)) <= {10, 11, 12} and len(_ids(a)) == 5
        assert sorted(_ids(a)[:3]) == [10, 11, 12]  # a full pass first


def test_domains_shuffle_independently():
    # With equal seeds and sizes, a shared shuffle would keep the label
    # sequences of the two domains in lockstep.
    ds = data.load_unpaired("digits-inverted", batch_size=64, split="test")
    test = data.load_translation_arrays("digits-inverted")
    a, b = next(iter(ds.as_numpy_iterator()))

    def positions(batch, images):
        flat = {image.tobytes(): i for i, image in enumerate(images)}
        pixels = np.rint((batch + 1.0) * 127.5).astype("uint8")
        return [flat[image.tobytes()] for image in pixels]

    order_a, order_b = positions(a, test.a), positions(b, test.b)
    assert order_a != sorted(order_a)  # shuffled
    assert order_a != order_b


def test_seed_reproducible(cyclegan_folder):
    def epoch(seed):
        ds = data.load_unpaired(
            "folder", data_dir=str(cyclegan_folder), seed=seed, batch_size=3
        )
        return next(iter(ds.as_numpy_iterator()))

    first, again = epoch(1), epoch(1)
    np.testing.assert_array_equal(first[0], again[0])
    np.testing.assert_array_equal(first[1], again[1])
    assert not np.array_equal(epoch(1)[1], epoch(2)[1])


def test_folder_arrays_and_test_split(cyclegan_folder):
    train = data.load_translation_arrays(
        "folder", data_dir=str(cyclegan_folder), split="train", channels=1
    )
    assert train.a.shape == (3, 8, 8, 1) and train.b.shape == (5, 8, 8, 1)
    assert not train.paired and train.a_labels is None
    test = data.load_translation_arrays(
        "folder", data_dir=str(cyclegan_folder), image_size=(4, 6)
    )
    assert test.a.shape == test.b.shape == (2, 4, 6, 3)
    np.testing.assert_array_equal(test.b[1], 101)
    swapped = data.load_translation_arrays(
        "folder", data_dir=str(cyclegan_folder), direction="BtoA"
    )
    assert swapped.a[:, 0, 0, 0].tolist() == [100, 101]
    assert swapped.b[:, 0, 0, 0].tolist() == [10, 11]


def test_folder_jitter_per_image(tmp_path):
    for domain in "AB":
        for i in range(4):
            save_image(
                tmp_path / f"train{domain}" / f"{i}.png", noise((16, 16), i)
            )
    ds = data.load_unpaired("folder", data_dir=str(tmp_path), batch_size=4)
    originals = data.load_translation_arrays(
        "folder", data_dir=str(tmp_path), split="train"
    )
    a, b = next(iter(ds.as_numpy_iterator()))
    assert a.shape == b.shape == (4, 16, 16, 1)
    scaled = originals.a.astype("float32") / 127.5 - 1.0
    moved = sum(not any(np.allclose(x, o) for o in scaled) for x in a)
    assert moved >= 3  # the default jitter on "train" changed the images


def test_default_jitter():
    assert unpaired.default_jitter("digits-inverted") == "crop"
    assert unpaired.default_jitter("folder") is True
    assert unpaired.default_jitter("cycle_gan/horse2zebra") is True


# ------------------------------------------------------ tensorflow-datasets


@pytest.fixture
def mock_cycle_gan(tmp_path):
    with tfds.testing.mock_data(num_examples=6, data_dir=str(tmp_path)):
        yield str(tmp_path)


def test_tfds_cycle_gan(mock_cycle_gan):
    ds = data.load_unpaired(
        "cycle_gan/horse2zebra",
        data_dir=mock_cycle_gan,
        image_size=32,
        batch_size=3,
    )
    assert int(ds.cardinality()) == 2
    a, b = next(iter(ds.as_numpy_iterator()))
    assert a.shape == b.shape == (3, 32, 32, 3) and a.dtype == np.float32
    assert -1.0 <= a.min() and a.max() <= 1.0
    arrays = data.load_translation_arrays(
        "cycle_gan/horse2zebra", data_dir=mock_cycle_gan, image_size=(16, 24)
    )
    assert arrays.a.shape == arrays.b.shape == (6, 16, 24, 3)
    assert arrays.a.dtype == np.uint8 and arrays.split == "test"
    assert not arrays.paired and arrays.a_labels is None


def test_tfds_default_size_and_channels(mock_cycle_gan):
    ds = data.load_unpaired(
        "cycle_gan/monet2photo", data_dir=mock_cycle_gan, split="test"
    )
    a, b = next(iter(ds.as_numpy_iterator()))
    assert a.shape == b.shape == (1, 256, 256, 3)
    with pytest.raises(ValueError, match=r"3-channel A.*channels=\(1, 1\)"):
        data.load_unpaired(
            "cycle_gan/horse2zebra", data_dir=mock_cycle_gan, channels=1
        )


def test_tfds_not_prepared(tmp_path):
    with pytest.raises(FileNotFoundError, match="download=True"):
        data.load_unpaired("cycle_gan/horse2zebra", data_dir=str(tmp_path))


# ------------------------------------------------------------------ errors


def test_unknown_source_and_paired_hint():
    with pytest.raises(ValueError, match=r"cycle_gan/<name>.*source='mnist'"):
        data.load_unpaired("mnist")
    with pytest.raises(ValueError, match=r"paired.*load_paired"):
        data.load_unpaired("digits-edges")


def test_folder_errors(cyclegan_folder, tmp_path):
    with pytest.raises(ValueError, match=r"'folder'.*data_dir=None"):
        data.load_unpaired("folder")
    (cyclegan_folder / "testB" / "0.png").unlink()
    (cyclegan_folder / "testB" / "1.png").unlink()
    with pytest.raises(ValueError, match=r"testB.*holds no image files"):
        data.load_unpaired(
            "folder", data_dir=str(cyclegan_folder), split="test"
        )
    only_a = tmp_path / "only_a"
    _constant_domains(only_a, "train", 2, 0)
    expected = re.escape(repr(str(only_a / "trainB")))
    with pytest.raises(FileNotFoundError, match=rf"{expected}.*\['trainA'\]"):
        data.load_unpaired("folder", data_dir=str(only_a))


def test_corrupt_file_is_named(cyclegan_folder):
    (cyclegan_folder / "trainB" / "3.png").write_bytes(
        b"\x89PNG\r\n\x1a\n" + b"x"
    )
    with pytest.raises(ValueError, match=r"Could not decode.*3.png"):
        data.load_unpaired("folder", data_dir=str(cyclegan_folder))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"split": "val"}, r"'train', 'test'.*split='val'"),
        ({"jitter": "mirror"}, r"jitter='mirror'"),
        ({"image_size": -3}, r"image_size=-3"),
        ({"channels": (3, 4)}, r"channels=\(3, 4\)"),
        ({"batch_size": 4}, r"3 A images.*batch_size=4"),
        ({"batch_size": 2.5}, r"batch_size=2.5"),
    ],
)
def test_argument_errors(cyclegan_folder, kwargs, message):
    with pytest.raises(ValueError, match=message):
        data.load_unpaired("folder", data_dir=str(cyclegan_folder), **kwargs)
