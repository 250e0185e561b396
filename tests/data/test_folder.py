"""The "folder" source on real photos from scikit-image."""

import re

import numpy as np
import pytest
from PIL import Image

from keras_gans import data

# Backend-independent: runs in one backend's session (tests/conftest.py).
pytestmark = pytest.mark.once


def test_flat_folder_default_shape_is_first_image(flat_folder, photos):
    images = data.load_arrays("folder", data_dir=str(flat_folder))
    # Sorted first file is a_astronaut.png (128x128 RGB).
    assert images.shape == (3, 128, 128, 3) and images.dtype == np.uint8
    np.testing.assert_array_equal(images[0], np.asarray(photos["astronaut"]))
    info = data.info("folder", data_dir=str(flat_folder))
    assert info.image_shape == (128, 128, 3) and info.num_examples == 3
    assert info.num_classes is None


def test_flat_folder_dataset(flat_folder):
    ds = data.load(
        "folder",
        data_dir=str(flat_folder),
        batch_size=3,
        image_shape=(32, 48, 3),
    )
    batch = next(iter(ds.as_numpy_iterator()))
    assert batch.shape == (3, 32, 48, 3) and batch.dtype == np.float32
    assert -1.0 <= batch.min() < -0.8 and 0.8 < batch.max() <= 1.0


def test_class_subfolders_give_sorted_labels(class_folder):
    images, labels = data.load_arrays(
        "folder",
        data_dir=str(class_folder),
        image_shape=(32, 32, 3),
        with_labels=True,
    )
    # Sorted paths: animals/chelsea, people/camera.bmp,
    # people/portraits/astronaut.PNG, things/coffee.JPG, things/coffee_gif.gif
    assert images.shape == (5, 32, 32, 3)
    assert labels.dtype == np.int32
    assert labels.tolist() == [0, 1, 1, 2, 2]
    info = data.info("folder", data_dir=str(class_folder))
    assert info.class_names == ("animals", "people", "things")
    assert info.num_examples == 5  # notes.txt is not an image
    assert data.num_classes("folder", data_dir=str(class_folder)) == 3


def test_class_folder_dataset_yields_labels(class_folder):
    ds = data.load(
        "folder",
        data_dir=str(class_folder),
        batch_size=5,
        image_shape=(16, 16, 3),
        with_labels=True,
        seed=0,
    )
    images, labels = next(iter(ds.as_numpy_iterator()))
    assert images.shape == (5, 16, 16, 3) and labels.dtype == np.int32
    assert sorted(labels.tolist()) == [0, 1, 1, 2, 2]


def test_grayscale_conversion_and_gray_photo_in_rgb(class_folder, photos):
    gray = data.load_arrays(
        "folder", data_dir=str(class_folder), image_shape=(32, 32, 1)
    )
    assert gray.shape == (5, 32, 32, 1)
    rgb = data.load_arrays(
        "folder", data_dir=str(class_folder), image_shape=(128, 128, 3)
    )
    camera = rgb[1]  # people/camera.bmp, a grayscale photo
    np.testing.assert_array_equal(camera[..., 0], camera[..., 2])
    np.testing.assert_array_equal(camera[..., 0], np.asarray(photos["camera"]))
    # Colour photos stay coloured.
    assert np.abs(rgb[0, ..., 0].astype(int) - rgb[0, ..., 2]).mean() > 5


def test_center_crop_keeps_the_middle(tmp_path):
    # 20 rows x 60 columns: red | green | blue thirds. A square target must
    # crop the green middle, not squash all three colours together.
    stripes = np.zeros((20, 60, 3), "uint8")
    stripes[:, :20, 0] = 255
    stripes[:, 20:40, 1] = 255
    stripes[:, 40:, 2] = 255
    Image.fromarray(stripes).save(tmp_path / "stripes.png")
    out = data.load_arrays(
        "folder", data_dir=str(tmp_path), image_shape=(10, 10, 3)
    )
    assert out.shape == (1, 10, 10, 3)
    np.testing.assert_array_equal(out[0, ..., 1], 255)
    assert out[0, ..., 0].max() == 0 and out[0, ..., 2].max() == 0


def test_downscaling_is_antialiased(tmp_path):
    # A one-pixel checkerboard averages to mid-gray when downscaled with
    # antialiasing; point sampling would keep pure black or white.
    board = (np.indices((64, 64)).sum(0) % 2 * 255).astype("uint8")
    Image.fromarray(board).save(tmp_path / "board.png")
    out = data.load_arrays(
        "folder", data_dir=str(tmp_path), image_shape=(8, 8, 1)
    )
    assert np.abs(out.astype(int) - 127.5).max() < 10


def test_extensions_case_insensitive_and_hidden_skipped(tmp_path, photos):
    photos["chelsea"].save(tmp_path / "one.PNG")
    photos["chelsea"].save(tmp_path / "two.Jpeg")
    photos["chelsea"].save(tmp_path / "three.bmp")
    (tmp_path / ".hidden").mkdir()
    photos["chelsea"].save(tmp_path / ".hidden" / "four.png")
    (tmp_path / "five.tiff").write_bytes(b"not read")
    images = data.load_arrays(
        "folder", data_dir=str(tmp_path), image_shape=(8, 8, 3)
    )
    assert len(images) == 3


# ------------------------------------------------------------------ errors


def test_missing_directory(tmp_path):
    missing = str(tmp_path / "nope")
    with pytest.raises(FileNotFoundError, match=re.escape(repr(missing))):
        data.load("folder", data_dir=missing)


def test_data_dir_required():
    with pytest.raises(ValueError, match="data_dir=None"):
        data.load("folder", image_shape=(8, 8, 3))


def test_empty_directory(tmp_path):
    received = re.escape(f"data_dir='{tmp_path}'")
    with pytest.raises(ValueError, match=rf"empty.*{received}"):
        data.load("folder", data_dir=str(tmp_path))


def test_no_images_found(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "scan.tiff").write_bytes(b"\x00")
    received = re.escape(f"data_dir='{tmp_path}'")
    with pytest.raises(ValueError, match=rf"No images.*\.png.*{received}"):
        data.load("folder", data_dir=str(tmp_path))


def test_corrupt_image_is_named(tmp_path, photos):
    photos["coffee"].save(tmp_path / "good.png")
    png_signature = b"\x89PNG\r\n\x1a\n"
    (tmp_path / "broken.png").write_bytes(png_signature + b"garbage" * 10)
    with pytest.raises(ValueError, match="broken.png"):
        data.load("folder", data_dir=str(tmp_path), image_shape=(8, 8, 3))


def test_empty_image_file_is_named(tmp_path, photos):
    photos["coffee"].save(tmp_path / "good.png")
    (tmp_path / "empty.jpg").write_bytes(b"")
    match = r"Could not decode image file .*empty.jpg"
    with pytest.raises(ValueError, match=match):
        data.load("folder", data_dir=str(tmp_path), image_shape=(8, 8, 3))


def test_labels_need_class_subfolders(flat_folder):
    with pytest.raises(ValueError, match=r"a_astronaut.png.*with_labels=True"):
        data.load("folder", data_dir=str(flat_folder), with_labels=True)
    with pytest.raises(ValueError, match="no class labels"):
        data.num_classes("folder", data_dir=str(flat_folder))


def test_invalid_channels(flat_folder):
    with pytest.raises(ValueError, match=r"image_shape=\(32, 32, 4\)"):
        data.load("folder", data_dir=str(flat_folder), image_shape=(32, 32, 4))


def test_batch_larger_than_folder(flat_folder):
    with pytest.raises(ValueError, match=r"3 images.*batch_size=4"):
        data.load("folder", data_dir=str(flat_folder), batch_size=4)


def test_read_image_is_the_folder_sources_decoder(tmp_path, photos):
    path = tmp_path / "coffee.png"
    photos["coffee"].save(path)
    image = data.read_image(str(path))
    assert image.mode == "RGB" and image.size == photos["coffee"].size
    np.testing.assert_array_equal(
        np.asarray(image), np.asarray(photos["coffee"])
    )
    gray = data.read_image(str(path), mode="L")
    assert gray.mode == "L"
    # The EXIF orientation tag is applied: 6 is "rotate 90 degrees clockwise".
    exif = Image.Exif()
    exif[0x0112] = 6
    rotated = tmp_path / "rotated.jpg"
    photos["coffee"].save(rotated, exif=exif)
    width, height = photos["coffee"].size
    assert data.read_image(str(rotated)).size == (height, width)
    (tmp_path / "broken.png").write_bytes(b"not a png")
    with pytest.raises(ValueError, match=r"Could not decode .*broken.png"):
        data.read_image(str(tmp_path / "broken.png"))
