"""`get_feature_extractor`: an extractor from a name, a path or an object."""

import os

from keras_gans.metrics.classifier_feature_extractor import (
    ClassifierFeatureExtractor,
)
from keras_gans.metrics.feature_extractor import FeatureExtractor
from keras_gans.metrics.feature_extractor import file_sha256
from keras_gans.metrics.feature_extractor import load_keras_model
from keras_gans.metrics.inception_feature_extractor import (
    InceptionFeatureExtractor,
)
from keras_gans.utils.validation import format_received

SPEC_HELP = (
    "'classifier' (the dataset's own classifier, trained and cached), "
    "'inception:WEIGHTS' (InceptionV3 with a weights file, or "
    "'inception:imagenet'), a classifier extractor `.keras` file saved by "
    "keras-gans, an InceptionV3 weights file (`.h5`), any Keras model "
    "`.keras` file, or a FeatureExtractor object"
)


def get_feature_extractor(
    spec="classifier",
    dataset=None,
    data_dir=None,
    image_shape=None,
    cache_dir=None,
    feature_layer=None,
):
    """Resolves an extractor specification to a `FeatureExtractor`.

    Args:
        spec: `"classifier"` (default), `"inception:WEIGHTS"`, a file path
            (`.keras`: a keras-gans classifier extractor when its metadata
            `.json` is next to it, any Keras model otherwise; `.h5`:
            InceptionV3 weights), or a `FeatureExtractor` (returned as is).
        dataset: the dataset name; required by `"classifier"`.
        data_dir: the dataset's directory (for `"classifier"`).
        image_shape: `(H, W, C)` of the images to measure (for
            `"classifier"`, which is built at that shape).
        cache_dir: classifier cache root (default `default_cache_dir()`).
        feature_layer: for an arbitrary Keras model, the layer whose
            output is the feature vector (default its output).

    Returns:
        A `FeatureExtractor`.

    Raises:
        ValueError: for an unknown name, a file of an unknown type, or
            `"classifier"` without `dataset`.
        FileNotFoundError: for a path that does not exist.

    Example:

    ```python
    get_feature_extractor("inception:inception_v3.weights.h5")
    get_feature_extractor("classifier", dataset="mnist-idx",
                          data_dir="data/mnist", image_shape=(28, 28, 1))
    ```
    """
    if isinstance(spec, FeatureExtractor):
        return spec
    if spec is None or spec == "classifier":
        if dataset is None:
            raise ValueError(
                "The 'classifier' extractor is trained on a dataset: pass "
                "`dataset`. " + format_received(dataset=None)
            )
        return ClassifierFeatureExtractor.for_dataset(
            dataset,
            data_dir=data_dir,
            image_shape=image_shape or (28, 28, 1),
            cache_dir=cache_dir,
        )
    if not isinstance(spec, (str, os.PathLike)):
        raise ValueError(
            f"`extractor` must be one of: {SPEC_HELP}. "
            + format_received(extractor=spec)
        )
    spec = os.fspath(spec)
    if spec.startswith("inception:"):
        return InceptionFeatureExtractor(spec[len("inception:"):])
    if spec.endswith(".h5"):
        return InceptionFeatureExtractor(spec)
    if spec.endswith(".keras"):
        return _keras_file(spec, feature_layer)
    raise ValueError(
        f"`extractor` must be one of: {SPEC_HELP}. "
        + format_received(extractor=spec)
    )


def _keras_file(path, feature_layer):
    if not os.path.isfile(path):
        raise FileNotFoundError(
            "No extractor model at this path. " + format_received(extractor=path)
        )
    metadata = path[: -len(".keras")] + ".json"
    if os.path.isfile(metadata) and feature_layer is None:
        return ClassifierFeatureExtractor.load(path)
    model = load_keras_model(path)
    # A classifier's probabilities also give IS and label accuracy.
    classifier = _ends_in_softmax(model) and len(model.output_shape) == 2
    return FeatureExtractor(
        model,
        feature_layer=feature_layer,
        class_output="probabilities" if classifier else None,
        resize=True,
        path=path,
        metadata={"sha256": file_sha256(path)},
    )


def _ends_in_softmax(model):
    import keras

    activation = getattr(model.layers[-1], "activation", None)
    return activation is keras.activations.softmax or (
        getattr(activation, "__name__", None) == "softmax"
    )
