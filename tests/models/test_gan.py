import pytest

import keras_gans
from tests import helpers
from tests.models import variant_checks


def test_architecture_matches_the_original_gan():
    model = keras_gans.GAN(image_shape=(28, 28, 1), latent_dim=100)
    dense_g = [l.units for l in model.generator.layers if hasattr(l, "units")]
    dense_d = [
        l.units for l in model.discriminator.layers if hasattr(l, "units")
    ]
    assert dense_g == [256, 512, 1024, 784]
    assert dense_d == [512, 256, 1]
    assert model.generator.output_shape == (None, 28, 28, 1)


def test_generate_shape_range_and_seed():
    variant_checks.check_generate(helpers.tiny_gan())


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"image_shape": (8, 8, 4)}, "channels"),
        ({"latent_dim": -1}, "latent_dim=-1"),
        ({"g_units": (0,)}, "g_units"),
    ],
)
def test_invalid_arguments_raise_naming_them(kwargs, match):
    with pytest.raises(ValueError, match=match):
        keras_gans.GAN(**kwargs)

