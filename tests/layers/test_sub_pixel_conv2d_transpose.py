"""SubPixelConv2DTranspose equals Conv2DTranspose on every backend.

On JAX (CPU) the layer computes the phase decomposition; elsewhere it runs
Keras' own transposed convolution, so these tests check the decomposition
on the JAX run and the shared plumbing (config, bias, saving) everywhere.
"""

import keras
import numpy as np
import pytest
from keras import ops

import keras_gans
from keras_gans.layers import SubPixelConv2DTranspose
from keras_gans.layers.sub_pixel_conv2d_transpose import (
    sub_pixel_conv_transpose,
)
from tests import helpers

# (kernel, strides, input height/width): DCGAN's k4/s2, odd kernels (the
# padding splits unevenly), unequal strides, stride 1, kernel == stride.
CASES = [
    ((4, 4), (2, 2), (7, 7)),
    ((5, 5), (2, 2), (4, 6)),
    ((3, 3), (2, 2), (5, 5)),
    ((6, 4), (3, 2), (3, 4)),
    ((2, 2), (2, 2), (4, 4)),
    ((3, 3), (1, 1), (5, 5)),
]


@pytest.mark.parametrize("kernel_size, strides, size", CASES)
def test_function_equals_conv_transpose(kernel_size, strides, size):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2,) + size + (3,)).astype("float32")
    kernel = rng.standard_normal(kernel_size + (5, 3)).astype("float32")
    expected = ops.conv_transpose(
        x, kernel, strides=list(strides), padding="same"
    )
    got = sub_pixel_conv_transpose(
        ops.convert_to_tensor(x), ops.convert_to_tensor(kernel), strides
    )
    np.testing.assert_allclose(
        helpers.to_numpy(got), helpers.to_numpy(expected), atol=1e-5
    )


@pytest.mark.parametrize("padding", ["same", "valid"])
def test_layer_matches_conv2d_transpose_with_the_same_weights(padding):
    options = dict(
        filters=4, kernel_size=4, strides=2, padding=padding,
        activation="relu",
    )  # fmt: skip
    ours = SubPixelConv2DTranspose(**options)
    theirs = keras.layers.Conv2DTranspose(**options)
    x = np.random.default_rng(1).standard_normal((2, 5, 5, 3))
    x = x.astype("float32")
    ours.build(x.shape)
    theirs.build(x.shape)
    theirs.set_weights(
        [w + 0.1 for w in ours.get_weights()]  # a non-zero bias
    )
    ours.set_weights(theirs.get_weights())
    np.testing.assert_allclose(
        helpers.to_numpy(ours(x)), helpers.to_numpy(theirs(x)), atol=1e-5
    )
    assert ours.get_config() == {
        **theirs.get_config(),
        "name": ours.name,
    }


def test_gradients_equal_conv_transpose():
    # The decomposition must also train like the layer it replaces: compare
    # one SGD step of a tiny DCGAN (whose generator upsamples with it) with
    # the same DCGAN whose layers compute Keras' transposed convolution.
    keras.utils.set_random_seed(0)
    ours = helpers.tiny_dcgan()
    theirs = keras_gans.DCGAN.from_config(ours.get_config())
    theirs.set_weights(ours.get_weights())
    for layer in theirs.generator.layers:
        if isinstance(layer, SubPixelConv2DTranspose):
            layer.call = _keras_call(layer)
    for model in (ours, theirs):
        model.compile(
            d_optimizer=keras.optimizers.SGD(0.1),
            g_optimizer=keras.optimizers.SGD(0.1),
        )
        helpers.fit_steps(model, 1)
    for a, b in zip(
        helpers.snapshot(ours.generator.weights),
        helpers.snapshot(theirs.generator.weights),
    ):
        np.testing.assert_allclose(a, b, atol=1e-4)


def _keras_call(layer):
    def call(inputs):
        return keras.layers.Conv2DTranspose.call(layer, inputs)

    return call


def test_saves_and_loads(tmp_path):
    layer = SubPixelConv2DTranspose(2, 4, strides=2, padding="same")
    model = keras.Sequential([keras.Input((3, 3, 1)), layer])
    x = np.ones((1, 3, 3, 1), "float32")
    path = str(tmp_path / "model.keras")
    model.save(path)
    restored = keras.saving.load_model(path)
    assert isinstance(restored.layers[0], SubPixelConv2DTranspose)
    np.testing.assert_allclose(
        helpers.to_numpy(restored(x)), helpers.to_numpy(model(x)), atol=1e-6
    )


def test_dcgan_generator_upsamples_with_it():
    model = helpers.tiny_dcgan()
    found = helpers.layers_of(model.generator, SubPixelConv2DTranspose)
    assert len(found) == 2  # one hidden upsampling and the image layer
