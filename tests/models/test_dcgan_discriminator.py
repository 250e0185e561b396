import keras
import numpy as np
import pytest

import keras_gans
from keras_gans.layers import SelfAttention
from keras_gans.layers import SpectralNormalization
from keras_gans.models.dcgan import DCGANDiscriminator
from keras_gans.models.dcgan import build_dcgan_discriminator
from tests import helpers
from tests.models import network_checks

# The network is Keras layers wired in its constructor: structure, config
# and saving do not depend on the backend. The contract tests
# (tests/models/test_contract.py) train, save, reload and export these
# networks inside their models on every backend, so these run once.
pytestmark = pytest.mark.once



def tiny_discriminator(image_shape=(8, 8, 1), **overrides):
    return DCGANDiscriminator(image_shape, **{"filters": (4, 8), **overrides})


def images(n, image_shape=(8, 8, 1), seed=0):
    return helpers.random_images(n, image_shape, seed=seed)


@pytest.mark.parametrize(
    "image_shape, filters",
    [((8, 8, 1), (4, 8)), ((16, 8, 3), (4, 8, 8)), ((7, 9, 2), (4,))],
)
def test_output_shapes(image_shape, filters):
    model = tiny_discriminator(image_shape, filters=filters)
    assert tuple(model.output.shape) == (None, 1)
    outputs = helpers.to_numpy(model(images(3, image_shape), training=True))
    assert outputs.shape == (3, 1)
    assert outputs.dtype == np.float32
    convs = helpers.layers_of(model, keras.layers.Conv2D)
    assert [c.filters for c in convs] == list(filters)
    assert {c.strides for c in convs} == {(2, 2)}


def test_layers_follow_the_options():
    model = tiny_discriminator(filters=(4, 8, 8))
    norms = helpers.layers_of(model, keras.layers.BatchNormalization)
    assert [n.name for n in norms] == ["down1_bn", "down2_bn"]
    biased = [c.use_bias for c in helpers.layers_of(model, keras.layers.Conv2D)]
    assert biased == [True, False, False]
    assert not helpers.layers_of(model, keras.layers.Dropout)
    critic = tiny_discriminator(batchnorm=False, dropout=0.25, seed=5)
    assert not helpers.layers_of(critic, keras.layers.BatchNormalization)
    dropouts = helpers.layers_of(critic, keras.layers.Dropout)
    assert [(d.rate, d.seed) for d in dropouts] == [(0.25, 5), (0.25, 6)]
    normalized = tiny_discriminator(
        filters=(8, 16), spectral_norm=True, attention_resolution=4
    )
    wrapped = [
        layer.name
        for layer in normalized.layers
        if isinstance(layer, SpectralNormalization)
    ]
    assert wrapped == ["down0_sn", "down1_sn", "score_sn"]
    attention = normalized.get_layer("attention")
    assert isinstance(attention, SelfAttention)
    assert tuple(attention.output.shape[1:3]) == (4, 4)


def test_unseeded_dropout_draws_seeds_from_python_random():
    keras.utils.set_random_seed(3)
    first = tiny_discriminator(dropout=0.5)
    keras.utils.set_random_seed(3)
    second = tiny_discriminator(dropout=0.5)
    seeds = [d.seed for d in helpers.layers_of(first, keras.layers.Dropout)]
    assert len(set(seeds)) == 2 and None not in seeds
    assert seeds == [
        d.seed for d in helpers.layers_of(second, keras.layers.Dropout)
    ]


def test_config_round_trip_gives_the_same_outputs():
    model = tiny_discriminator(
        (8, 8, 3),
        filters=(8, 16),
        batchnorm=False,
        dropout=0.5,
        spectral_norm=True,
        attention_resolution=4,
        seed=11,
        name="d",
    )
    network_checks.check_config_round_trip(model, images(3, (8, 8, 3)))


def test_save_load_round_trip(tmp_path):
    model = tiny_discriminator(dropout=0.25)
    network_checks.check_save_load_round_trip(model, images(2), tmp_path)


def test_dcgan_builds_it_named_discriminator():
    model = helpers.tiny_dcgan(d_batchnorm=False, d_dropout=0.25)
    discriminator = model.discriminator
    assert type(discriminator) is DCGANDiscriminator
    assert discriminator.name == "discriminator"
    assert discriminator.filters == (8, 16)
    assert not discriminator.batchnorm and discriminator.dropout == 0.25


@pytest.mark.once
def test_the_builder_is_an_alias():
    model = build_dcgan_discriminator((8, 8, 1), (4, 8), 3, False, 0.5)
    assert type(model) is DCGANDiscriminator
    assert model.name == "discriminator"
    assert model.get_config() == {
        "image_shape": (8, 8, 1),
        "filters": (4, 8),
        "kernel_size": 3,
        "batchnorm": False,
        "dropout": 0.5,
        "spectral_norm": False,
        "attention_resolution": None,
        "seed": None,
        "minibatch_std": 0,
        "code_classes": 0,
        "cluster_scores": False,
        "name": "discriminator",
    }
    assert keras_gans.DCGANDiscriminator is DCGANDiscriminator
    assert keras.saving.get_registered_name(DCGANDiscriminator) == (
        "keras_gans>DCGANDiscriminator"
    )


@pytest.mark.once
@pytest.mark.parametrize(
    "overrides, received",
    [
        (dict(image_shape=(8, 8, 0)), "image_shape=(8, 8, 0)"),
        (dict(filters=[]), "filters=[]"),
        (dict(filters=(4, 2.5)), "filters=(4, 2.5)"),
        (dict(kernel_size=-1), "kernel_size=-1"),
        (dict(dropout=1.0), "dropout=1.0"),
        (dict(dropout="0.5"), "dropout='0.5'"),
        (dict(attention_resolution=8), "attention_resolution=8"),
        (dict(seed=-2), "seed=-2"),
    ],
)
def test_bad_arguments_raise_naming_them(overrides, received):
    arguments = dict(image_shape=(8, 8, 1), filters=(4, 8))
    arguments.update(overrides)
    with pytest.raises(ValueError, match="Received: ") as info:
        DCGANDiscriminator(**arguments)
    assert received in str(info.value)
    name = received.split("=")[0]
    assert f"`{name}`" in str(info.value)
