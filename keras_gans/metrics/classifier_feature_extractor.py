"""`ClassifierFeatureExtractor`: a small CNN classifier whose features feed FID.

ImageNet InceptionV3 features do not fit 28x28 grayscale digits (and the
reference FID weights cannot be downloaded here), so, as is usual for
MNIST-like data, this module trains a small classifier on the labelled real
images of the dataset and uses its penultimate layer as the feature space.
FIDs computed with it are comparable only with each other (same dataset,
image shape, training data and sample counts), not with published
Inception FIDs.
"""

import hashlib
import json
import os
import re
import time
import warnings

import numpy as np

from keras_gans.metrics.feature_extractor import FeatureExtractor
from keras_gans.metrics.image_checks import check_rank
from keras_gans.metrics.image_checks import describe
from keras_gans.metrics.image_checks import to_model_range
from keras_gans.metrics.image_checks import to_numpy
from keras_gans.utils.safe_loading import load_keras_file
from keras_gans.utils.validation import check_image_shape
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received

# Part of the cache key: bump it when the network or its training changes.
ARCHITECTURE_VERSION = "cnn-v3"
FEATURE_LAYER = "features"
CACHE_ENV = "KERAS_GANS_CACHE"
CACHE_SUBDIR = "feature_extractors"
# Default epoch count: about this many image presentations in total.
# Augmented images keep teaching for longer than the raw ones did.
_TARGET_PRESENTATIONS = 150_000
# Random geometry each presentation sees: the invariances a digit
# classifier needs, so that a malformed digit is not mistaken for a
# slightly shifted, turned or scaled one of the training set.
_ROTATION = 0.04  # of a full turn: +-14 degrees
_SHIFT = 0.1
_ZOOM = 0.1


def default_cache_dir():
    """`$KERAS_GANS_CACHE`, or `~/.cache/keras_gans` when it is unset."""
    return os.environ.get(CACHE_ENV) or os.path.join(
        os.path.expanduser("~"), ".cache", "keras_gans"
    )


class ClassifierFeatureExtractor(FeatureExtractor):
    """Penultimate-layer features of a small CNN classifier, for FID.

    The network is `2 x conv3x3(32) -> maxpool -> 2 x conv3x3(64) ->
    maxpool -> dropout -> dense(128, "features") -> dropout -> softmax`,
    trained on randomly rotated, shifted and zoomed images (the
    augmentation is not part of the saved model). It takes images in
    [-1, 1] of one fixed shape and returns the 128 ReLU activations of
    the `"features"` layer. On the 10,000 MNIST test images it reaches
    about 99% accuracy on the held-out 15%. The `.keras` file is
    backend-portable: a model trained under JAX gives the same features
    under TensorFlow or torch.

    Create one with `for_dataset()` (trains on a keras-gans dataset and
    caches the model), `train()` (your own labelled arrays) or `load()`.

    Args:
        model: a functional Keras classifier with a layer named
            `"features"`.
        metadata: dict describing it (`accuracy`, `dataset`,
            `image_shape`, `feature_dim`, ...), saved next to the model.
        path: the `.keras` file it was loaded from or saved to, if any.
        trained: whether it was trained in this process.

    Raises:
        ValueError: if `model` has no `"features"` layer.

    Example:

    ```python
    extractor = ClassifierFeatureExtractor.for_dataset(
        "mnist-idx", data_dir="data/mnist", image_shape=(28, 28, 1)
    )
    extractor.accuracy                     # held-out accuracy, e.g. 0.98
    features = extractor.features(images)  # (N, 128) float64
    ```
    """

    def __init__(self, model, metadata=None, path=None, trained=False):
        super().__init__(
            model,
            feature_layer=FEATURE_LAYER,
            class_output="probabilities",
            metadata=metadata,
            path=path,
        )
        self.trained = bool(trained)

    @property
    def accuracy(self):
        """Accuracy on the held-out images, or `None` if unknown."""
        value = self.metadata.get("accuracy")
        return None if value is None else float(value)

    @property
    def name(self):
        """A short identifier: `classifier-<dataset>-<H>x<W>x<C>`."""
        shape = "x".join(str(d) for d in self.image_shape)
        return f"classifier-{self.metadata.get('dataset', 'custom')}-{shape}"

    @classmethod
    def for_dataset(
        cls,
        name,
        data_dir=None,
        image_shape=(28, 28, 1),
        cache_dir=None,
        seed=0,
        epochs=None,
        augment=True,
    ):
        """The extractor of a keras-gans dataset: loaded from cache or trained.

        Reads the labelled images with `keras_gans.data.load_arrays(name,
        data_dir=data_dir, image_shape=image_shape, with_labels=True)`.
        The model is cached as `<cache_dir>/feature_extractors/
        classifier-<name>-<H>x<W>x<C>-<key>.keras` with a `.json` of
        metadata next to it, where `key` hashes the pixels, labels and
        training settings: changed data trains a new model, an unchanged
        call loads the file (`trained` is then `False`). An unreadable
        cache entry is replaced, with a warning.

        Args:
            name: `"digits"`, `"mnist-idx"` or a labelled
                tensorflow-datasets name.
            data_dir: the dataset's directory (required by `"mnist-idx"`).
            image_shape: `(height, width, channels)` of the images the
                extractor accepts; the real images are resized to it.
            cache_dir: cache root; default `default_cache_dir()`.
            seed: seed of the held-out split, initializers and shuffling.
            epochs: as in `train()`.
            augment: as in `train()`.

        Returns:
            A `ClassifierFeatureExtractor`.

        Raises:
            ValueError, FileNotFoundError: as in `keras_gans.data.load`
                (unknown name, missing files, no labels, bad
                `image_shape`).

        Example:

        ```python
        extractor = ClassifierFeatureExtractor.for_dataset(
            "digits", image_shape=(16, 16, 1), cache_dir="/tmp/cache"
        )
        ```
        """
        from keras_gans import data

        image_shape = check_image_shape(image_shape)
        images, labels = data.load_arrays(
            name, data_dir=data_dir, image_shape=image_shape, with_labels=True
        )
        settings = {"architecture": ARCHITECTURE_VERSION, "seed": int(seed),
                    "epochs": epochs, "augment": bool(augment)}
        key = _data_hash(images, labels, settings)
        slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(name))
        shape = "x".join(map(str, image_shape))
        path = os.path.join(
            os.fspath(cache_dir or default_cache_dir()),
            CACHE_SUBDIR,
            f"classifier-{slug}-{shape}-{key[:16]}.keras",
        )
        cached = _load_cached(cls, path, key)
        if cached is not None:
            return cached
        extractor = cls.train(
            images, labels, seed=seed, epochs=epochs, dataset=name,
            augment=augment,
        )
        extractor.metadata.update(
            data_hash=key,
            data_dir=None if data_dir is None else os.fspath(data_dir),
            num_images=int(len(images)),
        )
        extractor.save(path)
        return extractor

    @classmethod
    def train(
        cls,
        images,
        labels,
        num_classes=None,
        validation_fraction=0.15,
        seed=0,
        epochs=None,
        batch_size=64,
        dataset="custom",
        augment=True,
    ):
        """Trains a classifier on labelled images and measures it.

        A seeded random `validation_fraction` of the images is held out;
        the rest trains the network (Adam, seeded initializers, dropout and
        shuffling) and the held-out accuracy is stored as `accuracy`.

        Args:
            images: `(N, H, W, C)` uint8 in [0, 255] (scaled by
                `x / 127.5 - 1`) or floats in [-1, 1].
            labels: `(N,)` integer labels in `[0, num_classes)`.
            num_classes: default `max(labels) + 1`.
            validation_fraction: share of images held out, in (0, 0.5].
            seed: seed of the split, initializers, dropout and shuffling.
            epochs: passes over the training images; default about
                150,000 augmented image presentations in total (18 epochs
                for 8,500 images), between 3 and 60.
            batch_size: training batch size.
            dataset: name recorded in the metadata.
            augment: train on randomly rotated, shifted and zoomed images
                (`build_augmentation`); `False` trains on the images as
                they are (quicker, e.g. for tests; less sensitive
                features).

        Returns:
            A `ClassifierFeatureExtractor` with `trained=True`.

        Raises:
            ValueError: for images that are not 4-D, labels of the wrong
                shape or range, too few images, or an invalid
                `validation_fraction`, `epochs` or `batch_size`.
        """
        import keras

        x = to_model_range(check_rank(to_numpy(images, "images"), "images"))
        y = _check_labels(labels, len(x), num_classes)
        if not (isinstance(validation_fraction, (float, int))
                and 0 < validation_fraction <= 0.5):
            raise ValueError(
                "`validation_fraction` must be in (0, 0.5]. "
                + format_received(validation_fraction=validation_fraction)
            )
        batch_size = check_positive_int("batch_size", batch_size)
        train_idx, held_idx = holdout_split(len(x), validation_fraction, seed)
        if len(train_idx) < 2:
            raise ValueError(
                "`images` must hold at least 3 images (training + held out). "
                + format_received(images=describe(x))
            )
        if epochs is None:
            epochs = int(np.clip(
                np.ceil(_TARGET_PRESENTATIONS / len(train_idx)), 3, 60
            ))
        epochs = check_positive_int("epochs", epochs)
        num_classes = int(num_classes or y.max() + 1)

        model = build_classifier(x.shape[1:], max(num_classes, 2), seed=seed)
        # Augmentation wraps the classifier for training only: the saved
        # feature model sees the images as they are.
        trainer = (
            keras.Sequential([build_augmentation(seed), model])
            if augment
            else model
        )
        steps = epochs * int(np.ceil(len(train_idx) / batch_size))
        trainer.compile(
            optimizer=keras.optimizers.Adam(
                keras.optimizers.schedules.CosineDecay(1e-3, steps)
            ),
            loss="sparse_categorical_crossentropy",
        )
        rng = np.random.default_rng(seed)
        start = time.perf_counter()
        for _ in range(epochs):
            order = rng.permutation(train_idx)
            trainer.fit(x[order], y[order], batch_size=batch_size, epochs=1,
                        shuffle=False, verbose=0)
        seconds = time.perf_counter() - start
        extractor = cls(model, trained=True)
        held_out = extractor.predict_labels(x[held_idx])
        extractor.metadata.update(
            dataset=str(dataset),
            accuracy=float(np.mean(held_out == y[held_idx])),
            num_classes=num_classes,
            num_train=int(len(train_idx)),
            num_held_out=int(len(held_idx)),
            validation_fraction=float(validation_fraction),
            seed=int(seed),
            epochs=epochs,
            augment=bool(augment),
            train_seconds=round(seconds, 2),
            backend=keras.backend.backend(),
            architecture=ARCHITECTURE_VERSION,
        )
        return extractor

    @classmethod
    def load(cls, path):
        """Loads an extractor saved by `save()` (or `for_dataset()`).

        Args:
            path: the `.keras` file; the metadata is read from the `.json`
                file of the same stem when present.

        Returns:
            A `ClassifierFeatureExtractor` with `trained=False`.

        Raises:
            FileNotFoundError: if `path` does not exist.
            ValueError: if the model has no `"features"` layer.
        """
        path = os.fspath(path)
        if not os.path.isfile(path):
            raise FileNotFoundError(
                "No extractor model at this path. " + format_received(path=path)
            )
        model = load_keras_file(path, compile=False)
        metadata = None
        if os.path.isfile(_metadata_path(path)):
            with open(_metadata_path(path)) as handle:
                metadata = json.load(handle)
        return cls(model, metadata=metadata, path=path, trained=False)

    def save(self, path):
        """Saves the model (`.keras`) and its metadata (`.json`) atomically.

        Args:
            path: a path ending in `.keras`; sets `self.path`.

        Raises:
            ValueError: if `path` does not end in `.keras`.
        """
        path = os.fspath(path)
        if not path.endswith(".keras"):
            raise ValueError(
                "`path` must end in '.keras'. " + format_received(path=path)
            )
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        tmp = f"{path[:-len('.keras')]}.tmp-{os.getpid()}-{time.time_ns()}"
        self.model.save(tmp + ".keras")
        with open(tmp + ".json", "w") as handle:
            json.dump(self.metadata, handle, indent=2, sort_keys=True)
        os.replace(tmp + ".keras", path)
        os.replace(tmp + ".json", _metadata_path(path))
        self.path = path

    def __repr__(self):
        return (
            f"ClassifierFeatureExtractor(name={self.name!r}, "
            f"feature_dim={self.feature_dim}, accuracy={self.accuracy}, "
            f"path={self.path!r})"
        )


def build_classifier(image_shape, num_classes, seed=0, feature_dim=128):
    """The untrained classifier: images in [-1, 1] -> class probabilities.

    Args:
        image_shape: `(height, width, channels)`.
        num_classes: size of the softmax head.
        seed: seed of the initializers and dropout masks.
        feature_dim: width of the `"features"` layer.

    Returns:
        A functional `keras.Model`.
    """
    import keras
    from keras import layers

    def seeded(offset):
        return keras.initializers.GlorotUniform(seed=seed * 100 + offset)

    inputs = keras.Input(tuple(image_shape), name="images")
    x = inputs
    for index, filters in enumerate((32, 64)):
        for repeat in range(2):
            x = layers.Conv2D(
                filters, 3, padding="same", activation="relu",
                kernel_initializer=seeded(4 + 2 * index + repeat),
            )(x)
        if min(x.shape[1], x.shape[2]) >= 2:
            x = layers.MaxPooling2D(2)(x)
    x = layers.Dropout(0.25, seed=seed * 100 + 10)(layers.Flatten()(x))
    x = layers.Dense(feature_dim, activation="relu", name=FEATURE_LAYER,
                     kernel_initializer=seeded(2))(x)
    x = layers.Dropout(0.5, seed=seed * 100 + 11)(x)
    outputs = layers.Dense(num_classes, activation="softmax",
                           kernel_initializer=seeded(3))(x)
    return keras.Model(inputs, outputs, name="feature_classifier")


def build_augmentation(seed=0):
    """Random rotation, shift and zoom of images in [-1, 1], training only.

    Uncovered pixels are filled with -1, the background of dark-ground
    images such as digits.
    """
    import keras
    from keras import layers

    fill = {"fill_mode": "constant", "fill_value": -1.0}
    return keras.Sequential(
        [
            layers.RandomRotation(_ROTATION, seed=seed * 100 + 20, **fill),
            layers.RandomTranslation(
                _SHIFT, _SHIFT, seed=seed * 100 + 21, **fill
            ),
            layers.RandomZoom(_ZOOM, seed=seed * 100 + 22, **fill),
        ],
        name="augmentation",
    )


def holdout_split(count, validation_fraction, seed):
    """Sorted `(train_indices, held_out_indices)` of a seeded split.

    The first `round(count * validation_fraction)` (at least 1) entries
    of a seeded permutation are held out.
    """
    order = np.random.default_rng(seed).permutation(count)
    held = max(1, int(round(count * validation_fraction)))
    return np.sort(order[held:]), np.sort(order[:held])


def _check_labels(labels, count, num_classes):
    if num_classes is not None:
        num_classes = check_positive_int("num_classes", num_classes)
    labels = np.asarray(labels)
    if labels.shape != (count,) or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(
            f"`labels` must be {count} integers, one per image. "
            + format_received(labels=describe(labels))
        )
    high = num_classes if num_classes is not None else np.inf
    if count and (labels.min() < 0 or labels.max() >= high):
        raise ValueError(
            f"`labels` must be in [0, {num_classes}). "
            + format_received(labels=f"values in [{labels.min()}, "
                              f"{labels.max()}]")
        )
    return labels.astype("int32")


def _metadata_path(model_path):
    return model_path[: -len(".keras")] + ".json"


def _data_hash(images, labels, settings):
    digest = hashlib.sha256()
    header = {"images": [list(images.shape), str(images.dtype)],
              "labels": [list(labels.shape), str(labels.dtype)],
              "settings": settings}
    digest.update(json.dumps(header, sort_keys=True).encode())
    digest.update(np.ascontiguousarray(images).tobytes())
    digest.update(np.ascontiguousarray(labels).tobytes())
    return digest.hexdigest()


def _load_cached(cls, path, key):
    if not (os.path.isfile(path) and os.path.isfile(_metadata_path(path))):
        return None
    try:
        with open(_metadata_path(path)) as handle:
            if json.load(handle).get("data_hash") != key:
                raise ValueError("its data_hash does not match")
        return cls.load(path)
    except Exception as error:  # noqa: BLE001 (any unreadable cache entry)
        warnings.warn(
            f"Ignoring the unreadable cached feature extractor {path!r} "
            f"({type(error).__name__}: {error}); training a new one.",
            RuntimeWarning,
            stacklevel=3,
        )
        return None
