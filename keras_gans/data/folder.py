"""The `"folder"` source: a directory tree of image files.

Every file with a png, jpg, jpeg, bmp or gif extension (any case) under
`data_dir` is an image, searched recursively; hidden files and folders
(names starting with ".", e.g. `.ipynb_checkpoints`) are skipped. Images
are decoded with PIL up front, so a corrupt file fails at `load()` naming
that file rather than mid-training. EXIF orientation is applied (a phone
photo comes out the way it is displayed), animated GIFs give their first
frame, and alpha channels are dropped.

For labels, the layout is one subfolder of `data_dir` per class (images
may sit in nested folders inside it); labels are the indices of the class
folder names in sorted order, as in `keras.utils.image_dataset_from_directory`:

    data_dir/cat/001.png  -> label 0 ("cat")
    data_dir/dog/a/7.jpg  -> label 1 ("dog")

The folder layouts of `load_paired()`, `load_unpaired()` and the patch
loaders read their files with the same functions (`list_split_images`,
`read_image_files`, ...), so every loader decodes and resizes alike.
"""

import os
import struct
import warnings
import zlib

import numpy as np
from PIL import Image
from PIL import ImageOps

from keras_gans.data import checks
from keras_gans.data.array_set import ArraySet
from keras_gans.data.transforms import fit_image
from keras_gans.utils.validation import check_image_shape
from keras_gans.utils.validation import format_received

EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif")
# PIL modes without colour; anything else is read as RGB.
_GRAY_MODES = ("1", "L", "LA", "La", "I", "I;16", "I;16B", "I;16L", "F")
# What PIL raises for unreadable, truncated or malformed files: its
# plugins parse headers with `struct` and index tables read from the file,
# so damaged files also surface as struct/index/type/zlib errors, and a
# header claiming a huge image as a MemoryError.
_DECODE_ERRORS = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    TypeError,
    MemoryError,
    struct.error,
    zlib.error,
    Image.DecompressionBombError,
)


def list_images(data_dir):
    """Sorted paths of all image files under `data_dir` (recursive).

    Raises:
        FileNotFoundError: if `data_dir` does not exist.
        ValueError: if `data_dir` is `None`, not a directory, empty, or
            holds no file with an image extension.
    """
    data_dir = checks.check_data_dir(data_dir, "folder")
    paths, seen_any = [], False
    for root, dirs, files in os.walk(data_dir, followlinks=True):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            seen_any = True
            if name.lower().endswith(EXTENSIONS):
                paths.append(os.path.join(root, name))
    if not seen_any:
        raise ValueError(
            "`data_dir` is empty: the 'folder' source needs image files "
            f"({', '.join(EXTENSIONS)}). " + format_received(data_dir=data_dir)
        )
    if not paths:
        raise ValueError(
            "No images found in `data_dir`: the 'folder' source reads files "
            f"ending in {', '.join(EXTENSIONS)} (any case), recursively. "
            + format_received(data_dir=data_dir)
        )
    return paths


def class_layout(data_dir, paths):
    """Labels and class names from the class-per-subfolder layout.

    Args:
        data_dir: the root directory.
        paths: image paths under `data_dir` (from `list_images`).

    Returns:
        `(labels, class_names)`: int32 labels, one per path, indexing the
        sorted tuple of class folder names.

    Raises:
        ValueError: if an image sits directly in `data_dir`, outside any
            class folder.
    """
    data_dir = os.fspath(data_dir)
    folders = []
    for path in paths:
        relative = os.path.relpath(path, data_dir)
        parts = relative.split(os.sep)
        if len(parts) < 2:
            raise ValueError(
                "`with_labels=True` reads one class per subfolder of "
                f"`data_dir`, but {path!r} is directly in `data_dir`. Move "
                "the images into class folders (data_dir/<class>/<image>) or "
                "pass with_labels=False. "
                + format_received(data_dir=data_dir, with_labels=True)
            )
        folders.append(parts[0])
    class_names = tuple(sorted(set(folders)))
    index = {name: i for i, name in enumerate(class_names)}
    labels = np.array([index[f] for f in folders], dtype="int32")
    return labels, class_names


def default_image_shape(path):
    """`(H, W, C)` of the image at `path`: C is 1 for grayscale, else 3."""
    image = read_image(path)
    channels = 1 if image.mode in _GRAY_MODES else 3
    return (image.height, image.width, channels)


def read_folder(data_dir, image_shape=None, with_labels=False):
    """Decodes every image under `data_dir` into one uint8 array.

    Args:
        data_dir: root directory of the images.
        image_shape: `(height, width, channels)` with 1 (converted to PIL
            "L") or 3 ("RGB") channels. Each image is center-cropped to the
            target aspect ratio and resized with antialiased bicubic
            filtering. Default: the size and colour of the first image in
            sorted path order.
        with_labels: also return class labels from the subfolder layout.

    Returns:
        An `ArraySet` of uint8 images `(N,) + image_shape` and, when
        `with_labels`, int32 labels and the class names.

    Raises:
        FileNotFoundError: if `data_dir` does not exist.
        ValueError: for a `data_dir` without images, a corrupt image (named
            in the message), an invalid `image_shape`, or images outside
            class folders when `with_labels`.
    """
    paths = list_images(data_dir)
    labels, class_names = (
        class_layout(data_dir, paths) if with_labels else (None, None)
    )
    if image_shape is None:
        shape = default_image_shape(paths[0])
    else:
        shape = check_image_shape(image_shape)
    images = read_image_files(paths, shape[:2], shape[2])
    return ArraySet(images, labels, class_names)


def read_image(path, mode=None):
    """Decodes an image file with PIL, as the `"folder"` source reads it.

    The file is read completely (the returned image holds no open file),
    its EXIF orientation is applied (a phone photo comes out the way it is
    displayed), and PIL's warning about palette transparency is silenced
    (alpha channels are dropped by the conversion anyway).

    Args:
        path: the image file.
        mode: a PIL mode to convert to (`"L"` for grayscale, `"RGB"`), or
            `None` to keep the file's mode.

    Returns:
        A `PIL.Image.Image`.

    Raises:
        ValueError: naming `path`, if the file is missing or cannot be
            decoded.

    Example:

    ```python
    image = keras_gans.data.read_image("photos/cat.jpg", mode="RGB")
    ```
    """
    try:
        with warnings.catch_warnings():
            # "Palette images with transparency ..." is noise here: alpha is
            # dropped on purpose.
            warnings.simplefilter("ignore", UserWarning)
            with Image.open(path) as image:
                image.load()
                image = ImageOps.exif_transpose(image)
                return image if mode is None else image.convert(mode)
    except _DECODE_ERRORS as exc:
        raise ValueError(
            f"Could not decode image file {path!r}: {exc}. Remove or replace "
            "the file."
        ) from exc


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
        return list_images(directory)
    except ValueError as exc:
        raise ValueError(
            f"The {source!r} folder {directory!r} holds no image files "
            f"(expected files ending in {', '.join(EXTENSIONS)})."
        ) from exc


def file_channels(path):
    """1 for a grayscale image file, 3 otherwise (colour is read as RGB)."""
    return default_image_shape(path)[2]


def file_size(path):
    """`(height, width)` of an image file."""
    return default_image_shape(path)[:2]


def open_image(path, channels):
    """Decodes an image file as PIL `"L"` (1 channel) or `"RGB"` (3).

    Raises:
        ValueError: naming `path`, if the file cannot be decoded.
    """
    # `read_image` applies EXIF orientation and names corrupt files.
    return read_image(path, "L" if channels == 1 else "RGB")


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
