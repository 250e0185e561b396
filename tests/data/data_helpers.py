"""Constants and IDX file writers shared by the data tests."""

import gzip
import os

import numpy as np

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
# The MNIST test set lives next to the project, never inside it.
MNIST_DIR = os.path.join(REPO_ROOT, "..", "shared", "data", "mnist")
MNIST_FIRST_LABELS = [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
MNIST_LABEL_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def idx_bytes(array, type_code=0x08):
    """Encodes `array` in IDX format (big-endian header, row-major data)."""
    dtype = {0x08: ">u1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4"}[type_code]
    header = bytes([0, 0, type_code, array.ndim])
    header += np.array(array.shape, ">u4").tobytes()
    return header + np.ascontiguousarray(array, dtype).tobytes()


def write_idx(path, array, compress=None):
    """Writes an IDX file, gzipped when the name ends in .gz."""
    data = idx_bytes(array)
    if compress is None:
        compress = str(path).endswith(".gz")
    if compress:
        data = gzip.compress(data)
    with open(path, "wb") as f:
        f.write(data)


def make_idx_set(directory, prefix, count, fill, compress=True, labels=True):
    """Writes `count` 6x5 images of constant value `fill` (+ labels)."""
    suffix = ".gz" if compress else ""
    images = np.full((count, 6, 5), fill, dtype="uint8")
    images[:, 0, 0] = np.arange(count)  # distinguishes images by index
    write_idx(directory / f"{prefix}-images-idx3-ubyte{suffix}", images)
    if labels:
        write_idx(
            directory / f"{prefix}-labels-idx1-ubyte{suffix}",
            (np.arange(count) % 3).astype("uint8"),
        )
    return images
