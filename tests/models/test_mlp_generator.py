import keras
import numpy as np
import pytest

import keras_gans
from keras_gans.models.gan import MLPGenerator
from keras_gans.models.gan import build_mlp_generator
from tests import helpers
from tests.models import network_checks

# The network is Keras layers wired in its constructor: structure, config
# and saving do not depend on the backend. The contract tests
# (tests/models/test_contract.py) train, save, reload and export these
# networks inside their models on every backend, so these run once.
pytestmark = pytest.mark.once


LATENT_DIM = 4


def tiny_generator(image_shape=(4, 4, 1), **overrides):
    options = {"hidden_units": (8, 16), **overrides}
    return MLPGenerator(LATENT_DIM, image_shape, **options)


def latents(n, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, LATENT_DIM)).astype("float32")


@pytest.mark.parametrize(
    "image_shape, hidden_units",
    [((4, 4, 1), (8, 16)), ((3, 5, 3), (8,)), ((2, 2, 2), ())],
)
def test_output_shapes(image_shape, hidden_units):
    model = tiny_generator(image_shape, hidden_units=hidden_units)
    assert tuple(model.output.shape) == (None,) + image_shape
    outputs = helpers.to_numpy(model(latents(2), training=True))
    assert outputs.shape == (2,) + image_shape
    assert outputs.dtype == np.float32
    assert np.all(np.abs(outputs) <= 1.0)  # tanh
    dense = helpers.layers_of(model, keras.layers.Dense)
    assert [d.units for d in dense] == [*hidden_units, np.prod(image_shape)]
    norms = helpers.layers_of(model, keras.layers.BatchNormalization)
    assert [n.momentum for n in norms] == [0.8] * len(hidden_units)


def test_config_round_trip_gives_the_same_outputs():
    model = tiny_generator((4, 4, 3), name="g")
    network_checks.check_config_round_trip(model, latents(3))


def test_save_load_round_trip(tmp_path):
    network_checks.check_save_load_round_trip(
        tiny_generator(), latents(2), tmp_path
    )


def test_gan_builds_it_named_generator():
    generator = helpers.tiny_gan().generator
    assert type(generator) is MLPGenerator
    assert generator.name == "generator"
    assert generator.hidden_units == (16, 32)


@pytest.mark.once
def test_the_builder_is_an_alias():
    model = build_mlp_generator(LATENT_DIM, (4, 4, 1), [8])
    assert type(model) is MLPGenerator
    assert model.get_config() == {
        "latent_dim": LATENT_DIM,
        "image_shape": (4, 4, 1),
        "hidden_units": (8,),
        "name": "generator",
    }
    assert keras_gans.MLPGenerator is MLPGenerator
    assert keras.saving.get_registered_name(MLPGenerator) == (
        "keras_gans>MLPGenerator"
    )


@pytest.mark.once
@pytest.mark.parametrize(
    "overrides, received",
    [
        (dict(latent_dim=-1), "latent_dim=-1"),
        (dict(image_shape=(4, 4)), "image_shape=(4, 4)"),
        (dict(hidden_units=(8, 0)), "hidden_units=(8, 0)"),
        (dict(hidden_units=8), "hidden_units=8"),
    ],
)
def test_bad_arguments_raise_naming_them(overrides, received):
    arguments = dict(latent_dim=LATENT_DIM, image_shape=(4, 4, 1))
    arguments.update(overrides)
    with pytest.raises(ValueError, match="Received: ") as info:
        MLPGenerator(**arguments)
    assert received in str(info.value)
    assert f"`{received.split('=')[0]}`" in str(info.value)
