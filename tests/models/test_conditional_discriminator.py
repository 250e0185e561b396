import keras
import numpy as np
import pytest

import keras_gans
from keras_gans.layers import SpectralNormalization
from keras_gans.models.cgan import ConditionalDiscriminator
from keras_gans.models.cgan import build_conditional_discriminator
from tests import helpers
from tests.models import network_checks

# The network is Keras layers wired in its constructor: structure, config
# and saving do not depend on the backend. The contract tests
# (tests/models/test_contract.py) train, save, reload and export these
# networks inside their models on every backend, so these run once.
pytestmark = pytest.mark.once


NUM_CLASSES = 3
IMAGE_SHAPE = (8, 8, 1)


def tiny_discriminator(image_shape=IMAGE_SHAPE, **overrides):
    options = {"filters": (4, 8), "embedding_dim": 2, **overrides}
    return ConditionalDiscriminator(image_shape, NUM_CLASSES, **options)


def inputs(n, image_shape=IMAGE_SHAPE, seed=0):
    images = helpers.random_images(n, image_shape, seed=seed)
    return [images, helpers.cycling_labels(n, NUM_CLASSES)]


@pytest.mark.parametrize(
    "options, n_inputs, output_shapes",
    [
        (dict(), 2, [(None, 1)]),
        (dict(conditioning="projection"), 2, [(None, 1)]),
        (dict(conditioning=None, class_logits=True), 1, [(None, 1), (None, 3)]),
        (dict(class_logits=True), 2, [(None, 1), (None, 3)]),
    ],
)
def test_inputs_and_outputs_follow_the_conditioning(
    options, n_inputs, output_shapes
):
    model = tiny_discriminator(**options)
    assert len(model.inputs) == n_inputs
    assert [tuple(o.shape) for o in model.outputs] == output_shapes
    batch = inputs(3)
    outputs = model(batch if n_inputs == 2 else batch[0], training=True)
    outputs = [helpers.to_numpy(o) for o in keras.tree.flatten(outputs)]
    assert [o.shape for o in outputs] == [(3,) + s[1:] for s in output_shapes]
    assert all(o.dtype == np.float32 for o in outputs)


@pytest.mark.parametrize(
    "label_encoding, width", [("embedding", 2), ("one_hot", NUM_CLASSES)]
)
def test_channels_conditioning_concatenates_label_maps(label_encoding, width):
    model = tiny_discriminator((8, 6, 3), label_encoding=label_encoding)
    assert tuple(model.get_layer("label_maps").output.shape) == (
        None,
        8,
        6,
        width,
    )
    joined = model.get_layer("image_and_label").output
    assert tuple(joined.shape) == (None, 8, 6, 3 + width)


def test_projection_adds_the_class_inner_product():
    model = tiny_discriminator(conditioning="projection", batchnorm=False)
    batch = inputs(3)
    features = keras.Model(model.inputs, model.get_layer("score").input)
    phi = helpers.to_numpy(features(batch))
    psi = helpers.to_numpy(model.get_layer("score")(phi))
    embeddings = helpers.to_numpy(model.get_layer("class_embedding").embeddings)
    expected = psi[:, 0] + np.sum(phi * embeddings[batch[1]], axis=1)
    np.testing.assert_allclose(
        helpers.to_numpy(model(batch))[:, 0], expected, rtol=1e-5, atol=1e-5
    )


def test_spectral_norm_wraps_the_weight_layers_not_the_embeddings():
    model = tiny_discriminator(
        conditioning="projection", class_logits=True, spectral_norm=True
    )
    wrapped = [
        layer.name
        for layer in model.layers
        if isinstance(layer, SpectralNormalization)
    ]
    assert wrapped == ["down0_sn", "down1_sn", "score_sn", "class_logits_sn"]
    assert type(model.get_layer("class_embedding")) is keras.layers.Embedding


def test_config_round_trip_gives_the_same_outputs():
    model = tiny_discriminator(
        (8, 8, 3),
        conditioning="projection",
        class_logits=True,
        dropout=0.5,
        spectral_norm=True,
        seed=4,
        name="d",
    )
    network_checks.check_config_round_trip(model, inputs(3, (8, 8, 3)))


def test_save_load_round_trip(tmp_path):
    model = tiny_discriminator(label_encoding="one_hot", class_logits=True)
    network_checks.check_save_load_round_trip(model, inputs(3), tmp_path)


def test_cgan_and_acgan_build_it_named_discriminator():
    cgan = helpers.tiny_conditional(d_conditioning="projection")
    assert type(cgan.discriminator) is ConditionalDiscriminator
    assert cgan.discriminator.name == "discriminator"
    assert cgan.discriminator.conditioning == "projection"
    assert not cgan.discriminator.class_logits
    acgan = helpers.tiny_conditional(keras_gans.ACGAN)
    assert acgan.discriminator.conditioning is None
    assert acgan.discriminator.class_logits


@pytest.mark.once
def test_the_builder_is_an_alias():
    model = build_conditional_discriminator(
        IMAGE_SHAPE, NUM_CLASSES, (4, 8), conditioning=None, class_logits=True
    )
    assert type(model) is ConditionalDiscriminator
    assert model.get_config() == {
        "image_shape": IMAGE_SHAPE,
        "num_classes": NUM_CLASSES,
        "filters": (4, 8),
        "kernel_size": 4,
        "batchnorm": True,
        "dropout": 0.0,
        "spectral_norm": False,
        "conditioning": None,
        "label_encoding": "embedding",
        "embedding_dim": 32,
        "class_logits": True,
        "seed": None,
        "name": "discriminator",
    }
    assert keras_gans.ConditionalDiscriminator is ConditionalDiscriminator
    assert keras.saving.get_registered_name(ConditionalDiscriminator) == (
        "keras_gans>ConditionalDiscriminator"
    )


@pytest.mark.once
@pytest.mark.parametrize(
    "overrides, received",
    [
        (dict(image_shape=(8, 8, 1, 1)), "image_shape=(8, 8, 1, 1)"),
        (dict(num_classes=True), "num_classes=True"),
        (dict(filters=()), "filters=()"),
        (dict(dropout=-0.1), "dropout=-0.1"),
        (dict(conditioning="concat"), "conditioning='concat'"),
        (dict(label_encoding="codes"), "label_encoding='codes'"),
        (dict(embedding_dim=None), "embedding_dim=None"),
        (dict(seed=1.5), "seed=1.5"),
    ],
)
def test_bad_arguments_raise_naming_them(overrides, received):
    arguments = dict(
        image_shape=IMAGE_SHAPE, num_classes=NUM_CLASSES, filters=(4, 8)
    )
    arguments.update(overrides)
    with pytest.raises(ValueError, match="Received: ") as info:
        ConditionalDiscriminator(**arguments)
    assert received in str(info.value)
    assert f"`{received.split('=')[0]}`" in str(info.value)
