import keras
import numpy as np
import pytest

import keras_gans
from keras_gans.layers import SelfAttention
from keras_gans.layers import SpectralNormalization
from keras_gans.layers import SubPixelConv2DTranspose
from keras_gans.models.dcgan import DCGANGenerator
from keras_gans.models.dcgan import build_dcgan_generator
from tests import helpers
from tests.models import network_checks

# The network is Keras layers wired in its constructor: structure, config
# and saving do not depend on the backend. The contract tests
# (tests/models/test_contract.py) train, save, reload and export these
# networks inside their models on every backend, so these run once.
pytestmark = pytest.mark.once


LATENT_DIM = 4


def tiny_generator(image_shape=(8, 8, 1), **overrides):
    options = {"filters": (8, 4), **overrides}
    return DCGANGenerator(LATENT_DIM, image_shape, **options)


def latents(n, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, LATENT_DIM)).astype("float32")


@pytest.mark.parametrize(
    "image_shape, filters",
    [((8, 8, 1), (8, 4)), ((16, 8, 3), (8, 4, 4)), ((4, 12, 2), (4,))],
)
def test_output_shapes(image_shape, filters):
    model = tiny_generator(image_shape, filters=filters)
    assert tuple(model.output.shape) == (None,) + image_shape
    outputs = helpers.to_numpy(model(latents(2)))
    assert outputs.shape == (2,) + image_shape
    assert outputs.dtype == np.float32
    assert np.all(np.abs(outputs) <= 1.0)  # tanh
    factor = 2 ** len(filters)
    h0, w0 = image_shape[0] // factor, image_shape[1] // factor
    assert model.get_layer("project").units == h0 * w0 * filters[0]


def test_layers_follow_the_options():
    model = tiny_generator()
    assert [layer.name for layer in model.layers[:2]] == ["latent", "project"]
    assert len(helpers.layers_of(model, SubPixelConv2DTranspose)) == 2
    assert not helpers.layers_of(model, SpectralNormalization)
    assert not helpers.layers_of(model, SelfAttention)
    upsampled = tiny_generator(upsampling="upsample_conv", kernel_size=3)
    assert not helpers.layers_of(upsampled, SubPixelConv2DTranspose)
    assert upsampled.get_layer("to_image").kernel_size == (3, 3)
    assert upsampled.get_layer("to_image_up")
    normalized = tiny_generator(
        filters=(16, 8), spectral_norm=True, attention_resolution=4
    )
    wrapped = [
        layer.name
        for layer in normalized.layers
        if isinstance(layer, SpectralNormalization)
    ]
    assert wrapped == ["project_sn", "up0_sn", "to_image_sn"]
    attention = normalized.get_layer("attention")
    assert isinstance(attention, SelfAttention) and attention.spectral_norm
    assert tuple(attention.output.shape[1:3]) == (4, 4)


def test_config_round_trip_gives_the_same_outputs():
    model = tiny_generator(
        (8, 8, 3),
        filters=(16, 8),
        spectral_norm=True,
        attention_resolution=2,
        name="g",
    )
    network_checks.check_config_round_trip(model, latents(3))


def test_save_load_round_trip(tmp_path):
    model = tiny_generator(upsampling="upsample_conv", kernel_size=3)
    network_checks.check_save_load_round_trip(model, latents(2), tmp_path)


def test_a_functional_file_of_the_network_still_loads(tmp_path):
    # keras-gans v1 built the networks as plain functional models: files
    # holding them load as `Functional`, with the same outputs.
    model = tiny_generator()
    plain = keras.Model(model.input, model.output, name="generator")
    expected = helpers.to_numpy(plain(latents(2), training=False))
    reloaded = helpers.save_and_reload(plain, tmp_path)
    assert type(reloaded).__name__ == "Functional"
    np.testing.assert_array_equal(
        helpers.to_numpy(reloaded(latents(2), training=False)), expected
    )


def test_dcgan_builds_it_named_generator():
    model = helpers.tiny_dcgan(g_spectral_norm=True)
    generator = model.generator
    assert type(generator) is DCGANGenerator
    assert generator.name == "generator"
    assert generator.filters == (16, 8) and generator.spectral_norm


@pytest.mark.once
def test_the_builder_is_an_alias():
    model = build_dcgan_generator(
        LATENT_DIM, (8, 8, 1), (8, 4), "upsample_conv", 3
    )
    assert type(model) is DCGANGenerator
    assert model.name == "generator"
    assert model.get_config() == {
        "latent_dim": LATENT_DIM,
        "image_shape": (8, 8, 1),
        "filters": (8, 4),
        "upsampling": "upsample_conv",
        "kernel_size": 3,
        "spectral_norm": False,
        "attention_resolution": None,
        "latent_classes": 0,
        "name": "generator",
    }
    assert keras_gans.DCGANGenerator is DCGANGenerator
    assert keras.saving.get_registered_name(DCGANGenerator) == (
        "keras_gans>DCGANGenerator"
    )


@pytest.mark.once
@pytest.mark.parametrize(
    "overrides, received",
    [
        (dict(latent_dim=0), "latent_dim=0"),
        (dict(image_shape=(8, 8)), "image_shape=(8, 8)"),
        (dict(image_shape=(6, 8, 1)), "image_shape=(6, 8, 1)"),
        (dict(filters=()), "filters=()"),
        (dict(filters=(8, -4)), "filters=(8, -4)"),
        (dict(upsampling="bilinear"), "upsampling='bilinear'"),
        (dict(kernel_size=0), "kernel_size=0"),
        (dict(attention_resolution=3), "attention_resolution=3"),
    ],
)
def test_bad_arguments_raise_naming_them(overrides, received):
    arguments = dict(
        latent_dim=LATENT_DIM, image_shape=(8, 8, 1), filters=(8, 4)
    )
    arguments.update(overrides)
    with pytest.raises(ValueError, match="Received: ") as info:
        DCGANGenerator(**arguments)
    assert received in str(info.value)
    name = received.split("=")[0]
    assert f"`{name}`" in str(info.value)
