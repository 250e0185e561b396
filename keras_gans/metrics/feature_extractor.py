"""`FeatureExtractor`: feature vectors (and class probabilities) from any Keras model."""

import hashlib
import os

import numpy as np

from keras_gans.metrics import image_checks
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received

CLASS_OUTPUTS = (None, "probabilities", "logits")


class FeatureExtractor:
    """Feature vectors of images from a Keras model, for FID, KID and more.

    The base of the project's extractors and the way to plug in your own
    network: the features are the (flattened) output of `feature_layer`,
    or of the model. When the model's output is a class distribution
    (`class_output`), the extractor also gives class probabilities and
    labels, which the Inception Score and label accuracy need.

    Images go in as `(N, H, W, C)` floats in [-1, 1] (uint8 pixels are
    scaled by `x / 127.5 - 1`), the range Inception-style networks expect.
    With `resize=True`, images of another size are resized to the model's
    input with antialiased bilinear interpolation and grayscale images are
    repeated to 3 channels when the model wants RGB; otherwise their shape
    must match the model's input exactly.

    Args:
        model: a built `keras.Model`, or the path of a `.keras` file.
        feature_layer: name of the layer whose output is the feature
            vector; `None` uses the model's output.
        class_output: `None` (no classes), `"probabilities"` or `"logits"`:
            what the model's final output is.
        resize: resize and channel-adapt images to the model's input.
        name: short identifier used in results; default the model name.
        metadata: dict describing the extractor (weights, training data,
            ...), reported with results.
        path: the file the model came from, if any.
        max_batch_size: upper bound of images per forward pass (large
            networks need less memory with smaller batches).

    Raises:
        ValueError: for an unknown `feature_layer` or `class_output`, a
            model without a fully defined 4-D image input, or a
            `class_output` model whose output is not `(N, classes)`.
        FileNotFoundError: if `model` is a path that does not exist.

    Example:

    ```python
    net = keras.applications.ResNet50(weights="resnet50.weights.h5")
    extractor = FeatureExtractor(net, feature_layer="avg_pool",
                                 class_output="probabilities", resize=True)
    fid = keras_gans.metrics.fid_from_images(real, fake, extractor)
    ```
    """

    def __init__(
        self,
        model,
        feature_layer=None,
        class_output=None,
        resize=False,
        name=None,
        metadata=None,
        path=None,
        max_batch_size=256,
    ):
        if isinstance(model, (str, os.PathLike)):
            path = os.fspath(model)
            model = load_keras_model(path)
        if class_output not in CLASS_OUTPUTS:
            raise ValueError(
                f"`class_output` must be one of {CLASS_OUTPUTS}. "
                + format_received(class_output=class_output)
            )
        self.model = model
        self.feature_layer = feature_layer
        self.class_output = class_output
        self.resize = bool(resize)
        self.max_batch_size = check_positive_int(
            "max_batch_size", max_batch_size
        )
        self.path = None if path is None else os.fspath(path)
        self._check_input()
        self._extract_model = self._build_extract_model()
        self._name = name
        self.metadata = dict(metadata or {})
        self.metadata.setdefault("image_shape", list(self.image_shape))
        self.metadata.setdefault("feature_dim", self._feature_dim())

    @classmethod
    def from_file(cls, path, **kwargs):
        """An extractor of a saved `.keras` model; kwargs as `__init__`.

        The file's SHA-256 is recorded in `metadata["sha256"]`, so results
        say exactly which network measured them.
        """
        extractor = cls(os.fspath(path), **kwargs)
        extractor.metadata.setdefault("sha256", file_sha256(path))
        return extractor

    # ------------------------------------------------------------ describe

    @property
    def image_shape(self):
        """`(height, width, channels)` of the model's input."""
        return tuple(int(d) for d in self.model.input_shape[1:])

    @property
    def feature_dim(self):
        """Length of a feature vector."""
        return int(self.metadata["feature_dim"])

    @property
    def num_classes(self):
        """Number of classes of the class output, or `None`."""
        if self.class_output is None:
            return None
        return int(self.model.output_shape[-1])

    @property
    def name(self):
        """A short identifier of the extractor used in results."""
        return self._name or self.model.name

    def describe(self):
        """JSON-ready description: name, sizes and the metadata."""
        return {
            **self.metadata,
            "name": self.name,
            "feature_dim": self.feature_dim,
            "num_classes": self.num_classes,
            "image_shape": list(self.image_shape),
            "resize": self.resize,
        }

    # ------------------------------------------------------------- compute

    def extract(self, images, batch_size=256, name="images"):
        """Features and class probabilities of images in one pass.

        Args:
            images: `(N, H, W, C)` floats in [-1, 1] or uint8 pixels;
                NumPy or a backend tensor.
            batch_size: images per forward pass (at most
                `max_batch_size`).
            name: argument name used in error messages.

        Returns:
            `(features, probabilities)`: float64 `(N, feature_dim)` and
            float64 `(N, num_classes)`, or `None` without a class output.

        Raises:
            ValueError: for images of the wrong rank, shape or channels,
                non-finite values or values outside [-1, 1], or a
                non-positive `batch_size`.
        """
        batch_size = min(
            check_positive_int("batch_size", batch_size), self.max_batch_size
        )
        array = self.check_images(images, name=name)
        features, probabilities = [], []
        for start in range(0, len(array), batch_size):
            outputs = self._run(array[start : start + batch_size], batch_size)
            features.append(outputs[0].reshape(len(outputs[0]), -1))
            if self.class_output is not None:
                probabilities.append(outputs[1])
        features = _concatenate(features, (0, self.feature_dim))
        if self.class_output is None:
            return features, None
        probabilities = _concatenate(probabilities, (0, self.num_classes))
        if self.class_output == "logits":
            probabilities = _softmax(probabilities)
        return features, probabilities

    def features(self, images, batch_size=256, name="images"):
        """Feature vectors `(N, feature_dim)` (float64); see `extract()`."""
        return self.extract(images, batch_size, name)[0]

    def class_probabilities(self, images, batch_size=256, name="images"):
        """Class probabilities `(N, num_classes)` (float64).

        Raises:
            ValueError: if the extractor has no class output, or as in
                `extract()`.
        """
        self._require_classes("class_probabilities")
        return self.extract(images, batch_size, name)[1]

    def predict_labels(self, images, batch_size=256, name="images"):
        """Most probable class `(N,)` (int64); see `class_probabilities()`."""
        return np.argmax(self.class_probabilities(images, batch_size, name), -1)

    def check_images(self, images, name="images"):
        """Validates images for this extractor; returns float32 NumPy.

        Raises:
            ValueError: as in `extract()`; errors name `name`.
        """
        array = image_checks.check_pixel_values(images, name)
        expected = self.image_shape
        received = format_received(**{name: image_checks.describe(array)})
        channels = array.shape[-1]
        if channels != expected[-1] and not (
            self.resize and channels == 1 and expected[-1] == 3
        ):
            raise ValueError(
                f"`{name}` must have {expected[-1]} channel(s), like the "
                f"extractor's image_shape {expected}"
                + (" (or 1, repeated to RGB)" if self.resize else "")
                + ". " + received
            )
        if not self.resize and tuple(array.shape[1:]) != expected:
            raise ValueError(
                f"`{name}` must have shape (N,) + {expected}, the extractor's "
                "image_shape (build the extractor at the generator's image "
                "size). " + received
            )
        return array

    def _require_classes(self, what):
        if self.class_output is None:
            raise ValueError(
                f"`{what}` needs an extractor with a class output; "
                f"{self.name!r} has none (pass `class_output=` when the "
                "model ends in a classifier). "
                + format_received(class_output=None)
            )

    # ------------------------------------------------------------- private

    def _check_input(self):
        shape = getattr(self.model, "input_shape", None)
        if (
            not isinstance(shape, tuple)
            or len(shape) != 4
            or any(d is None for d in shape[1:])
        ):
            raise ValueError(
                "`model` must take one image batch of a fully defined shape "
                "(N, height, width, channels). "
                + format_received(model_input_shape=shape)
            )
        if self.class_output is not None:
            out = getattr(self.model, "output_shape", None)
            if not isinstance(out, tuple) or len(out) != 2:
                raise ValueError(
                    f"`class_output={self.class_output!r}` needs a model "
                    "whose output is (N, num_classes). "
                    + format_received(model_output_shape=out)
                )

    def _build_extract_model(self):
        import keras

        if self.feature_layer is None:
            if self.class_output is None:
                return self.model
            return keras.Model(
                self.model.input, [self.model.output, self.model.output]
            )
        try:
            feature_output = self.model.get_layer(self.feature_layer).output
        except (ValueError, AttributeError) as error:
            raise ValueError(
                f"`feature_layer` must name a layer of the functional model "
                f"{self.model.name!r}. "
                + format_received(feature_layer=self.feature_layer)
            ) from error
        outputs = [feature_output]
        if self.class_output is not None:
            outputs.append(self.model.output)
        return keras.Model(self.model.input, outputs)

    def _feature_dim(self):
        if self.feature_layer is None:
            shape = self.model.output_shape
        else:
            shape = self.model.get_layer(self.feature_layer).output.shape
        return int(np.prod([d for d in shape[1:]]))

    def _run(self, batch, batch_size):
        """Forward pass of one batch: a list of float64 NumPy outputs."""
        import keras

        batch = self._adapt(batch)
        count = len(batch)
        # TensorFlow: eager calls (no tf.function per model). JAX and torch:
        # the compiled predict function, on one padded batch shape.
        if keras.backend.backend() == "tensorflow":
            outputs = self._extract_model(batch, training=False)
        else:
            padding = np.zeros((batch_size - count,) + batch.shape[1:])
            batch = np.concatenate([batch, padding.astype(batch.dtype)])
            outputs = self._extract_model.predict_on_batch(batch)
        if not isinstance(outputs, (list, tuple)):
            outputs = [outputs]
        return [
            np.asarray(keras.ops.convert_to_numpy(out), np.float64)[:count]
            for out in outputs
        ]

    def _adapt(self, batch):
        """Resizes and channel-repeats a batch to the model's input."""
        if not self.resize:
            return batch
        height, width, channels = self.image_shape
        if batch.shape[-1] == 1 and channels == 3:
            batch = np.repeat(batch, 3, axis=-1)
        if batch.shape[1:3] != (height, width):
            batch = resize_images(batch, (height, width))
        return batch

    def __repr__(self):
        return (
            f"{type(self).__name__}(name={self.name!r}, "
            f"feature_dim={self.feature_dim}, num_classes={self.num_classes}, "
            f"path={self.path!r})"
        )


def resize_images(images, size):
    """Antialiased bilinear resize of `(N, H, W, C)` images to `size`.

    Antialiasing matters when shrinking: plain bilinear sampling of a
    large image aliases fine texture into artefacts that shift FID.
    """
    import keras

    resized = keras.ops.image.resize(
        images, tuple(size), interpolation="bilinear", antialias=True
    )
    return np.asarray(keras.ops.convert_to_numpy(resized), np.float32)


def load_keras_model(path):
    """A `.keras` model loaded in safe mode, with clear errors (see
    `keras_gans.utils.safe_loading.load_keras_file`)."""
    from keras_gans.utils.safe_loading import load_keras_file

    return load_keras_file(path, compile=False)


def file_sha256(path):
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _concatenate(parts, empty_shape):
    return np.concatenate(parts) if parts else np.zeros(empty_shape)


def _softmax(logits):
    shifted = logits - logits.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=-1, keepdims=True)
