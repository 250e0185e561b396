"""Tests of `InceptionFeatureExtractor` with randomly initialized weights.

The reference weights cannot be downloaded here; random weights saved by
Keras exercise the same loading, resizing and feature paths.

Only the features and probabilities (the network run on this backend) are
checked in the TensorFlow and torch sessions (not JAX's: see the skip); the weight-file bookkeeping (metadata,
top detection, errors, spec strings) is the same code on every backend and
runs once (`once`): each InceptionV3 build costs seconds, tens on JAX.
"""

import hashlib
import re

import keras
import numpy as np
import pytest

from keras_gans.metrics import InceptionFeatureExtractor
from keras_gans.metrics import get_feature_extractor
from keras_gans.metrics.feature_extractor import resize_images


def _save_inception(path, top):
    keras.utils.set_random_seed(0)
    model = keras.applications.InceptionV3(
        weights=None, include_top=top, pooling=None if top else "avg"
    )
    model.save_weights(path)
    keras.backend.clear_session()
    return path


@pytest.fixture(scope="module")
def top_weights(tmp_path_factory):
    """Saved InceptionV3 weights with the classifier: every session's."""
    folder = tmp_path_factory.mktemp("inception_top")
    return _save_inception(str(folder / "top.weights.h5"), top=True)


@pytest.fixture(scope="module")
def weight_files(tmp_path_factory, top_weights):
    """`{"top": path, "notop": path, "other": path}` of saved weights.

    Only the `once` tests use the other two files: each InceptionV3 build
    costs seconds (tens on JAX), so the other sessions build one.
    """
    folder = tmp_path_factory.mktemp("inception")
    files = {"top": top_weights}
    files["notop"] = _save_inception(
        str(folder / "notop.weights.h5"), top=False
    )
    other = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    files["other"] = str(folder / "other.weights.h5")
    other.save_weights(files["other"])
    keras.backend.clear_session()
    return files


@pytest.fixture(scope="module")
def inception(top_weights):
    return InceptionFeatureExtractor(top_weights)


def gray_images(n, size=16, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, (n, size, size, 1)).astype("float32")


@pytest.mark.skipif(
    keras.backend.backend() == "jax",
    reason="InceptionV3 costs the JAX session 38 s (17 s of it initializing "
    "24M random weights op by op); the extractor is the same keras.ops "
    "code on every backend and runs here on TensorFlow and torch",
)
def test_pool_features_and_probabilities_of_small_gray_images(inception):
    x = gray_images(3)
    # JAX and torch pad the last batch to `batch_size` (one compiled
    # shape): the default 256 would run InceptionV3 on 253 zero images.
    features, probs = inception.extract(x, batch_size=4)
    assert features.shape == (3, 2048) and probs.shape == (3, 1000)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)
    # The same as running the network by hand on the resized RGB images.
    rgb = resize_images(np.repeat(x, 3, axis=-1), (299, 299))
    pool = keras.Model(
        inception.model.input, inception.model.get_layer("avg_pool").output
    )
    expected = keras.ops.convert_to_numpy(pool(rgb, training=False))
    np.testing.assert_allclose(features, expected, rtol=1e-4, atol=1e-5)


@pytest.mark.once  # the extractor's bookkeeping, see the module docstring
def test_metadata_names_the_weights(inception, weight_files):
    with open(weight_files["top"], "rb") as handle:
        sha256 = hashlib.sha256(handle.read()).hexdigest()
    described = inception.describe()
    assert described["sha256"] == sha256
    assert described["name"] == f"inception_v3-{sha256[:12]}"
    assert described["include_top"] is True and described["classes"] == 1000
    assert "antialiased" in described["resizing"]


@pytest.mark.once  # the extractor's bookkeeping, see the module docstring
def test_weights_without_classifier_are_detected(weight_files):
    # Built from its spec string: one InceptionV3 build for both checks
    # (test_specs_resolve_to_inception checks the bare path).
    extractor = get_feature_extractor(f"inception:{weight_files['notop']}")
    assert isinstance(extractor, InceptionFeatureExtractor)
    assert extractor.metadata["include_top"] is False
    assert extractor.num_classes is None
    assert extractor.features(gray_images(2)).shape == (2, 2048)


@pytest.mark.once  # the extractor's bookkeeping, see the module docstring
@pytest.mark.parametrize(
    "name, kwargs", [("other", {}), ("notop", {"include_top": True})]
)
def test_weights_of_another_network_raise(weight_files, name, kwargs):
    with pytest.raises(ValueError, match=re.escape(
        f"Received: weights={weight_files[name]!r}"
    )):
        InceptionFeatureExtractor(weight_files[name], **kwargs)


@pytest.mark.once  # the extractor's bookkeeping, see the module docstring
def test_specs_resolve_to_inception(weight_files):
    # "inception:PATH": test_weights_without_classifier_are_detected.
    spec = weight_files["notop"]
    assert isinstance(get_feature_extractor(spec), InceptionFeatureExtractor)
    with pytest.raises(FileNotFoundError, match="nowhere.h5"):
        InceptionFeatureExtractor("nowhere.h5")
