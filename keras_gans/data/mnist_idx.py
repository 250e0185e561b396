"""The `"mnist-idx"` source: MNIST-format IDX files in a directory.

Reads the four files of the MNIST distribution (and of Fashion-MNIST,
KMNIST, ... which use the same format), gzipped or not:

    train-images-idx3-ubyte[.gz]   train-labels-idx1-ubyte[.gz]
    t10k-images-idx3-ubyte[.gz]    t10k-labels-idx1-ubyte[.gz]

The `images.idx3-ubyte` spelling (a dot instead of the last dash) that some
mirrors use is accepted too. Which files are read depends on `split`:

* `"train"`: the `train-*` files if present, otherwise the `t10k-*` files
  (a GAN trains on whichever real images it has).
* `"test"`: the `t10k-*` files if present, otherwise the `train-*` files.
* `"all"`: every set present, `train-*` first, then `t10k-*`.

IDX format: a 4-byte magic number (two zero bytes, a type code, the number
of dimensions), one big-endian uint32 per dimension, then the data in
row-major order. Every file is checked against its header so that a
truncated download fails loudly instead of training on garbage.
"""

import gzip
import math
import os
import zlib

import numpy as np

from keras_gans.data import checks
from keras_gans.data.array_set import ArraySet
from keras_gans.data.dataset_info import DatasetInfo
from keras_gans.data.transforms import fit_array_images
from keras_gans.utils.validation import format_received

SPLITS = ("train", "test", "all")
_PREFIXES = {"train": ("train",), "test": ("t10k",), "all": ("train", "t10k")}
_FALLBACK = {"train": "t10k", "t10k": "train"}
_GZIP_MAGIC = b"\x1f\x8b"
# IDX type codes -> big-endian NumPy dtypes.
_IDX_DTYPES = {
    0x08: np.dtype("u1"),
    0x09: np.dtype("i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


def read_idx(path, expected_ndim=None):
    """Parses one IDX file (plain or gzipped) into a NumPy array.

    Args:
        path: the file path. Gzip is detected from the content, not the
            name.
        expected_ndim: if given, the number of dimensions the file must have
            (3 for images, 1 for labels).

    Returns:
        `np.ndarray` with the header's shape, in native byte order.

    Raises:
        ValueError: naming `path`, for an unreadable gzip stream, a bad
            magic number, an unexpected number of dimensions, or a length
            that does not match the header (truncated or corrupt file).

    Example:

    >>> labels = read_idx("mnist/t10k-labels-idx1-ubyte.gz", expected_ndim=1)
    >>> labels[:3]
    array([7, 2, 1], dtype=uint8)
    """
    data = _read_bytes(path)
    if len(data) < 4:
        raise ValueError(
            f"IDX file {path!r} is too short for a header: found "
            f"{len(data)} bytes, expected at least 4."
        )
    zeros, type_code, ndim = data[:2], data[2], data[3]
    if zeros != b"\x00\x00" or type_code not in _IDX_DTYPES or ndim == 0:
        raise ValueError(
            f"{path!r} is not an IDX file: found magic number "
            f"0x{data[:4].hex()}, expected 0x0000TTNN with type code TT in "
            f"{{{', '.join(f'{c:02x}' for c in _IDX_DTYPES)}}} and NN "
            "dimensions (0x00000803 for images, 0x00000801 for labels)."
        )
    if expected_ndim is not None and ndim != expected_ndim:
        raise ValueError(
            f"IDX file {path!r} has {ndim} dimensions (magic number "
            f"0x{data[:4].hex()}), expected {expected_ndim} "
            f"(magic number 0x000008{expected_ndim:02x})."
        )
    header_size = 4 + 4 * ndim
    if len(data) < header_size:
        raise ValueError(
            f"IDX file {path!r} is truncated inside its header: found "
            f"{len(data)} bytes, expected at least {header_size} for "
            f"{ndim} dimensions."
        )
    shape = tuple(int(d) for d in np.frombuffer(data, ">u4", ndim, offset=4))
    dtype = _IDX_DTYPES[type_code]
    # Python ints: np.prod would wrap around 2**64 for absurd headers and
    # could then "match" the file length.
    expected_size = header_size + math.prod(shape) * dtype.itemsize
    if len(data) != expected_size:
        problem = "truncated" if len(data) < expected_size else "too long"
        raise ValueError(
            f"IDX file {path!r} is {problem}: found {len(data)} bytes, "
            f"expected {expected_size} ({header_size}-byte header + shape "
            f"{shape} of {dtype.name})."
        )
    array = np.frombuffer(data, dtype, offset=header_size).reshape(shape)
    return array.astype(dtype.newbyteorder("="))


def find_files(data_dir, split="train"):
    """Returns the `(images_path, labels_path or None)` pairs for `split`.

    Args:
        data_dir: directory with the IDX files.
        split: `"train"`, `"test"` or `"all"` (see the module docstring).

    Raises:
        FileNotFoundError: if no images file for any set is present.
        ValueError: for an unknown `split`.
    """
    checks.check_split(split, SPLITS, "mnist-idx")
    present = [
        prefix
        for prefix in ("train", "t10k")
        if _find(data_dir, prefix, "images", 3) is not None
    ]
    if not present:
        expected = " or ".join(
            f"'{p}-images-idx3-ubyte[.gz]'" for p in ("train", "t10k")
        )
        raise FileNotFoundError(
            f"No MNIST images file found in `data_dir`: expected {expected}. "
            + format_received(data_dir=data_dir)
        )
    prefixes = [p for p in _PREFIXES[split] if p in present]
    if not prefixes:
        prefixes = [_FALLBACK[_PREFIXES[split][0]]]
    return [
        (
            _find(data_dir, prefix, "images", 3),
            _find(data_dir, prefix, "labels", 1),
        )
        for prefix in prefixes
    ]


def read_mnist_idx(
    data_dir, image_shape=None, with_labels=False, split="train"
):
    """Reads MNIST-format IDX images (and labels) from `data_dir`.

    Args:
        data_dir: directory with the IDX files.
        image_shape: `(height, width, 1)`; default is the files' size
            (28x28 for MNIST). Other sizes are center-cropped to the aspect
            and resized with antialiased bicubic filtering.
        with_labels: also read the matching `*-labels-idx1-ubyte[.gz]`.
        split: `"train"`, `"test"` or `"all"` (see the module docstring).

    Returns:
        An `ArraySet` of uint8 images `(N, H, W, 1)` and, when
        `with_labels`, int32 labels.

    Raises:
        FileNotFoundError: for a missing `data_dir`, no images file, or a
            missing labels file when `with_labels`.
        ValueError: for corrupt files, images and labels of different
            counts, 3 channels in `image_shape`, or an unknown `split`.
    """
    data_dir = checks.check_data_dir(data_dir, "mnist-idx")
    if image_shape is not None:
        image_shape = checks.check_grayscale_shape(image_shape, "mnist-idx")
    images, labels = [], []
    for images_path, labels_path in find_files(data_dir, split):
        array = read_idx(images_path, expected_ndim=3)
        if array.dtype != np.uint8:
            raise ValueError(
                f"IDX images file {images_path!r} holds {array.dtype} "
                "values, expected unsigned bytes (type code 0x08)."
            )
        if images and array.shape[1:] != images[0].shape[1:3]:
            raise ValueError(
                f"IDX images file {images_path!r} holds "
                f"{array.shape[1]}x{array.shape[2]} images, expected "
                f"{images[0].shape[1]}x{images[0].shape[2]} like the other "
                "files in `data_dir`. " + format_received(data_dir=data_dir)
            )
        if len(array) == 0:
            raise ValueError(f"IDX images file {images_path!r} has 0 images.")
        images.append(array[..., None])
        if with_labels:
            labels.append(_read_labels(images_path, labels_path, len(array)))
    images = np.concatenate(images)
    if image_shape is not None:
        images = fit_array_images(images, image_shape)
    if not with_labels:
        return ArraySet(images)
    labels = np.concatenate(labels)
    # IDX files carry no class names: the names are the label values.
    names = tuple(str(i) for i in range(int(labels.max()) + 1))
    return ArraySet(images, labels, names)


def describe(data_dir, image_shape=None, split="train"):
    """`DatasetInfo` for `split` from the IDX headers and the label files.

    Only the 16-byte image headers are read, plus the (small) label files
    when all of them are present, for the class count.
    """
    data_dir = checks.check_data_dir(data_dir, "mnist-idx")
    if image_shape is not None:
        image_shape = checks.check_grayscale_shape(image_shape, "mnist-idx")
    files = find_files(data_dir, split)
    num_examples, native = 0, None
    for images_path, _ in files:
        header = _read_bytes(images_path, limit=16)
        if len(header) < 16 or header[:4] != b"\x00\x00\x08\x03":
            # Let the full parser produce its detailed error.
            read_idx(images_path, expected_ndim=3)
        count, height, width = np.frombuffer(header, ">u4", 3, offset=4)
        num_examples += int(count)
        native = native or (int(height), int(width), 1)
    num_classes = class_names = None
    if all(labels_path is not None for _, labels_path in files):
        labels = np.concatenate(
            [
                _check_label_values(read_idx(path, expected_ndim=1), path)
                for _, path in files
            ]
        )
        if labels.size:
            num_classes = int(labels.max()) + 1
            class_names = tuple(str(i) for i in range(num_classes))
    return DatasetInfo(
        name="mnist-idx",
        image_shape=image_shape or native,
        num_examples=num_examples,
        num_classes=num_classes,
        class_names=class_names,
    )


def _read_labels(images_path, labels_path, num_images):
    if labels_path is None:
        expected = os.path.basename(images_path).replace(
            "images-idx3", "labels-idx1"
        ).replace("images.idx3", "labels.idx1")
        raise FileNotFoundError(
            f"`with_labels=True` needs the labels file matching "
            f"{images_path!r}: expected {expected!r} (optionally .gz) in the "
            f"same directory. " + format_received(with_labels=True)
        )
    labels = _check_label_values(
        read_idx(labels_path, expected_ndim=1), labels_path
    )
    if len(labels) != num_images:
        raise ValueError(
            f"IDX labels file {labels_path!r} has {len(labels)} labels, "
            f"expected {num_images}, one per image of {images_path!r}."
        )
    return labels.astype("int32")


def _check_label_values(labels, path):
    """Class ids must be non-negative integers (the class count is max + 1)."""
    if not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(
            f"IDX labels file {path!r} holds {labels.dtype} values; class "
            "labels must be integers (type code 0x08). "
            + format_received(path=path)
        )
    if labels.size and labels.min() < 0:
        raise ValueError(
            f"IDX labels file {path!r} holds the negative label "
            f"{int(labels.min())}; class labels must be >= 0. "
            + format_received(path=path)
        )
    return labels


def _find(data_dir, prefix, kind, ndim):
    stems = (
        f"{prefix}-{kind}-idx{ndim}-ubyte",
        f"{prefix}-{kind}.idx{ndim}-ubyte",
    )
    for stem in stems:
        for suffix in (".gz", ""):
            path = os.path.join(data_dir, stem + suffix)
            if os.path.isfile(path):
                return path
    return None


def _read_bytes(path, limit=None):
    with open(path, "rb") as f:
        compressed = f.read(2) == _GZIP_MAGIC
    try:
        opener = gzip.open if compressed else open
        with opener(path, "rb") as f:
            return f.read() if limit is None else f.read(limit)
    except (OSError, EOFError, zlib.error) as exc:
        raise ValueError(
            f"Could not read IDX file {path!r}: {exc}. The file is probably "
            "truncated or corrupt; download it again."
        ) from exc
