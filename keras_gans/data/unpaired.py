"""`load_unpaired()`: two image domains without pairs, for CycleGAN.

Sources:

* `"digits-inverted"`, `"mnist-inverted"`: built-in tasks from real
  digits (see `keras_gans.data.translation_tasks`).
* `"folder"`: the CycleGAN convention, one folder per split and domain:

      data_dir/trainA/  data_dir/trainB/  data_dir/testA/  data_dir/testB/

  Images may sit in nested folders inside them.
* `"cycle_gan/<name>"`: the tensorflow-datasets CycleGAN sets
  (`cycle_gan/horse2zebra`, `cycle_gan/monet2photo`, ...), whose splits
  `trainA`, `trainB`, `testA` and `testB` are the domains.
"""

import os

import numpy as np
import tensorflow as tf

from keras_gans.data import checks
from keras_gans.data import epoch_pipeline
from keras_gans.data import tfds_source
from keras_gans.data import folder
from keras_gans.data import translation_tasks
from keras_gans.data.checks import check_channels
from keras_gans.data.checks import check_fixed_channels
from keras_gans.data.checks import check_image_size
from keras_gans.data.checks import resolve_jitter
from keras_gans.data.transforms import jitter_function
from keras_gans.data.translation_arrays import TranslationArrays
from keras_gans.data.translation_tasks import default_jitter
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received

SOURCES = translation_tasks.UNPAIRED_TASKS + ("folder",)
SPLITS = ("train", "test")
TFDS_PREFIX = "cycle_gan"
# The tfds CycleGAN photos vary in size; the CycleGAN paper trains on 256.
TFDS_DEFAULT_SIZE = (256, 256)


def is_tfds(source):
    """Whether `source` names a tensorflow-datasets CycleGAN set."""
    return (
        isinstance(source, str) and tfds_source.base_name(source) == TFDS_PREFIX
    )


def check_source(source):
    """Raises `ValueError` unless `source` is an unpaired source name."""
    if (isinstance(source, str) and source in SOURCES) or is_tfds(source):
        return source
    hint = ""
    if isinstance(source, str) and source in (
        translation_tasks.PAIRED_TASKS + ("side-by-side", "aligned-folders")
    ):
        hint = f" {source!r} is paired: read it with load_paired()."
    raise ValueError(
        f"`source` must be one of {', '.join(repr(s) for s in SOURCES)} or a "
        "tensorflow-datasets 'cycle_gan/<name>' (e.g. "
        f"'cycle_gan/horse2zebra').{hint} " + format_received(source=source)
    )


def read_unpaired(
    source,
    data_dir=None,
    split="train",
    image_size=None,
    channels=None,
    download=False,
):
    """Reads both domains of an unpaired source split into memory.

    Args:
        source: an unpaired source name (see the module docstring).
        data_dir: the folder of `"folder"` and of `"mnist-inverted"` (the
            IDX files), or the tensorflow-datasets data directory.
        split: `"train"` or `"test"`.
        image_size: `(height, width)`, one int for a square, or `None` for
            the source's size.
        channels: 1, 3, a pair `(channels_a, channels_b)`, or `None` for
            the source's own.
        download: let tensorflow-datasets download missing data.

    Returns:
        `TranslationArrays` with `paired=False`.

    Raises:
        ValueError, FileNotFoundError: as in `load_unpaired()`.
    """
    source = check_source(source)
    size = check_image_size(image_size)
    channels = check_channels(channels)
    if source in translation_tasks.UNPAIRED_TASKS:
        return translation_tasks.read_task(
            source, data_dir, split, size, channels
        )
    if source == "folder":
        a, b = _read_domain_folders(data_dir, split, size, channels)
    else:
        (set_a, _), (set_b, _) = _tfds_domains(
            source, data_dir, split, size, channels, download
        )
        a, b = _to_numpy(set_a), _to_numpy(set_b)
    return TranslationArrays(a=a, b=b, paired=False, source=source, split=split)


def load_unpaired(
    source,
    data_dir=None,
    split="train",
    image_size=None,
    batch_size=1,
    jitter=None,
    seed=0,
    channels=None,
    shuffle=True,
    cache=True,
    download=False,
    epochs=None,
    initial_epoch=0,
):
    """Loads two unpaired domains as batches of `(a, b)` in [-1, 1].

    The two domains are shuffled independently, so `a[i]` and `b[i]` are
    unrelated images. One epoch is one pass over the larger domain; the
    smaller one repeats, reshuffled on every pass (as CycleGAN's unaligned
    dataset does), so an epoch has `max(len(A), len(B)) // batch_size`
    batches. Each domain runs decode -> crop and resize -> `cache()`
    (uint8) -> seeded `shuffle()` -> scale to [-1, 1] -> jitter, then
    the zipped pairs are batched with `drop_remainder=True` and
    prefetched.

    Args:
        source: `"digits-inverted"`, `"mnist-inverted"`, `"folder"` or a
            tensorflow-datasets `"cycle_gan/<name>"` (see the module
            docstring).
        data_dir: the data folder of `"folder"` and `"mnist-inverted"`
            (required), or the tensorflow-datasets data directory.
        split: `"train"` or `"test"`; the built-in tasks' splits are
            disjoint.
        image_size: output `(height, width)` or one int for a square.
            Default: 32x32 for the digit tasks, the first A image's size
            for folders, 256x256 for tensorflow-datasets.
        batch_size: pairs per batch; every batch is full, and each domain
            must hold at least one batch of distinct images.
        jitter: pix2pix/CycleGAN jitter of each image on its own: resize
            up by 286/256, random crop back, random left-right mirror.
            `True` does all of it, `"crop"` skips the mirror, `False`
            does none. Default (`None`): `"crop"` for the digit tasks
            (mirrored digits are no digits), `True` for folders and
            tensorflow-datasets, on the `"train"` split; no jitter on
            `"test"`.
        seed: seed of the shuffles and the jitter (domain B uses
            `seed + 1`); `None` for a different order every run.
        channels: 1 (grayscale), 3 (RGB) or a pair `(channels_a,
            channels_b)`. Default: the source's own (1 for digits, the
            first file's colour per domain for folders, 3 for
            tensorflow-datasets).
        shuffle: reshuffle the domains every epoch.
        cache: `True` caches the decoded images in memory, a string caches
            them in files with that prefix, `False` does not cache.
        download: let tensorflow-datasets download missing data.
        epochs: `None` (default) returns one epoch that reshuffles (and
            re-jitters) each time it is iterated. For training that can be
            resumed exactly, pass the run's number of epochs: the dataset
            then holds the epochs `initial_epoch` to `epochs - 1` back to
            back; the orders of both domains (the repeats of the smaller
            one included) and the jitter of epoch `e` are fixed by `seed`
            and `e`, so a run resumed at epoch k sees the very batches an
            uninterrupted run sees from epoch k on. Fit it with
            `steps_per_epoch=len(ds) // (epochs - initial_epoch)`.
        initial_epoch: first epoch of the dataset when `epochs` is set.

    Returns:
        A `tf.data.Dataset` of float32 `(a, b)` batches of shapes
        `(batch_size, H, W, Ca)` and `(batch_size, H, W, Cb)`.

    Raises:
        ValueError: for an unknown `source`, `split` or `jitter`, a bad
            `image_size` or `channels`, a `batch_size` above the images of
            a domain, an empty folder, an unreadable image file, or an
            `initial_epoch` outside `[0, epochs]` (or set without
            `epochs`).
        FileNotFoundError: for a missing `data_dir`, domain folder, MNIST
            file, or unprepared tensorflow-datasets data.

    Example:

    ```python
    ds = keras_gans.data.load_unpaired("digits-inverted", batch_size=16)
    plain, inverted = next(iter(ds))  # (16, 32, 32, 1) each, in [-1, 1]
    ds = keras_gans.data.load_unpaired(
        "cycle_gan/horse2zebra", image_size=128, download=True
    )
    # Resumable: epochs 5..19 of a 20-epoch run, in their own orders.
    ds = keras_gans.data.load_unpaired(
        "digits-inverted", batch_size=8, epochs=20, initial_epoch=5
    )
    model.fit(ds, epochs=20, initial_epoch=5, steps_per_epoch=len(ds) // 15)
    ```
    """
    batch_size = check_positive_int("batch_size", batch_size)
    source = check_source(source)
    jitter_mode = resolve_jitter(jitter, split, default_jitter(source))
    if is_tfds(source):
        domains = _tfds_domains(
            source, data_dir, split, image_size, channels, download
        )
        in_memory = False
    else:
        arrays = read_unpaired(source, data_dir, split, image_size, channels)
        domains = [
            (tf.data.Dataset.from_tensor_slices(images), len(images))
            for images in (arrays.a, arrays.b)
        ]
        in_memory = True
    for (_, count), name in zip(domains, "AB"):
        checks.check_batch_size(
            batch_size, count, f"{name} images of {source!r} split {split!r}"
        )
    streams = [
        epoch_pipeline.Stream(
            dataset,
            count,
            epoch_pipeline.scale_images,
            augment=jitter_function(jitter_mode),
            cache=_domain_cache(cache, name),
        )
        for (dataset, count), name in zip(domains, "AB")
    ]
    return epoch_pipeline.build(
        streams,
        batch_size,
        seed=seed,
        shuffle=shuffle,
        in_memory=in_memory,
        epochs=epochs,
        initial_epoch=initial_epoch,
    )


def _domain_cache(cache, name):
    # Two domains cannot share one cache file.
    if isinstance(cache, (str, os.PathLike)):
        return f"{os.fspath(cache)}_{name}"
    return cache


def _read_domain_folders(data_dir, split, size, channels):
    checks.check_split(split, SPLITS, "folder")
    data_dir = checks.check_data_dir(data_dir, "folder")
    paths = []
    for domain in ("A", "B"):
        root = folder.require_folder(
            os.path.join(data_dir, f"{split}{domain}"), "folder", data_dir
        )
        paths.append(folder.list_split_images(root, "folder"))
    if channels is None:
        channels = tuple(folder.file_channels(p[0]) for p in paths)
    if size is None:
        size = folder.file_size(paths[0][0])
    return tuple(
        folder.read_image_files(domain_paths, size, domain_channels)
        for domain_paths, domain_channels in zip(paths, channels)
    )


def _tfds_domains(source, data_dir, split, image_size, channels, download):
    """`[(dataset, count), (dataset, count)]` of uint8 images, A and B."""
    checks.check_split(split, SPLITS, source)
    size = check_image_size(image_size) or TFDS_DEFAULT_SIZE
    channels = check_fixed_channels(check_channels(channels), (3, 3), source)
    domains = []
    for domain, domain_channels in zip("AB", channels):
        dataset, info = tfds_source.load_tfds(
            source,
            image_shape=size + (domain_channels,),
            split=f"{split}{domain}",
            data_dir=data_dir,
            download=download,
        )
        domains.append((dataset, info.num_examples))
    return domains


def _to_numpy(dataset):
    batches = list(dataset.batch(256).as_numpy_iterator())
    return np.concatenate(batches)
