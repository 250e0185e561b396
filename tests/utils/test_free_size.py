"""`free_size_copy` and `size_multiple`: networks at any input size."""

import keras
import numpy as np
import pytest

from keras_gans.models import ResNetGenerator
from keras_gans.models import UNet
from keras_gans.utils.free_size import free_size_copy
from keras_gans.utils.free_size import parity_size
from keras_gans.utils.free_size import size_multiple
from tests import helpers


@pytest.mark.parametrize(
    "build, multiple",
    [
        (lambda: UNet((16, 16, 1), filters=4, max_filters=8, depth=3), 8),
        (lambda: ResNetGenerator((16, 16, 1), filters=4, num_blocks=1), 4),
    ],
    ids=["unet_depth_3", "resnet_two_downsamples"],
)
def test_copy_has_free_size_same_weights_and_outputs(build, multiple):
    network = build()
    copy, found = free_size_copy(network)
    assert found == size_multiple(network) == multiple
    assert tuple(copy.inputs[0].shape) == (None, None, None, 1)
    assert copy is not network
    for original, copied in zip(network.weights, copy.weights):
        np.testing.assert_array_equal(
            helpers.to_numpy(original), helpers.to_numpy(copied)
        )
    images = helpers.random_images(2, (16, 16, 1), seed=0)
    np.testing.assert_allclose(
        helpers.to_numpy(copy(images, training=False)),
        helpers.to_numpy(network(images, training=False)),
        atol=1e-6,
    )
    other = helpers.random_images(1, (16 + multiple, 16 + 2 * multiple, 1))
    assert copy(other, training=False).shape == (1, *other.shape[1:3], 1)


def test_network_that_needs_its_size_is_not_copied():
    inputs = keras.Input((8, 8, 1))
    x = keras.layers.Dense(64)(keras.layers.Flatten()(inputs))
    network = keras.Model(inputs, keras.layers.Reshape((8, 8, 1))(x))
    assert free_size_copy(network) == (network, None)


def test_strided_layers_multiply():
    inputs = keras.Input((None, None, 1))
    x = keras.layers.Conv2D(2, 3, strides=2, padding="same")(inputs)
    x = keras.layers.MaxPooling2D(3)(x)
    x = keras.layers.Conv2DTranspose(2, 3, strides=2, padding="same")(x)
    network = keras.Model(inputs, x)
    assert size_multiple(network) == 6
    # Built free already: the network itself.
    assert free_size_copy(network) == (network, 6)


def test_parity_size_differs_in_both_dimensions():
    assert parity_size((64, 64), 64) == (128, 192)
    assert parity_size((16, 16), 1) == (17, 18)
    assert parity_size((None, None), 8) == (24, 32)
