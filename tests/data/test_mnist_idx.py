"""The "mnist-idx" source: real MNIST files and generated IDX files."""

import gzip
import os

import numpy as np
import pytest
import tensorflow as tf

from keras_gans import data
from tests.data.data_helpers import MNIST_FIRST_LABELS
from tests.data.data_helpers import MNIST_LABEL_COUNTS
from tests.data.data_helpers import idx_bytes
from tests.data.data_helpers import make_idx_set
from tests.data.data_helpers import write_idx

# Backend-independent: runs in one backend's session (tests/conftest.py).
pytestmark = pytest.mark.once

# ------------------------------------------------------- real MNIST files


def test_real_mnist_arrays_and_labels(shared_mnist_dir):
    images, labels = data.load_arrays(
        "mnist-idx", data_dir=shared_mnist_dir, with_labels=True
    )
    assert images.shape == (10000, 28, 28, 1) and images.dtype == np.uint8
    assert labels.dtype == np.int32
    assert labels[:10].tolist() == MNIST_FIRST_LABELS
    assert np.bincount(labels).tolist() == MNIST_LABEL_COUNTS
    # Real digits: black background, white strokes, ~19% ink.
    assert images.min() == 0 and images.max() == 255
    assert 0.1 < (images > 127).mean() < 0.3


def test_real_mnist_dataset(shared_mnist_dir):
    ds = data.load(
        "mnist-idx",
        data_dir=shared_mnist_dir,
        batch_size=10,
        with_labels=True,
        shuffle=False,
    )
    images, labels = next(iter(ds.as_numpy_iterator()))
    assert ds.element_spec[0].shape.as_list() == [10, 28, 28, 1]
    assert images.dtype == np.float32 and labels.dtype == np.int32
    assert labels.tolist() == MNIST_FIRST_LABELS
    assert -1.0 <= images.min() < -0.9 and 0.9 < images.max() <= 1.0


def test_real_mnist_resized_and_shuffled(shared_mnist_dir):
    ds = data.load(
        "mnist-idx",
        data_dir=shared_mnist_dir,
        batch_size=500,
        image_shape=(32, 32, 1),
        seed=0,
    )
    batches = list(ds.take(3).as_numpy_iterator())
    assert all(b.shape == (500, 32, 32, 1) for b in batches)
    # Resizing keeps real strokes: still mostly background, some full ink.
    assert batches[0].min() < -0.9 and batches[0].max() > 0.9
    assert len(list(ds.as_numpy_iterator())) == 10000 // 500


def test_real_mnist_info(shared_mnist_dir):
    info = data.info("mnist-idx", data_dir=shared_mnist_dir)
    assert info.image_shape == (28, 28, 1)
    assert info.num_examples == 10000
    assert info.num_classes == 10
    assert data.num_classes("mnist-idx", data_dir=shared_mnist_dir) == 10


def test_truncated_gzip_names_the_file(shared_mnist_dir, tmp_path):
    source = os.path.join(shared_mnist_dir, "t10k-images-idx3-ubyte.gz")
    with open(source, "rb") as f:
        partial = f.read(20_000)
    path = tmp_path / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(partial)
    with pytest.raises(ValueError, match="t10k-images-idx3-ubyte.gz"):
        data.load("mnist-idx", data_dir=str(tmp_path))


# -------------------------------------------------- generated IDX files


def test_read_idx_round_trip_and_dtypes(tmp_path):
    array = np.arange(24, dtype=">i4").reshape(2, 3, 4) - 5
    path = tmp_path / "values.idx"
    path.write_bytes(idx_bytes(array, type_code=0x0C))
    result = data.read_idx(str(path), expected_ndim=3)
    np.testing.assert_array_equal(result, array)
    assert result.dtype == np.int32 and result.dtype.isnative


def test_split_rules(tmp_path):
    train = make_idx_set(tmp_path, "train", 5, fill=10, compress=True)
    test = make_idx_set(tmp_path, "t10k", 3, fill=200, compress=False)

    def arrays(split):
        return data.load_arrays(
            "mnist-idx", data_dir=str(tmp_path), with_labels=True, split=split
        )

    images, labels = arrays("train")
    np.testing.assert_array_equal(images[..., 0], train)
    assert labels.tolist() == [0, 1, 2, 0, 1]
    images, labels = arrays("test")
    np.testing.assert_array_equal(images[..., 0], test)
    images, labels = arrays("all")
    np.testing.assert_array_equal(images[..., 0], np.concatenate([train, test]))
    assert labels.tolist() == [0, 1, 2, 0, 1, 0, 1, 2]
    info = data.info("mnist-idx", data_dir=str(tmp_path), split="all")
    assert info.num_examples == 8


def test_train_split_falls_back_to_t10k_files(tmp_path):
    test = make_idx_set(tmp_path, "t10k", 4, fill=99)
    images = data.load_arrays("mnist-idx", data_dir=str(tmp_path))
    np.testing.assert_array_equal(images[..., 0], test)
    # And "test" falls back to the train files when t10k is absent.
    other = tmp_path / "train_only"
    other.mkdir()
    train = make_idx_set(other, "train", 2, fill=7)
    images = data.load_arrays("mnist-idx", data_dir=str(other), split="test")
    np.testing.assert_array_equal(images[..., 0], train)


def test_dotted_fashion_mnist_style_names(tmp_path):
    images = np.full((4, 6, 5), 3, dtype="uint8")
    write_idx(tmp_path / "train-images.idx3-ubyte", images)
    write_idx(tmp_path / "train-labels.idx1-ubyte", np.arange(4, dtype="uint8"))
    ds = data.load(
        "mnist-idx", data_dir=str(tmp_path), batch_size=4, with_labels=True
    )
    batch, labels = next(iter(ds))
    assert batch.shape == (4, 6, 5, 1) and labels.dtype == tf.int32
    assert sorted(labels.numpy().tolist()) == [0, 1, 2, 3]


# ------------------------------------------------------------------ errors


def test_missing_data_dir():
    with pytest.raises(FileNotFoundError, match="data_dir='/no/such/dir'"):
        data.load("mnist-idx", data_dir="/no/such/dir")


def test_data_dir_required():
    with pytest.raises(ValueError, match="data_dir=None"):
        data.load("mnist-idx")


def test_directory_without_idx_files(tmp_path):
    (tmp_path / "readme.txt").write_text("no data")
    with pytest.raises(FileNotFoundError, match="train-images-idx3") as info:
        data.load("mnist-idx", data_dir=str(tmp_path))
    assert f"data_dir={str(tmp_path)!r}" in str(info.value)


def test_truncated_file_reports_found_and_expected_sizes(tmp_path):
    full = idx_bytes(np.zeros((10, 6, 5), "uint8"))
    path = tmp_path / "train-images-idx3-ubyte"
    path.write_bytes(full[:-7])
    with pytest.raises(ValueError) as info:
        data.load("mnist-idx", data_dir=str(tmp_path))
    message = str(info.value)
    assert str(path) in message and "truncated" in message
    assert f"found {len(full) - 7} bytes" in message
    assert f"expected {len(full)}" in message


def test_bad_magic_number(tmp_path):
    path = tmp_path / "train-images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(b"\x12\x34\x56\x78" + bytes(100)))
    with pytest.raises(ValueError, match=r"0x12345678.*0x00000803"):
        data.load("mnist-idx", data_dir=str(tmp_path))


def test_labels_file_where_images_expected(tmp_path):
    write_idx(tmp_path / "train-images-idx3-ubyte", np.zeros(5, "uint8"))
    with pytest.raises(ValueError, match=r"1 dimensions.*expected 3"):
        data.load("mnist-idx", data_dir=str(tmp_path))


def test_missing_labels_file(tmp_path):
    make_idx_set(tmp_path, "train", 5, fill=1, labels=False)
    # Without labels the images load fine.
    assert data.load_arrays("mnist-idx", data_dir=str(tmp_path)).shape[0] == 5
    with pytest.raises(FileNotFoundError, match="train-labels-idx1-ubyte"):
        data.load("mnist-idx", data_dir=str(tmp_path), with_labels=True)
    with pytest.raises(ValueError, match="no class labels"):
        data.num_classes("mnist-idx", data_dir=str(tmp_path))


def test_label_count_mismatch(tmp_path):
    make_idx_set(tmp_path, "train", 5, fill=1, labels=False)
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", np.zeros(4, "uint8"))
    with pytest.raises(ValueError, match=r"train-labels-idx1.*4 labels"):
        data.load("mnist-idx", data_dir=str(tmp_path), with_labels=True)


@pytest.mark.parametrize(
    "labels, type_code, match",
    [
        (np.array([0, 1, -2, 1, 0]), 0x0B, "negative label -2"),
        (np.array([0.0, 1.5, 2.0, 1.0, 0.0]), 0x0D, "float32 values"),
    ],
)
def test_labels_must_be_non_negative_integers(
    tmp_path, labels, type_code, match
):
    make_idx_set(tmp_path, "train", 5, fill=1, labels=False)
    (tmp_path / "train-labels-idx1-ubyte").write_bytes(
        idx_bytes(labels, type_code)
    )
    with pytest.raises(ValueError, match=match):
        data.load("mnist-idx", data_dir=str(tmp_path), with_labels=True)
    with pytest.raises(ValueError, match=match):
        data.num_classes("mnist-idx", data_dir=str(tmp_path))


def test_three_channels_for_grayscale_mnist(shared_mnist_dir):
    pattern = r"grayscale.*image_shape=\(32, 32, 3\)"
    with pytest.raises(ValueError, match=pattern):
        data.load(
            "mnist-idx", data_dir=shared_mnist_dir, image_shape=(32, 32, 3)
        )


def test_unknown_split(tmp_path):
    make_idx_set(tmp_path, "train", 2, fill=1)
    with pytest.raises(ValueError, match="split='validation'"):
        data.load("mnist-idx", data_dir=str(tmp_path), split="validation")


def test_batch_larger_than_files(tmp_path):
    make_idx_set(tmp_path, "train", 5, fill=1)
    with pytest.raises(ValueError, match=r"5 images.*batch_size=8"):
        data.load("mnist-idx", data_dir=str(tmp_path), batch_size=8)
