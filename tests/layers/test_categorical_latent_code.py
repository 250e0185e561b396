import keras
import numpy as np
import pytest

from keras_gans.layers import CategoricalLatentCode
from keras_gans.layers.categorical_latent_code import latent_code
from tests.helpers import to_numpy


def latents(n=6, dim=8, seed=0):
    return np.random.default_rng(seed).normal(size=(n, dim)).astype("float32")


def test_appends_the_one_hot_argmax_of_the_first_entries():
    z = latents()
    outputs = to_numpy(CategoricalLatentCode(3)(z))
    np.testing.assert_array_equal(outputs[:, :8], z)
    expected = np.eye(3, dtype="float32")[np.argmax(z[:, :3], axis=1)]
    np.testing.assert_array_equal(outputs[:, 8:], expected)
    np.testing.assert_array_equal(
        to_numpy(latent_code(z, 3)), np.argmax(z[:, :3], axis=1)
    )


def test_normal_latents_draw_every_category_in_equal_shares():
    z = latents(n=20_000, dim=10, seed=1)
    shares = np.bincount(to_numpy(latent_code(z, 10)), minlength=10) / 20_000
    # Binomial standard deviation of a 10% share over 20,000 draws: 0.2%.
    np.testing.assert_allclose(shares, 0.1, atol=0.01)


def test_a_tie_picks_the_first_entry_once():
    z = np.zeros((2, 4), "float32")
    z[1, 2:] = 1.0
    outputs = to_numpy(CategoricalLatentCode(4)(z))
    np.testing.assert_array_equal(outputs[:, 4:], [[1, 0, 0, 0], [0, 0, 1, 0]])


def test_symbolic_latents_and_config_round_trip():
    inputs = keras.Input((8,))
    layer = CategoricalLatentCode(5)
    model = keras.Model(inputs, layer(inputs))
    assert model.output_shape == (None, 13)
    clone = CategoricalLatentCode.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()


@pytest.mark.parametrize(
    "num_classes, shape, match",
    [(0, (2, 8), "num_classes=0"), (9, (2, 8), "num_classes=9")],
)
def test_bad_arguments_raise_naming_them(num_classes, shape, match):
    with pytest.raises(ValueError, match=match):
        CategoricalLatentCode(num_classes)(latents(*shape))
