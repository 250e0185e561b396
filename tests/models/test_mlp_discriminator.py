import keras
import numpy as np
import pytest

import keras_gans
from keras_gans.models.gan import MLPDiscriminator
from keras_gans.models.gan import build_mlp_discriminator
from tests import helpers
from tests.models import network_checks

# The network is Keras layers wired in its constructor: structure, config
# and saving do not depend on the backend. The contract tests
# (tests/models/test_contract.py) train, save, reload and export these
# networks inside their models on every backend, so these run once.
pytestmark = pytest.mark.once



def tiny_discriminator(image_shape=(4, 4, 1), **overrides):
    options = {"hidden_units": (16, 8), **overrides}
    return MLPDiscriminator(image_shape, **options)


def images(n, image_shape=(4, 4, 1), seed=0):
    return helpers.random_images(n, image_shape, seed=seed)


@pytest.mark.parametrize(
    "image_shape, hidden_units",
    [((4, 4, 1), (16, 8)), ((3, 5, 3), (8,)), ((2, 2, 2), ())],
)
def test_output_shapes(image_shape, hidden_units):
    model = tiny_discriminator(image_shape, hidden_units=hidden_units)
    assert tuple(model.output.shape) == (None, 1)
    outputs = helpers.to_numpy(model(images(3, image_shape)))
    assert outputs.shape == (3, 1)
    assert outputs.dtype == np.float32
    dense = helpers.layers_of(model, keras.layers.Dense)
    assert [d.units for d in dense] == [*hidden_units, 1]
    assert model.layers[-1].name == "score"
    assert model.layers[-1].activation is keras.activations.linear


def test_config_round_trip_gives_the_same_outputs():
    model = tiny_discriminator((4, 4, 3), name="d")
    network_checks.check_config_round_trip(model, images(3, (4, 4, 3)))


def test_save_load_round_trip(tmp_path):
    network_checks.check_save_load_round_trip(
        tiny_discriminator(), images(2), tmp_path
    )


def test_gan_builds_it_named_discriminator():
    discriminator = helpers.tiny_gan().discriminator
    assert type(discriminator) is MLPDiscriminator
    assert discriminator.name == "discriminator"
    assert discriminator.hidden_units == (32, 16)


@pytest.mark.once
def test_the_builder_is_an_alias():
    model = build_mlp_discriminator((4, 4, 1), (8,))
    assert type(model) is MLPDiscriminator
    assert model.get_config() == {
        "image_shape": (4, 4, 1),
        "hidden_units": (8,),
        "name": "discriminator",
    }
    assert keras_gans.MLPDiscriminator is MLPDiscriminator
    assert keras.saving.get_registered_name(MLPDiscriminator) == (
        "keras_gans>MLPDiscriminator"
    )


@pytest.mark.once
@pytest.mark.parametrize(
    "overrides, received",
    [
        (dict(image_shape=None), "image_shape=None"),
        (dict(hidden_units=(8, True)), "hidden_units=(8, True)"),
        (dict(hidden_units=None), "hidden_units=None"),
    ],
)
def test_bad_arguments_raise_naming_them(overrides, received):
    arguments = dict(image_shape=(4, 4, 1))
    arguments.update(overrides)
    with pytest.raises(ValueError, match="Received: ") as info:
        MLPDiscriminator(**arguments)
    assert received in str(info.value)
    assert f"`{received.split('=')[0]}`" in str(info.value)
