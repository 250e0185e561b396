"""Tests of `PerceptualLoss` with randomly initialized VGG19 weights.

The ImageNet weights cannot be downloaded here (the offline error is
simulated); a random VGG19 saved by Keras exercises the same loading,
preprocessing and feature paths, and that VGG itself, up to the layer,
on Keras' NumPy `preprocess_input` is the reference. Most checks read
`block2_conv2` on 32x32 images (fast); one reads SRGAN's `block5_conv4`
(not on JAX: see its skip). Argument checks, configs and weight files
do not depend on the backend and run once (`once`). The first VGG19
build costs the JAX session several seconds (compiling the random
initializers), every later one a fraction of a second.
"""

import re
import zipfile

import h5py
import keras
import numpy as np
import pytest
from keras import ops

from keras_gans.losses import PerceptualLoss
from keras_gans.losses import perceptual_loss
from tests.helpers import to_numpy

LAYER = "block2_conv2"


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """`(vgg, path)`: a seeded random VGG19 and the file of its weights."""
    keras.utils.set_random_seed(0)
    vgg = keras.applications.VGG19(
        include_top=False, weights=None, input_shape=(None, None, 3)
    )
    path = str(tmp_path_factory.mktemp("vgg19") / "vgg.weights.h5")
    vgg.save_weights(path)
    return vgg, path


@pytest.fixture(scope="module")
def weights_file(reference):
    return reference[1]


@pytest.fixture(scope="module")
def block2_loss(weights_file):
    return PerceptualLoss(layer=LAYER, weights=weights_file)


@pytest.fixture(scope="module")
def pre_activation_l1_loss(weights_file):
    return PerceptualLoss(
        layer=LAYER,
        before_activation=True,
        weights=weights_file,
        distance="l1",
        rescale=0.5,
    )


def images(n=2, size=32, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, (n, size, size, 3)).astype("float32")


def vgg_features(vgg, x, layer, before_activation=False):
    """The hand reference: Keras' NumPy caffe preprocessing, the saved
    VGG up to `layer`, and for `before_activation` the conv in NumPy."""
    pixels = keras.applications.vgg19.preprocess_input((x + 1.0) * 127.5)
    conv = vgg.get_layer(layer)
    tensor = conv.input if before_activation else conv.output
    sub = keras.Model(vgg.input, tensor)
    # Called eagerly, not `predict`: JAX then reuses the loss's compiled
    # ops rather than compiling the whole network once more.
    features = to_numpy(sub(pixels, training=False)).astype("float64")
    if not before_activation:
        return features
    kernel, bias = (to_numpy(w).astype("float64") for w in conv.weights)
    padded = np.pad(features, ((0, 0), (1, 1), (1, 1), (0, 0)))
    height, width = features.shape[1:3]
    out = np.zeros(features.shape[:3] + (kernel.shape[-1],)) + bias
    for i in range(3):
        for j in range(3):
            patch = padded[:, i : i + height, j : j + width, :]
            out += patch @ kernel[i, j]
    return out


def input_gradient(loss, y_true, y_pred):
    """d loss(y_true, y_pred) / d y_pred with the backend's own autodiff."""
    backend = keras.backend.backend()
    y_pred = ops.convert_to_tensor(y_pred)
    if backend == "tensorflow":
        import tensorflow as tf

        with tf.GradientTape() as tape:
            tape.watch(y_pred)
            value = loss(y_true, y_pred)
        return to_numpy(tape.gradient(value, y_pred))
    if backend == "jax":
        import jax

        return to_numpy(jax.grad(lambda y: loss(y_true, y))(y_pred))
    import torch

    y_pred = y_pred.detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(loss(y_true, y_pred), [y_pred])
    return to_numpy(grad)


def test_mse_matches_hand_computation(reference, block2_loss):
    vgg, _ = reference
    y_true, y_pred = images(seed=0), images(seed=1)
    true_features = vgg_features(vgg, y_true, LAYER)
    pred_features = vgg_features(vgg, y_pred, LAYER)
    expected = np.mean(((true_features - pred_features) / 12.75) ** 2)
    value = block2_loss(y_true, y_pred)
    assert value.shape == () and ops.dtype(value) == "float32"
    np.testing.assert_allclose(to_numpy(value), expected, rtol=1e-4)


def test_pre_activation_l1_matches_conv_by_hand(
    reference, pre_activation_l1_loss
):
    vgg, _ = reference
    y_true, y_pred = images(seed=2), images(seed=3)
    true_features = vgg_features(vgg, y_true, LAYER, before_activation=True)
    pred_features = vgg_features(vgg, y_pred, LAYER, before_activation=True)
    # The pre-activations are the layer's outputs before its ReLU.
    np.testing.assert_allclose(
        np.maximum(true_features, 0.0),
        vgg_features(vgg, y_true, LAYER),
        rtol=1e-4,
        atol=1e-3,
    )
    expected = np.mean(np.abs(0.5 * (true_features - pred_features)))
    np.testing.assert_allclose(
        to_numpy(pre_activation_l1_loss(y_true, y_pred)), expected, rtol=1e-4
    )


@pytest.mark.skipif(
    keras.backend.backend() == "jax",
    reason="block5 costs the JAX session seconds of op-by-op compilation "
    "for its new shapes; the loss is the same keras.ops code as the "
    "block2 checks, which run on JAX",
)
def test_srgan_vgg54_default_layer(reference):
    vgg, path = reference
    loss = PerceptualLoss(weights=path)
    assert loss.layer == "block5_conv4" and loss.min_size == 16
    # 16x16 is the smallest size block5 takes (four poolings before it).
    y_true, y_pred = images(size=16, seed=4), images(size=16, seed=5)
    features = [vgg_features(vgg, y, "block5_conv4") for y in (y_true, y_pred)]
    expected = np.mean(((features[0] - features[1]) / 12.75) ** 2)
    np.testing.assert_allclose(
        to_numpy(loss(y_true, y_pred)), expected, rtol=1e-3
    )
    with pytest.raises(ValueError, match=re.escape(
        "at least 16x16 pixels for `layer='block5_conv4'`"
    )):
        loss(images(size=8), images(size=8))


@pytest.mark.parametrize("name", ["block2_loss", "pre_activation_l1_loss"])
def test_zero_for_identical_images_and_finite_gradient(request, name):
    loss = request.getfixturevalue(name)
    y_true, y_pred = images(seed=6), images(seed=7)
    assert float(to_numpy(loss(y_true, y_true))) == 0.0
    assert float(to_numpy(loss(y_true, y_pred))) > 0.0
    grad = input_gradient(loss, y_true, y_pred)
    assert grad.shape == y_pred.shape
    assert np.all(np.isfinite(grad)) and np.any(grad != 0.0)


class Upsampler(keras.Model):
    """Holds the loss as an attribute, as a super-resolution GAN does."""

    def __init__(self, content_loss, **kwargs):
        super().__init__(**kwargs)
        self.dense = keras.layers.Dense(32 * 32 * 3, activation="tanh")
        self.reshape = keras.layers.Reshape((32, 32, 3))
        self.content_loss = content_loss

    def call(self, x):
        return self.reshape(self.dense(x))

    def get_config(self):
        # The loss's choice, not its VGG, goes into the model's config.
        return {
            **super().get_config(),
            "content_loss": keras.saving.serialize_keras_object(
                self.content_loss
            ),
        }

    @classmethod
    def from_config(cls, config):
        config["content_loss"] = keras.saving.deserialize_keras_object(
            config["content_loss"]
        )
        return cls(**config)


def test_fit_does_not_track_or_train_the_vgg(block2_loss):
    model = Upsampler(block2_loss)
    model.compile(optimizer="sgd", loss=block2_loss)
    vgg_before = [to_numpy(v) for v in block2_loss._features.variables]
    # A jitted train step on JAX: the VGG is read as a constant, not
    # passed in the training state.
    history = model.fit(
        np.ones((2, 4), "float32"), images(), epochs=1, verbose=0
    )
    assert np.isfinite(history.history["loss"][0])
    assert len(model.weights) == 2 and len(model.variables) == 2
    assert len(model.non_trainable_weights) == 0
    for before, variable in zip(vgg_before, block2_loss._features.variables):
        np.testing.assert_array_equal(before, to_numpy(variable))


@pytest.mark.once  # Keras' saving walks attributes alike on every backend
def test_saved_model_holds_the_choice_not_the_vgg(block2_loss, tmp_path):
    model = Upsampler(block2_loss)
    model.compile(optimizer="sgd", loss=block2_loss)
    model(np.ones((1, 4), "float32"))
    path = str(tmp_path / "upsampler.keras")
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        archive.extract("model.weights.h5", tmp_path)
    stored = []
    with h5py.File(tmp_path / "model.weights.h5") as handle:
        handle.visititems(
            lambda name, item: stored.append(name)
            if isinstance(item, h5py.Dataset)
            else None
        )
    # The dense kernel and bias, and the optimizer's iteration count and
    # learning rate: no VGG weights.
    assert sorted(stored) == [
        "dense/vars/0",
        "dense/vars/1",
        "optimizer/vars/0",
        "optimizer/vars/1",
    ]
    restored = keras.saving.load_model(
        path, custom_objects={"Upsampler": Upsampler}
    )
    assert isinstance(restored.content_loss, PerceptualLoss)
    assert restored.content_loss.get_config() == block2_loss.get_config()
    assert len(restored.weights) == 2


@pytest.mark.skipif(
    keras.backend.backend() != "jax", reason="jax.jit of the loss"
)
def test_jitted_loss_matches_eager(block2_loss):
    import jax

    y_true, y_pred = images(seed=8), images(seed=9)
    np.testing.assert_allclose(
        to_numpy(jax.jit(block2_loss)(y_true, y_pred)),
        to_numpy(block2_loss(y_true, y_pred)),
        rtol=1e-5,
    )


def test_feature_network(weights_file):
    network = keras.Sequential(
        [keras.Input((None, None, 3)), keras.layers.Conv2D(4, 3)]
    )
    loss = PerceptualLoss(
        feature_network=network, rescale=2.0, distance="mse", preprocess=False
    )
    y_true, y_pred = images(seed=10), images(seed=11)
    difference = to_numpy(network(y_true)) - to_numpy(network(y_pred))
    np.testing.assert_allclose(
        to_numpy(loss(y_true, y_pred)),
        np.mean((2.0 * difference) ** 2),
        rtol=1e-5,
    )
    with pytest.raises(NotImplementedError, match="feature_network"):
        loss.get_config()
    with pytest.raises(ValueError, match=re.escape(
        f"Received: layer='block5_conv4', weights={weights_file!r}"
    )):
        PerceptualLoss(feature_network=network, weights=weights_file)


@pytest.mark.once  # configs and files: the same code on every backend
def test_config_round_trip(pre_activation_l1_loss):
    config = pre_activation_l1_loss.get_config()
    assert config["layer"] == LAYER and config["before_activation"] is True
    assert config["distance"] == "l1" and config["rescale"] == 0.5
    restored = keras.saving.deserialize_keras_object(
        keras.saving.serialize_keras_object(pre_activation_l1_loss)
    )
    assert isinstance(restored, PerceptualLoss)
    assert restored.get_config() == config
    y_true, y_pred = images(seed=12), images(seed=13)
    np.testing.assert_allclose(
        to_numpy(restored(y_true, y_pred)),
        to_numpy(pre_activation_l1_loss(y_true, y_pred)),
        rtol=1e-6,
    )


@pytest.mark.once  # configs and files: the same code on every backend
def test_layer_names_are_keras_vgg19s(reference):
    vgg, _ = reference
    names = tuple(layer.name for layer in vgg.layers[1:])
    assert PerceptualLoss.LAYERS == names


@pytest.mark.once  # configs and files: the same code on every backend
def test_imagenet_weights_come_from_keras_cache(monkeypatch, weights_file):
    requested = []

    def cached(fname, origin, **kwargs):
        requested.append((fname, origin, kwargs["cache_subdir"]))
        return weights_file

    monkeypatch.setattr(keras.utils, "get_file", cached)
    loss = PerceptualLoss(layer="block1_conv1")
    assert loss.weights == "imagenet"
    assert requested == [
        (perceptual_loss.NOTOP_FILE, perceptual_loss.NOTOP_URL, "models")
    ]


@pytest.mark.once  # configs and files: the same code on every backend
def test_offline_imagenet_says_how_to_proceed(monkeypatch):
    def offline(*args, **kwargs):
        # What keras.utils.get_file raises for a URLError.
        raise Exception(
            "URL fetch failure on https://storage.googleapis.com/...: "
            "None -- [Errno -3] Temporary failure in name resolution"
        )

    monkeypatch.setattr(keras.utils, "get_file", offline)
    with pytest.raises(RuntimeError) as raised:
        PerceptualLoss()
    message = str(raised.value)
    assert "ImageNet VGG19 weights could not be downloaded" in message
    assert "Temporary failure in name resolution" in message
    assert (
        'weights="/path/vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5"'
        in message
    )
    assert "~/.keras/models/" in message
    assert 'content_loss="mse"' in message
    assert raised.value.__cause__ is None  # no download traceback


@pytest.mark.once  # configs and files: the same code on every backend
def test_weight_files_that_are_missing_or_another_networks(tmp_path):
    missing = str(tmp_path / "nowhere.weights.h5")
    with pytest.raises(FileNotFoundError, match=re.escape(
        f"Received: weights={missing!r}"
    )):
        PerceptualLoss(weights=missing)
    other = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    path = str(tmp_path / "other.weights.h5")
    other.save_weights(path)
    with pytest.raises(ValueError, match=re.escape(
        f"Received: weights={path!r}"
    )):
        PerceptualLoss(weights=path)


@pytest.mark.once  # configs and files: the same code on every backend
@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"layer": "block6_conv1"}, "block5_conv4.*Received: layer='block6_"),
        (
            {"layer": "block2_pool", "before_activation": True},
            "conv layer.*Received: layer='block2_pool', before_activation",
        ),
        ({"distance": "l2"}, r"\['l1', 'mse'\].*Received: distance='l2'"),
        ({"rescale": 0.0}, "positive.*Received: rescale=0.0"),
        ({"rescale": "1/12.75"}, "Received: rescale='1/12.75'"),
        ({"before_activation": 1}, "Received: before_activation=1"),
        ({"preprocess": False}, "feature_network.*Received: preprocess="),
        ({"weights": 3}, "Received: weights=3"),
        ({"feature_network": "vgg"}, "Received: feature_network='vgg'"),
    ],
)
def test_invalid_arguments_name_the_value(kwargs, match):
    with pytest.raises(ValueError, match=match):
        PerceptualLoss(**kwargs)


def test_image_checks_name_the_shapes(block2_loss):
    with pytest.raises(ValueError, match="same shape.*Received: y_true="):
        block2_loss(images(size=32), images(size=16))
    gray = images()[..., :1]
    with pytest.raises(ValueError, match=r"RGB.*y_pred=\(2, 32, 32, 1\)"):
        block2_loss(gray, gray)
    with pytest.raises(ValueError, match=re.escape(
        "at least 2x2 pixels for `layer='block2_conv2'`"
    )):
        block2_loss(images(size=1), images(size=1))
