"""Fuzzing the file loaders with truncated and corrupted files.

Whatever the bytes, a loader must return in bounded time and either give
every file's images in the shape the caller asked for (or the file's
header declares), or raise a `ValueError` that names the damaged file.
Hypothesis runs derandomized (seeded), so CI sees the same cases each run.
"""

import gzip
import io
import os
import tempfile
import threading

import numpy as np
import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from PIL import Image

from keras_gans import data
from tests.data import data_helpers

# Backend-independent: runs in one backend's session (tests/conftest.py).
pytestmark = pytest.mark.once

# A loader that has not returned after this long is taken to hang.
TIMEOUT_S = 30
# `FUZZ_EXAMPLES=5000 pytest tests/data/test_loader_fuzzing.py` fuzzes
# longer, with fresh random cases.
_LONG_RUN = os.environ.get("FUZZ_EXAMPLES")
FUZZ = settings(
    max_examples=int(_LONG_RUN or 40),
    deadline=None,
    derandomize=_LONG_RUN is None,
    suppress_health_check=[HealthCheck.too_slow],
)
IMAGE_SHAPE = (8, 8, 3)
IDX_COUNT, IDX_HEIGHT, IDX_WIDTH = 5, 6, 5


def _run_with_timeout(function):
    """`function()`'s result or exception; fails the test if it hangs.

    A thread (not SIGALRM) so that a hang inside C code (PIL, zlib) is
    caught too.
    """
    outcome = {}

    def target():
        try:
            outcome["result"] = function()
        except BaseException as error:  # noqa: BLE001 (reported below)
            outcome["error"] = error

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(TIMEOUT_S)
    if thread.is_alive():
        pytest.fail(f"the loader hung for more than {TIMEOUT_S} s")
    return outcome.get("result"), outcome.get("error")


def _image_bytes(fmt, mode="RGB", size=(12, 10)):
    rng = np.random.default_rng(0)
    channels = {"RGB": 3, "L": 1}[mode]
    pixels = rng.integers(0, 256, size[::-1] + (channels,), dtype="uint8")
    image = Image.fromarray(pixels.squeeze() if channels == 1 else pixels)
    if fmt == "GIF":
        image = image.convert("P")
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return buffer.getvalue()


FOLDER_FILES = {
    "a.png": _image_bytes("PNG"),
    "b.jpg": _image_bytes("JPEG"),
    "c.bmp": _image_bytes("BMP", mode="L"),
    "d.gif": _image_bytes("GIF"),
}


def _idx_files():
    images = np.arange(IDX_COUNT * IDX_HEIGHT * IDX_WIDTH, dtype="uint8")
    images = images.reshape(IDX_COUNT, IDX_HEIGHT, IDX_WIDTH)
    labels = (np.arange(IDX_COUNT) % 3).astype("uint8")
    return {
        "t10k-images-idx3-ubyte": data_helpers.idx_bytes(images),
        "t10k-labels-idx1-ubyte": data_helpers.idx_bytes(labels),
    }


IDX_FILES = _idx_files()


@st.composite
def damaged(draw, original):
    """`original` truncated, or with a few bytes overwritten (often the
    header, where one byte changes the declared sizes)."""
    if draw(st.booleans()):
        return original[: draw(st.integers(0, len(original) - 1))]
    damaged_bytes = bytearray(original)
    header = min(len(original), 32)
    for _ in range(draw(st.integers(1, 6))):
        position = draw(
            st.one_of(
                st.integers(0, header - 1), st.integers(0, len(original) - 1)
            )
        )
        damaged_bytes[position] = draw(st.integers(0, 255))
    return bytes(damaged_bytes)


def _write(directory, files):
    for name, content in files.items():
        with open(os.path.join(directory, name), "wb") as f:
            f.write(content)


def _assert_names_the_file(error, path):
    assert isinstance(
        error, ValueError
    ), f"{type(error).__name__} instead of a ValueError: {error}"
    assert os.path.basename(path) in str(error), str(error)


@FUZZ
@given(st.data())
def test_image_folder_with_a_damaged_file(draw):
    name = draw.draw(st.sampled_from(sorted(FOLDER_FILES)), label="file")
    content = draw.draw(damaged(FOLDER_FILES[name]), label="content")
    image_shape = draw.draw(st.sampled_from([None, IMAGE_SHAPE]))
    with tempfile.TemporaryDirectory() as directory:
        _write(directory, {**FOLDER_FILES, name: content})
        result, error = _run_with_timeout(
            lambda: data.load_arrays(
                "folder", data_dir=directory, image_shape=image_shape
            )
        )
        if error is not None:
            _assert_names_the_file(error, os.path.join(directory, name))
            return
    # Decoded anyway (damage in pixel data or trailing chunks): no file may
    # be dropped and every image has the shape asked for (or the first
    # file's, which is intact unless it is the damaged one).
    assert result.dtype == np.uint8
    assert len(result) == len(FOLDER_FILES)
    if image_shape is not None:
        assert result.shape[1:] == image_shape


@FUZZ
@given(st.data())
def test_mnist_idx_with_a_damaged_file(draw):
    name = draw.draw(st.sampled_from(sorted(IDX_FILES)), label="file")
    content = draw.draw(damaged(IDX_FILES[name]), label="content")
    compress = draw.draw(st.booleans(), label="gzip")
    files = dict(IDX_FILES, **{name: content})
    if compress:
        files = {f"{k}.gz": gzip.compress(v, mtime=0) for k, v in files.items()}
    with tempfile.TemporaryDirectory() as directory:
        _write(directory, files)
        damaged_path = os.path.join(
            directory, name + (".gz" if compress else "")
        )
        result, error = _run_with_timeout(
            lambda: data.load_arrays(
                "mnist-idx", data_dir=directory, with_labels=True
            )
        )
        if error is not None:
            _assert_names_the_file(error, damaged_path)
            return
    images, labels = result
    # Loaded: the damage spared the header, so the shape is the original.
    assert images.shape == (IDX_COUNT, IDX_HEIGHT, IDX_WIDTH, 1)
    assert labels.shape == (IDX_COUNT,)
    assert labels.min() >= 0


@FUZZ
@given(st.data())
def test_damaged_gzip_stream_of_an_idx_file(draw):
    original = gzip.compress(IDX_FILES["t10k-images-idx3-ubyte"], mtime=0)
    content = draw.draw(damaged(original), label="content")
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "t10k-images-idx3-ubyte.gz")
        _write(directory, {os.path.basename(path): content})
        result, error = _run_with_timeout(
            lambda: data.read_idx(path, expected_ndim=3)
        )
        if error is not None:
            _assert_names_the_file(error, path)
            return
    assert result.shape == (IDX_COUNT, IDX_HEIGHT, IDX_WIDTH)


@pytest.mark.parametrize(
    "dims, payload",
    # 2**31 * 2**31 * 4 = 2**64 wraps to 0 in int64: a header-only file
    # would then "match" and be reshaped to an absurd shape.
    [((2**32 - 1,) * 3, 64), ((2**31, 2**31, 4), 0)],
)
def test_idx_header_declaring_an_enormous_array(tmp_path, dims, payload):
    header = bytes([0, 0, 0x08, 3]) + np.array(dims, ">u4").tobytes()
    path = tmp_path / "t10k-images-idx3-ubyte"
    path.write_bytes(header + bytes(payload))
    with pytest.raises(ValueError, match="t10k-images-idx3-ubyte.*truncated"):
        data.read_idx(str(path), expected_ndim=3)


# Translation folders: the same four formats, as A|B pairs of even width
# (side-by-side), as partner files in A/ and B/ (aligned folders) and as
# two unpaired domains (CycleGAN folders).
TRANSLATION_SIZE = (8, 8)
# Without `image_size`, the first file of A sets the size: (height, width)
# of a half of the 12x10 A|B files, else of a whole file.
FIRST_FILE = {
    "side-by-side": ("train/a.png", (10, 6)),
    "aligned-folders": ("A/train/a.png", (10, 12)),
    "folder": ("trainA/a.png", (10, 12)),
}


def _translation_layout(source, files):
    """`{relative path: bytes}` of `source`'s folder holding `files`."""
    if source == "side-by-side":
        return {f"train/{name}": content for name, content in files.items()}
    if source == "aligned-folders":
        return {
            f"{domain}/train/{name}": content
            for domain in "AB"
            for name, content in files.items()
        }
    return {
        f"train{domain}/{name}": content
        for domain in "AB"
        for name, content in files.items()
    }


def _write_tree(directory, files):
    for name, content in files.items():
        path = os.path.join(directory, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(content)


@FUZZ
@given(st.data())
@pytest.mark.parametrize(
    "source", ["side-by-side", "aligned-folders", "folder"]
)
def test_translation_folder_with_a_damaged_file(source, draw):
    files = _translation_layout(source, FOLDER_FILES)
    damaged_name = draw.draw(st.sampled_from(sorted(files)), label="file")
    original = files[damaged_name]
    content = draw.draw(damaged(original), label="content")
    image_size = draw.draw(st.sampled_from([None, TRANSLATION_SIZE]))
    with tempfile.TemporaryDirectory() as directory:
        _write_tree(directory, {**files, damaged_name: content})
        result, error = _run_with_timeout(
            lambda: data.load_translation_arrays(
                source, data_dir=directory, split="train",
                image_size=image_size,
            )
        )
        if error is not None:
            # The very file: A/train/a.png and B/train/a.png share a name.
            _assert_names_the_file(error, damaged_name)
            assert os.path.join(directory, damaged_name) in str(error)
            return
    # Decoded anyway: no file dropped, and every image in the size asked
    # for, else that of the first file (intact unless it is the damaged
    # one).
    for images in (result.a, result.b):
        assert images.dtype == np.uint8
        assert len(images) == len(FOLDER_FILES)
        assert images.shape[-1] in (1, 3)
    first_file, first_size = FIRST_FILE[source]
    if image_size is not None:
        assert result.a.shape[1:3] == result.b.shape[1:3] == image_size
    elif damaged_name != first_file:
        assert result.a.shape[1:3] == result.b.shape[1:3] == first_size
