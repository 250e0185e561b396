"""Image files of the folder-based translation sources.

Files are found and decoded like the `"folder"` source of `load()` (see
`keras_gans.data.folder`): png, jpg, jpeg, bmp and gif files, hidden files
skipped, decoded with PIL up front so that a corrupt file fails at load
time naming the file, then center-cropped to the target aspect ratio and
resized with antialiased bicubic filtering.
"""

import os

import numpy as np

from keras_gans.data import folder
from keras_gans.data.transforms import fit_image
from keras_gans.utils.validation import format_received


def require_folder(path, source, data_dir):
    """Raises `FileNotFoundError` unless `path` is a directory.

    The message names the missing folder and lists what `data_dir` holds,
    which usually shows the layout mistake at a glance.
    """
    if os.path.isdir(path):
        return path
    try:
        present = sorted(
            name for name in os.listdir(data_dir) if not name.startswith(".")
        )
    except OSError:
        present = []
    raise FileNotFoundError(
        f"The {source!r} source expects the folder {path!r}, which does not "
        f"exist; `data_dir` holds {present}. "
        + format_received(data_dir=data_dir)
    )


def list_split_images(directory, source):
    """Sorted image paths under `directory` (recursive).

    Raises:
        ValueError: if `directory` holds no image file.
    """
    try:
        return folder.list_images(directory)
    except ValueError as exc:
        raise ValueError(
            f"The {source!r} folder {directory!r} holds no image files "
            f"(expected files ending in {', '.join(folder.EXTENSIONS)})."
        ) from exc


def file_channels(path):
    """1 for a grayscale image file, 3 otherwise (colour is read as RGB)."""
    return folder.default_image_shape(path)[2]


def file_size(path):
    """`(height, width)` of an image file."""
    return folder.default_image_shape(path)[:2]


def open_image(path, channels):
    """Decodes an image file as PIL `"L"` (1 channel) or `"RGB"` (3).

    Raises:
        ValueError: naming `path`, if the file cannot be decoded.
    """
    # folder's opener applies EXIF orientation and names corrupt files.
    return folder.read_image(path, "L" if channels == 1 else "RGB")


def to_array(image, size, channels):
    """A PIL image cropped and resized to `size`, as uint8 `(H, W, C)`."""
    height, width = size
    resized = fit_image(image, height, width)
    return np.asarray(resized, dtype="uint8").reshape(height, width, channels)


def read_image_files(paths, size, channels):
    """Decodes, crops and resizes image files into one uint8 array.

    Args:
        paths: image file paths.
        size: `(height, width)` of the output images.
        channels: 1 or 3.

    Returns:
        uint8 array `(len(paths), height, width, channels)`.
    """
    images = np.empty((len(paths),) + tuple(size) + (channels,), "uint8")
    for i, path in enumerate(paths):
        images[i] = to_array(open_image(path, channels), size, channels)
    return images
