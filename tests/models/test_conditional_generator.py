import keras
import numpy as np
import pytest

import keras_gans
from keras_gans.layers import ConditionalBatchNormalization
from keras_gans.layers import SpectralNormalization
from keras_gans.models.cgan import ConditionalGenerator
from keras_gans.models.cgan import build_conditional_generator
from tests import helpers
from tests.models import network_checks

# The network is Keras layers wired in its constructor: structure, config
# and saving do not depend on the backend. The contract tests
# (tests/models/test_contract.py) train, save, reload and export these
# networks inside their models on every backend, so these run once.
pytestmark = pytest.mark.once


LATENT_DIM = 4
NUM_CLASSES = 3


def tiny_generator(image_shape=(8, 8, 1), **overrides):
    options = {"filters": (8, 4), "embedding_dim": 2, **overrides}
    return ConditionalGenerator(LATENT_DIM, image_shape, NUM_CLASSES, **options)


def inputs(n, seed=0):
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n, LATENT_DIM)).astype("float32")
    return [z, helpers.cycling_labels(n, NUM_CLASSES)]


@pytest.mark.parametrize(
    "image_shape, filters",
    [((8, 8, 1), (8, 4)), ((16, 8, 3), (8, 4, 4)), ((4, 12, 2), (4,))],
)
def test_output_shapes(image_shape, filters):
    model = tiny_generator(image_shape, filters=filters)
    input_shapes = [tuple(i.shape) for i in model.inputs]
    assert input_shapes == [(None, LATENT_DIM), (None,)]
    assert tuple(model.output.shape) == (None,) + image_shape
    outputs = helpers.to_numpy(model(inputs(3), training=True))
    assert outputs.shape == (3,) + image_shape
    assert outputs.dtype == np.float32
    assert np.all(np.abs(outputs) <= 1.0)  # tanh


@pytest.mark.parametrize(
    "label_encoding, width, trainable",
    [("embedding", 2, True), ("one_hot", NUM_CLASSES, False)],
)
def test_label_code_is_concatenated_to_the_latent(
    label_encoding, width, trainable
):
    model = tiny_generator(label_encoding=label_encoding)
    code = model.get_layer("label_code")
    assert code.output_dim == width and code.trainable is trainable
    joined = model.get_layer("latent_and_label").output
    assert tuple(joined.shape) == (None, LATENT_DIM + width)


def test_layers_follow_the_options():
    plain = tiny_generator()
    assert not helpers.layers_of(plain, ConditionalBatchNormalization)
    assert not helpers.layers_of(plain, SpectralNormalization)
    conditional = tiny_generator(conditional_batchnorm=True, spectral_norm=True)
    norms = helpers.layers_of(conditional, ConditionalBatchNormalization)
    assert [n.name for n in norms] == ["project_bn", "up0_bn"]
    wrapped = [
        layer.name
        for layer in conditional.layers
        if isinstance(layer, SpectralNormalization)
    ]
    assert wrapped == ["project_sn", "up0_sn", "to_image_sn"]
    upsampled = tiny_generator(upsampling="upsample_conv", kernel_size=3)
    assert upsampled.get_layer("up0_up")


def test_the_label_changes_the_output():
    model = tiny_generator(conditional_batchnorm=True)
    z = inputs(2)[0]
    outputs = [
        helpers.to_numpy(model([z, np.full((2,), c, "int32")]))
        for c in range(2)
    ]
    assert np.abs(outputs[0] - outputs[1]).max() > 1e-6


def test_config_round_trip_gives_the_same_outputs():
    model = tiny_generator(
        (8, 8, 3),
        label_encoding="one_hot",
        conditional_batchnorm=True,
        spectral_norm=True,
        name="g",
    )
    network_checks.check_config_round_trip(model, inputs(3))


def test_save_load_round_trip(tmp_path):
    model = tiny_generator(conditional_batchnorm=True)
    network_checks.check_save_load_round_trip(model, inputs(3), tmp_path)


def test_cgan_builds_it_named_generator():
    model = helpers.tiny_conditional(g_conditional_batchnorm=True)
    generator = model.generator
    assert type(generator) is ConditionalGenerator
    assert generator.name == "generator"
    assert generator.num_classes == 3 and generator.conditional_batchnorm


@pytest.mark.once
def test_the_builder_is_an_alias():
    model = build_conditional_generator(
        LATENT_DIM, (8, 8, 1), NUM_CLASSES, (8, 4), "transpose", 4, "one_hot"
    )
    assert type(model) is ConditionalGenerator
    assert model.get_config() == {
        "latent_dim": LATENT_DIM,
        "image_shape": (8, 8, 1),
        "num_classes": NUM_CLASSES,
        "filters": (8, 4),
        "upsampling": "transpose",
        "kernel_size": 4,
        "label_encoding": "one_hot",
        "embedding_dim": 32,
        "conditional_batchnorm": False,
        "spectral_norm": False,
        "name": "generator",
    }
    assert keras_gans.ConditionalGenerator is ConditionalGenerator
    assert keras.saving.get_registered_name(ConditionalGenerator) == (
        "keras_gans>ConditionalGenerator"
    )


@pytest.mark.once
@pytest.mark.parametrize(
    "overrides, received",
    [
        (dict(latent_dim=1.5), "latent_dim=1.5"),
        (dict(image_shape=(8, 10, 1)), "image_shape=(8, 10, 1)"),
        (dict(num_classes=1), "num_classes=1"),
        (dict(filters=(0,)), "filters=(0,)"),
        (dict(upsampling=None), "upsampling=None"),
        (dict(label_encoding="onehot"), "label_encoding='onehot'"),
        (dict(embedding_dim=0), "embedding_dim=0"),
    ],
)
def test_bad_arguments_raise_naming_them(overrides, received):
    arguments = dict(
        latent_dim=LATENT_DIM,
        image_shape=(8, 8, 1),
        num_classes=NUM_CLASSES,
        filters=(8, 4),
    )
    arguments.update(overrides)
    with pytest.raises(ValueError, match="Received: ") as info:
        ConditionalGenerator(**arguments)
    assert received in str(info.value)
    assert f"`{received.split('=')[0]}`" in str(info.value)
