"""The tensorflow-datasets source: any dataset registered in `tfds`.

`tensorflow_datasets` is imported on first use only: importing it costs
seconds, and the in-memory sources never need it.
"""

import dataclasses

import tensorflow as tf

from keras_gans.data.dataset_info import DatasetInfo
from keras_gans.data.transforms import fit_image_tensor
from keras_gans.utils.validation import check_image_shape
from keras_gans.utils.validation import format_received

# CelebA's 218x178 photos are framed loosely; the usual GAN preprocessing
# (DCGAN, BEGAN, StudioGAN) keeps the central 140x140 face region.
_CENTER_CROPS = {"celeb_a": 140}
_DEFAULT_SHAPES = {"celeb_a": (64, 64, 3)}


def _tfds():
    import tensorflow_datasets as tfds

    return tfds


def base_name(name):
    """`"celeb_a"` from `"celeb_a/config:2.1.0"` (config and version cut)."""
    return name.split(":")[0].split("/")[0]


def get_builder(name, data_dir=None):
    """The tfds builder for `name`, or `None` if tfds does not know it.

    Building it reads only code and bundled metadata, never the network.
    """
    tfds = _tfds()
    try:
        return tfds.builder(name, data_dir=data_dir)
    except ValueError:
        # DatasetNotFoundError (a ValueError) for unknown names, a plain
        # ValueError for strings that are not builder names at all.
        return None


def list_names():
    """Names of all datasets registered in tensorflow-datasets."""
    return sorted(_tfds().list_builders())


def describe(builder, name, image_shape=None, with_labels=False, split="train"):
    """Resolves shapes and labels of a tfds dataset without reading data.

    Args:
        builder: from `get_builder(name)`.
        name: the dataset name as given to `load()`.
        image_shape: requested `(height, width, channels)` or `None` for the
            dataset's own size (64x64x3 for `celeb_a`).
        with_labels: whether labels are requested.
        split: the tfds split string, for the example count.

    Returns:
        `(image_key, DatasetInfo)`.

    Raises:
        ValueError: if the dataset has no image feature, has no `"label"`
            feature while `with_labels`, has varying image sizes and no
            `image_shape` was given, or `image_shape` asks for a different
            channel count than the dataset has.
    """
    tfds = _tfds()
    features = builder.info.features
    image_key = _image_key(features, name)
    native = tuple(features[image_key].shape)
    if image_shape is not None:
        shape = check_image_shape(image_shape)
    elif base_name(name) in _DEFAULT_SHAPES:
        shape = _DEFAULT_SHAPES[base_name(name)]
    elif None not in native:
        shape = check_image_shape(native, name=f"{name!r} image shape")
    else:
        raise ValueError(
            f"Images of the tensorflow-datasets {name!r} vary in size "
            f"{native}, so `image_shape` must be given, e.g. (64, 64, 3). "
            + format_received(image_shape=image_shape)
        )
    if native[2] is not None and native[2] != shape[2]:
        raise ValueError(
            f"The tensorflow-datasets {name!r} has {native[2]}-channel images "
            f"{native}, so `image_shape` must have {native[2]} "
            f"channel{'s' if native[2] > 1 else ''}. "
            + format_received(image_shape=image_shape)
        )
    label = features["label"] if "label" in features.keys() else None
    if not isinstance(label, tfds.features.ClassLabel):
        label = None
    if with_labels and label is None:
        raise ValueError(
            f"The tensorflow-datasets {name!r} has no 'label' class feature "
            f"(features: {sorted(features.keys())}), so it cannot be loaded "
            "with labels. " + format_received(with_labels=with_labels)
        )
    try:
        num_examples = int(builder.info.splits[split].num_examples)
    except (KeyError, ValueError, TypeError):
        # Split metadata exists only once the dataset is prepared.
        num_examples = None
    info = DatasetInfo(
        name=name,
        image_shape=shape,
        num_examples=num_examples or None,
        num_classes=None if label is None else int(label.num_classes),
        class_names=None if label is None else tuple(label.names),
    )
    return image_key, info


def load_tfds(
    name,
    image_shape=None,
    with_labels=False,
    split="train",
    data_dir=None,
    download=False,
    shuffle_files=False,
    seed=None,
    reshuffle_files=True,
):
    """Loads a tfds split as an unbatched dataset of uint8 images.

    Images are center-cropped to the target aspect ratio (CelebA first to
    its central 140x140) and resized with `tf.image.resize(method="bicubic",
    antialias=True)`, then rounded back to uint8; `load()` scales them.

    Args:
        name: a tensorflow-datasets name, optionally with config/version.
        image_shape: see `describe`.
        with_labels: also yield the `"label"` feature as int32.
        split: a tfds split string (`"train"`, `"test[:10%]"`, `"all"`).
        data_dir: tfds data directory (default `~/tensorflow_datasets`).
        download: let tfds download and prepare the data if missing.
        shuffle_files: read the data files in a seeded random order.
        seed: seed of the file order.
        reshuffle_files: with `shuffle_files`, draw a new file order each
            time the dataset is iterated; `False` keeps the first, so the
            order does not depend on how often it was iterated (exactly
            resumable training).

    Returns:
        `(dataset, DatasetInfo)`; the dataset yields uint8 images of
        `info.image_shape`, or `(image, label)` pairs.

    Raises:
        ValueError: see `describe`, and for an unknown `name`.
        FileNotFoundError: if the data is not in `data_dir` and `download`
            is False.
    """
    tfds = _tfds()
    builder = get_builder(name, data_dir)
    if builder is None:
        raise ValueError(
            f"tensorflow-datasets does not know the dataset {name!r}. "
            + format_received(name=name)
        )
    image_key, info = describe(builder, name, image_shape, with_labels, split)
    try:
        dataset = tfds.load(
            name,
            split=split,
            data_dir=data_dir,
            download=download,
            shuffle_files=shuffle_files,
            read_config=tfds.ReadConfig(
                shuffle_seed=seed,
                shuffle_reshuffle_each_iteration=reshuffle_files,
            ),
        )
    except AssertionError as exc:
        # tfds asserts when the prepared files are absent.
        raise FileNotFoundError(
            f"The tensorflow-datasets {name!r} is not prepared in `data_dir`; "
            "pass download=True to download and prepare it (needs network), "
            f"or point data_dir at a prepared copy ({exc}). "
            + format_received(data_dir=data_dir, download=download)
        ) from exc
    center_crop = _CENTER_CROPS.get(base_name(name))
    shape = info.image_shape

    def convert(example):
        image = fit_image_tensor(example[image_key], shape, center_crop)
        if with_labels:
            return image, tf.cast(example["label"], "int32")
        return image

    dataset = dataset.map(convert, num_parallel_calls=tf.data.AUTOTUNE)
    cardinality = int(dataset.cardinality())
    if cardinality >= 0:
        info = dataclasses.replace(info, num_examples=cardinality)
    return dataset, info


def _image_key(features, name):
    tfds = _tfds()
    if isinstance(features, tfds.features.FeaturesDict):
        items = list(features.items())
        # Prefer the conventional key when several image features exist.
        items.sort(key=lambda item: item[0] != "image")
        for key, feature in items:
            if isinstance(feature, tfds.features.Image):
                return key
    raise ValueError(
        f"The tensorflow-datasets {name!r} has no image feature, so it cannot "
        "train an image GAN. " + format_received(name=name)
    )
