"""`load_paired()`: aligned (input, target) image pairs for pix2pix.

Sources:

* `"digits-edges"`, `"mnist-edges"`, `"photos-gray2color"`: built-in
  tasks from real bundled images (see `keras_gans.data.translation_tasks`).
* `"side-by-side"`: the pix2pix convention. `data_dir` holds `train/`,
  `val/` and/or `test/` folders of images that show A and B next to each
  other, A on the left half and B on the right half (so the width must be
  even):

      data_dir/train/1.jpg   # [ A | B ]
      data_dir/val/1.jpg

* `"aligned-folders"`: two parallel folder trees, as read by the
  pix2pix `combine_A_and_B.py` script. Each split has an `A/<split>/` and
  a `B/<split>/` folder; files are matched by their path relative to the
  split folder without the extension, so `A/train/x/001.jpg` pairs with
  `B/train/x/001.png`. Every file needs its partner:

      data_dir/A/train/001.jpg   data_dir/B/train/001.png
      data_dir/A/test/107.jpg    data_dir/B/test/107.png
"""

import os

import numpy as np
import tensorflow as tf

from keras_gans.data import checks
from keras_gans.data import epoch_pipeline
from keras_gans.data import folder
from keras_gans.data import translation_tasks
from keras_gans.data.checks import check_channels
from keras_gans.data.checks import check_direction
from keras_gans.data.checks import check_image_size
from keras_gans.data.checks import resolve_jitter
from keras_gans.data.transforms import jitter_function
from keras_gans.data.translation_arrays import TranslationArrays
from keras_gans.data.translation_tasks import default_jitter
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received

FOLDER_SOURCES = ("side-by-side", "aligned-folders")
SOURCES = translation_tasks.PAIRED_TASKS + FOLDER_SOURCES
FOLDER_SPLITS = ("train", "val", "test")


def check_source(source):
    """Raises `ValueError` unless `source` is a paired source name."""
    if isinstance(source, str) and source in SOURCES:
        return source
    hint = ""
    if isinstance(source, str) and (
        source in translation_tasks.UNPAIRED_TASKS
        or source == "folder"
        or source.startswith("cycle_gan")
    ):
        hint = f" {source!r} is unpaired: read it with load_unpaired()."
    raise ValueError(
        f"`source` must be one of {', '.join(repr(s) for s in SOURCES)}."
        f"{hint} " + format_received(source=source)
    )


def read_paired(
    source, data_dir=None, split="train", image_size=None, channels=None
):
    """Reads a paired source split into memory, A to B.

    Args:
        source: a paired source name (see the module docstring).
        data_dir: the folder of the folder sources and of `"mnist-edges"`.
        split: `"train"` or `"test"` for built-in tasks; `"train"`,
            `"val"` or `"test"` for folders.
        image_size: `(height, width)`, one int for a square, or `None` for
            the source's size.
        channels: 1, 3, a pair `(channels_a, channels_b)`, or `None` for
            the source's own.

    Returns:
        `TranslationArrays` with `paired=True`.

    Raises:
        ValueError, FileNotFoundError: as in `load_paired()`.
    """
    source = check_source(source)
    size = check_image_size(image_size)
    channels = check_channels(channels)
    if source in translation_tasks.PAIRED_TASKS:
        return translation_tasks.read_task(
            source, data_dir, split, size, channels
        )
    checks.check_split(split, FOLDER_SPLITS, source)
    data_dir = checks.check_data_dir(data_dir, source)
    if source == "side-by-side":
        a, b = _read_side_by_side(data_dir, split, size, channels)
    else:
        a, b = _read_aligned_folders(data_dir, split, size, channels)
    return TranslationArrays(a=a, b=b, paired=True, source=source, split=split)


def load_paired(
    source,
    data_dir=None,
    split="train",
    image_size=None,
    batch_size=1,
    jitter=None,
    direction="AtoB",
    seed=0,
    channels=None,
    shuffle=True,
    cache=True,
    epochs=None,
    initial_epoch=0,
):
    """Loads aligned image pairs as batches of `(input, target)` in [-1, 1].

    The pipeline is decode -> center-crop to the target aspect and
    antialiased bicubic resize -> `cache()` (uint8) -> seeded `shuffle()`
    -> scale to [-1, 1] -> jitter -> `batch(drop_remainder=True)` ->
    `prefetch(AUTOTUNE)`.

    Args:
        source: `"digits-edges"`, `"mnist-edges"`, `"photos-gray2color"`,
            `"side-by-side"` or `"aligned-folders"` (see the module
            docstring and `keras_gans.data.translation_tasks`).
        data_dir: the data folder of `"side-by-side"`,
            `"aligned-folders"` (both required) and `"mnist-edges"` (the
            MNIST IDX files, required).
        split: `"train"` or `"test"` for the built-in tasks, whose splits
            are disjoint; `"train"`, `"val"` or `"test"` (the folder of
            that name) for the folder sources.
        image_size: output `(height, width)` or one int for a square.
            Default: 32x32 for the digit tasks, 64x64 for photo patches,
            the size of the first image (of a half, for side-by-side) for
            folders.
        batch_size: pairs per batch; every batch is full.
        jitter: pix2pix jitter, the same on both images of a pair: resize
            up by 286/256, random crop back, random left-right mirror.
            `True` does all of it, `"crop"` skips the mirror, `False`
            does none. Default (`None`): `"crop"` for the digit tasks
            (mirrored digits are no digits), `True` for photos and
            folders, on the `"train"` split; no jitter on the others.
        direction: `"AtoB"` yields `(A, B)`; `"BtoA"` yields `(B, A)`.
        seed: seed of the shuffle and of the jitter; `None` for a
            different order every run.
        channels: channels of the images: 1 (grayscale) or 3 (RGB), or a
            pair `(channels_a, channels_b)` (before `direction` applies).
            Default: the source's own (1 for digits, (1, 3) for
            `"photos-gray2color"`, the first file's colour for folders,
            where other values convert the images).
        shuffle: reshuffle the pairs every epoch.
        cache: `True` caches the decoded pairs in memory, a string caches
            them in that file, `False` does not cache.
        epochs: `None` (default) returns one epoch that reshuffles (and
            re-jitters) each time it is iterated. For training that can be
            resumed exactly, pass the run's number of epochs: the dataset
            then holds the epochs `initial_epoch` to `epochs - 1` back to
            back, each with an order and a jitter fixed by `seed` and the
            epoch number, so a run resumed at epoch k sees the very batches
            an uninterrupted run sees from epoch k on. Fit it with
            `steps_per_epoch=len(ds) // (epochs - initial_epoch)`.
        initial_epoch: first epoch of the dataset when `epochs` is set.

    Returns:
        A `tf.data.Dataset` of float32 `(input, target)` batches of shapes
        `(batch_size, H, W, C_input)` and `(batch_size, H, W, C_target)`.

    Raises:
        ValueError: for an unknown `source`, `split`, `direction` or
            `jitter`, a bad `image_size` or `channels`, a `batch_size`
            above the number of pairs, an empty folder, an unreadable
            image file, a side-by-side image of odd width, or an A file
            without its B partner (or the reverse), or an `initial_epoch`
            outside `[0, epochs]` (or set without `epochs`).
        FileNotFoundError: for a missing `data_dir`, split folder or
            MNIST file.

    Example:

    ```python
    ds = keras_gans.data.load_paired("digits-edges", batch_size=16)
    edges, digits = next(iter(ds))  # (16, 32, 32, 1) each, in [-1, 1]
    ds = keras_gans.data.load_paired(
        "side-by-side", data_dir="facades", direction="BtoA"
    )
    # Resumable: epochs 5..19 of a 20-epoch run, in their own orders.
    ds = keras_gans.data.load_paired("digits-edges", epochs=20, initial_epoch=5)
    model.fit(ds, epochs=20, initial_epoch=5, steps_per_epoch=len(ds) // 15)
    ```
    """
    batch_size = check_positive_int("batch_size", batch_size)
    direction = check_direction(direction)
    source = check_source(source)
    jitter_mode = resolve_jitter(jitter, split, default_jitter(source))
    arrays = read_paired(source, data_dir, split, image_size, channels)
    if direction == "BtoA":
        arrays = arrays.swapped()
    checks.check_batch_size(
        batch_size, len(arrays.a), f"pairs of {source!r} split {split!r}"
    )
    stream = epoch_pipeline.Stream(
        tf.data.Dataset.from_tensor_slices((arrays.a, arrays.b)),
        len(arrays.a),
        epoch_pipeline.scale_pair,
        augment=jitter_function(jitter_mode, pair=True),
        cache=cache,
    )
    return epoch_pipeline.build(
        [stream],
        batch_size,
        seed=seed,
        shuffle=shuffle,
        epochs=epochs,
        initial_epoch=initial_epoch,
    )


def _default_channels(channels, first_a, first_b):
    if channels is not None:
        return channels
    return folder.file_channels(first_a), folder.file_channels(first_b)


def _read_side_by_side(data_dir, split, size, channels):
    split_dir = folder.require_folder(
        os.path.join(data_dir, split), "side-by-side", data_dir
    )
    paths = folder.list_split_images(split_dir, "side-by-side")
    if channels is None:
        channels = (folder.file_channels(paths[0]),) * 2
    if size is None:
        height, width = folder.file_size(paths[0])
        size = (height, width // 2)
    a = np.empty((len(paths),) + size + (channels[0],), "uint8")
    b = np.empty((len(paths),) + size + (channels[1],), "uint8")
    for i, path in enumerate(paths):
        # Decoded in RGB when either half is colour, so both halves come
        # from the same pixels; each is converted to its own mode after.
        image = folder.open_image(path, max(channels))
        if image.width % 2:
            raise ValueError(
                f"Side-by-side image {path!r} is {image.width} pixels wide: "
                "an A|B pair needs an even width (A the left half, B the "
                "right half, of equal size)."
            )
        half = image.width // 2
        left = image.crop((0, 0, half, image.height))
        right = image.crop((half, 0, image.width, image.height))
        a[i] = folder.to_array(_convert(left, channels[0]), size, channels[0])
        b[i] = folder.to_array(_convert(right, channels[1]), size, channels[1])
    return a, b


def _read_aligned_folders(data_dir, split, size, channels):
    roots = [
        folder.require_folder(
            os.path.join(data_dir, domain, split), "aligned-folders", data_dir
        )
        for domain in ("A", "B")
    ]
    keyed = [_paths_by_key(root) for root in roots]
    _check_partners(keyed, roots)
    keys = sorted(keyed[0])
    paths_a = [keyed[0][k] for k in keys]
    paths_b = [keyed[1][k] for k in keys]
    channels = _default_channels(channels, paths_a[0], paths_b[0])
    if size is None:
        size = folder.file_size(paths_a[0])
    return (
        folder.read_image_files(paths_a, size, channels[0]),
        folder.read_image_files(paths_b, size, channels[1]),
    )


def _paths_by_key(root):
    """`{relative path without extension: path}` of the images in `root`."""
    keyed = {}
    for path in folder.list_split_images(root, "aligned-folders"):
        key = os.path.splitext(os.path.relpath(path, root))[0]
        if key in keyed:
            raise ValueError(
                f"Two images in {root!r} share the name {key!r} "
                f"({keyed[key]!r} and {path!r}), so their partner in the "
                "other folder is ambiguous. Rename or remove one."
            )
        keyed[key] = path
    return keyed


def _check_partners(keyed, roots):
    for this, other, root, other_root in (
        (keyed[0], keyed[1], roots[0], roots[1]),
        (keyed[1], keyed[0], roots[1], roots[0]),
    ):
        missing = sorted(set(this) - set(other))
        if missing:
            raise ValueError(
                f"The 'aligned-folders' image {this[missing[0]]!r} has no "
                f"partner in {other_root!r}: expected a file named "
                f"{missing[0]!r} with an image extension there "
                f"({len(missing)} file(s) of {root!r} lack one). Pairs are "
                "matched by their path without extension."
            )


def _convert(image, channels):
    return image.convert("L" if channels == 1 else "RGB")
