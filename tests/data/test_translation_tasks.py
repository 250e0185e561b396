"""The built-in translation tasks: real digits and photos, disjoint splits."""

import numpy as np
import pytest
from PIL import Image

from keras_gans import data
from keras_gans.data import translation_tasks as tasks

# Backend-independent: runs in one backend's session (tests/conftest.py).
pytestmark = pytest.mark.once


def _rows(images):
    """The set of images as hashable byte strings."""
    return {image.tobytes() for image in images}


def _digits(source, split, mnist_dir, **kwargs):
    data_dir = mnist_dir if source.startswith("mnist") else None
    return data.load_translation_arrays(
        source, data_dir=data_dir, split=split, **kwargs
    )


@pytest.fixture
def mnist_dir_if_needed(request):
    # Only the MNIST parametrizations need (and may skip on) the files.
    if request.node.callspec.params["source"].startswith("mnist"):
        return request.getfixturevalue("shared_mnist_dir")
    return None


# ----------------------------------------------------------- building blocks


def test_stratified_split_is_disjoint_complete_and_balanced():
    labels = np.repeat(np.arange(3), [10, 20, 5])
    first, second = tasks.stratified_split(labels, 0.2, seed=0)
    assert set(first).isdisjoint(second)
    assert sorted(np.concatenate([first, second])) == list(range(35))
    np.testing.assert_array_equal(np.bincount(labels[second]), [2, 4, 1])
    again = tasks.stratified_split(labels, 0.2, seed=0)
    np.testing.assert_array_equal(again[1], second)
    other = tasks.stratified_split(labels, 0.2, seed=1)
    assert not np.array_equal(other[1], second)


def test_outline_is_the_ring_outside_the_thresholded_digit():
    digit = np.zeros((1, 7, 7, 1), "uint8")
    digit[0, 2:5, 2:5, 0] = 200  # above half intensity: "on"
    digit[0, 0, 6, 0] = 127  # below: "off", draws no ring
    expected = np.zeros((7, 7), "uint8")
    expected[1:6, 1:6] = 255
    expected[2:5, 2:5] = 0
    np.testing.assert_array_equal(tasks.outline(digit)[0, ..., 0], expected)


def test_invert_and_thicken_by_hand():
    digit = np.zeros((1, 5, 5, 1), "uint8")
    digit[0, 2, 2, 0] = 200
    digit[0, 0, 0, 0] = 50
    expected = np.full((5, 5), 255, "uint8")
    expected[1:4, 1:4] = 255 - 200  # the 3x3 dilation of the bright pixel
    expected[0:2, 0:2] = np.minimum(expected[0:2, 0:2], 255 - 50)
    out = tasks.invert_and_thicken(digit)
    assert out.shape == (1, 5, 5, 1) and out.dtype == np.uint8
    np.testing.assert_array_equal(out[0, ..., 0], expected)


def test_translation_sources():
    assert data.translation_sources(paired=True) == (
        "digits-edges",
        "mnist-edges",
        "photos-gray2color",
        "side-by-side",
        "aligned-folders",
    )
    assert data.translation_sources(paired=False) == (
        "digits-inverted",
        "mnist-inverted",
        "folder",
    )
    assert len(data.translation_sources()) == 8
    with pytest.raises(ValueError, match="paired='yes'"):
        data.translation_sources(paired="yes")


# ------------------------------------------------------------- paired tasks


@pytest.mark.parametrize("source", ["digits-edges", "mnist-edges"])
def test_edge_tasks(source, mnist_dir_if_needed):
    train = _digits(source, "train", mnist_dir_if_needed)
    test = _digits(source, "test", mnist_dir_if_needed)
    total = 1797 if source == "digits-edges" else 10_000
    assert len(train.a) + len(test.a) == total
    assert abs(len(test.a) / total - 0.2) < 0.01
    for arrays, split in ((train, "train"), (test, "test")):
        assert arrays.paired and arrays.split == split
        assert arrays.a.shape == arrays.b.shape == (len(arrays.a), 32, 32, 1)
        assert arrays.a.dtype == arrays.b.dtype == np.uint8
        # A is exactly the outline of B, and only 0/255.
        np.testing.assert_array_equal(arrays.a, tasks.outline(arrays.b))
        assert set(np.unique(arrays.a)) == {0, 255}
        np.testing.assert_array_equal(arrays.a_labels, arrays.b_labels)
        assert arrays.a_labels.dtype == np.int32
        assert set(arrays.a_labels) == set(range(10))
    # No test digit is also a training digit (images and their outlines).
    assert _rows(test.b).isdisjoint(_rows(train.b))
    assert _rows(test.a).isdisjoint(_rows(train.a))


def test_mnist_padding_keeps_pixels(shared_mnist_dir):
    arrays = data.load_translation_arrays(
        "mnist-edges", data_dir=shared_mnist_dir, split="train"
    )
    raw = data.load_arrays("mnist-idx", data_dir=shared_mnist_dir, split="all")
    # 28x28 -> 32x32 by a 2-pixel border: the digit pixels are untouched.
    assert arrays.b[:, :2].max() == 0 and arrays.b[:, 30:].max() == 0
    assert _rows(arrays.b[:, 2:30, 2:30]) <= _rows(raw)
    native = data.load_translation_arrays(
        "mnist-edges", data_dir=shared_mnist_dir, image_size=28
    )
    assert native.b.shape[1:] == (28, 28, 1)
    assert _rows(native.b) <= _rows(raw)


@pytest.mark.parametrize("size", [16, (24, 20)])
def test_digit_task_sizes(size):
    arrays = data.load_translation_arrays("digits-edges", image_size=size)
    expected = (size, size) if isinstance(size, int) else size
    assert arrays.a.shape[1:3] == arrays.b.shape[1:3] == expected


def test_photos_gray_to_color():
    train = data.load_translation_arrays("photos-gray2color", split="train")
    test = data.load_translation_arrays("photos-gray2color")
    assert set(tasks.TRAIN_PHOTOS).isdisjoint(tasks.TEST_PHOTOS)
    for arrays in (train, test):
        assert arrays.a.shape == (len(arrays.b), 64, 64, 1)
        assert arrays.b.shape[1:] == (64, 64, 3)
        assert arrays.a_labels is None and arrays.paired
        # A is the ITU-R 601 luma of B, as PIL computes it.
        for gray, colour in zip(arrays.a[::10], arrays.b[::10]):
            luma = np.asarray(Image.fromarray(colour).convert("L"))
            np.testing.assert_array_equal(gray[..., 0], luma)
    # Real colour, not gray in three channels.
    spread = train.b.max(axis=-1).astype(int) - train.b.min(axis=-1)
    assert spread.mean() > 20
    assert len(train.b) > 4 * len(test.b) > 100
    assert _rows(test.b).isdisjoint(_rows(train.b))


def test_photo_patch_size():
    arrays = data.load_translation_arrays("photos-gray2color", image_size=32)
    # Non-overlapping 32x32 test patches of two 256x384 photos: 8x12 each.
    assert arrays.b.shape == (2 * 8 * 12, 32, 32, 3)
    with pytest.raises(
        ValueError, match=r"at most 256.*image_size=\(300, 300\)"
    ):
        data.load_translation_arrays("photos-gray2color", image_size=300)


# ----------------------------------------------------------- unpaired tasks


@pytest.mark.parametrize("source", ["digits-inverted", "mnist-inverted"])
def test_inverted_tasks_share_no_image(source, mnist_dir_if_needed):
    train = _digits(source, "train", mnist_dir_if_needed)
    test = _digits(source, "test", mnist_dir_if_needed)
    total = 1797 if source == "digits-inverted" else 10_000
    counts = [len(x) for x in (train.a, train.b, test.a, test.b)]
    assert sum(counts) == total
    assert abs(counts[0] - counts[1]) <= 10 and abs(counts[2] - counts[3]) <= 10
    for arrays in (train, test):
        assert not arrays.paired
        assert arrays.a.shape[1:] == arrays.b.shape[1:] == (32, 32, 1)
        # B is inverted: white background, dark digit.
        assert arrays.a[:, 0, 0].mean() < 10 and arrays.b[:, 0, 0].mean() > 245
        for labels in (arrays.a_labels, arrays.b_labels):
            assert labels.dtype == np.int32 and set(labels) == set(range(10))
    # What an A digit would look like in domain B: no image has its
    # partner anywhere, within a split or across splits.
    as_b = {
        name: _rows(tasks.invert_and_thicken(arrays.a))
        for name, arrays in (("train", train), ("test", test))
    }
    assert as_b["train"].isdisjoint(_rows(train.b))
    assert as_b["test"].isdisjoint(_rows(test.b))
    assert as_b["test"].isdisjoint(_rows(train.b))
    assert as_b["train"].isdisjoint(_rows(test.b))
    assert _rows(test.a).isdisjoint(_rows(train.a))
    assert _rows(test.b).isdisjoint(_rows(train.b))


def test_splits_are_deterministic():
    first = data.load_translation_arrays("digits-inverted", split="train")
    second = data.load_translation_arrays("digits-inverted", split="train")
    np.testing.assert_array_equal(first.a, second.a)
    np.testing.assert_array_equal(first.b_labels, second.b_labels)


def test_direction_swaps_domains():
    forward = data.load_translation_arrays("digits-edges")
    backward = data.load_translation_arrays("digits-edges", direction="BtoA")
    np.testing.assert_array_equal(backward.a, forward.b)
    np.testing.assert_array_equal(backward.b, forward.a)


# ------------------------------------------------------------------ errors


def test_task_errors(tmp_path):
    with pytest.raises(ValueError, match=r"'train', 'test'.*split='val'"):
        data.load_translation_arrays("digits-edges", split="val")
    with pytest.raises(
        ValueError, match=r"must be 1 or None.*channels=\(3, 3\)"
    ):
        data.load_translation_arrays("digits-inverted", channels=3)
    with pytest.raises(
        ValueError, match=r"\(1, 3\) or None.*channels=\(1, 1\)"
    ):
        data.load_translation_arrays("photos-gray2color", channels=1)
    with pytest.raises(ValueError, match=r"'mnist-edges'.*data_dir=None"):
        data.load_translation_arrays("mnist-edges")
    with pytest.raises(FileNotFoundError, match="No MNIST images file"):
        data.load_translation_arrays("mnist-inverted", data_dir=str(tmp_path))
    with pytest.raises(ValueError, match="source='edges2shoes'"):
        data.load_translation_arrays("edges2shoes")
    with pytest.raises(ValueError, match=r"direction='AB'"):
        data.load_translation_arrays("digits-edges", direction="AB")
