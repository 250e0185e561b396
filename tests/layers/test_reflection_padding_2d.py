import keras
import numpy as np
import pytest

from keras_gans.layers import ReflectionPadding2D
from tests.helpers import to_numpy


def batch(shape=(2, 5, 6, 3), seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


@pytest.mark.parametrize(
    "padding, numpy_padding",
    [
        (1, ((1, 1), (1, 1))),
        ((1, 1), ((1, 1), (1, 1))),
        ((2, 3), ((2, 2), (3, 3))),
        (((1, 3), (0, 2)), ((1, 3), (0, 2))),
        (((4, 0), (5, 5)), ((4, 0), (5, 5))),
    ],
)
def test_equals_numpy_reflect(padding, numpy_padding):
    x = batch()
    expected = np.pad(x, ((0, 0),) + numpy_padding + ((0, 0),), mode="reflect")
    outputs = to_numpy(ReflectionPadding2D(padding)(x))
    np.testing.assert_array_equal(outputs, expected)


def test_border_pixel_is_not_repeated():
    row = np.arange(3, dtype="float32").reshape(1, 1, 3, 1)
    row = np.repeat(row, 3, axis=1)
    outputs = to_numpy(ReflectionPadding2D(((0, 0), (2, 2)))(row))
    np.testing.assert_array_equal(outputs[0, 0, :, 0], [2, 1, 0, 1, 2, 1, 0])


def test_compute_output_shape():
    layer = ReflectionPadding2D(((1, 2), (3, 0)))
    assert layer.compute_output_shape((None, 8, 9, 4)) == (None, 11, 12, 4)
    assert layer.compute_output_shape((2, None, None, 4)) == (
        2,
        None,
        None,
        4,
    )


def test_symbolic_batch_in_functional_model():
    inputs = keras.Input((5, 6, 3))
    model = keras.Model(inputs, ReflectionPadding2D(2)(inputs))
    assert tuple(model.output.shape) == (None, 9, 10, 3)
    assert model.predict(batch(), verbose=0).shape == (2, 9, 10, 3)


def test_config_round_trip():
    layer = ReflectionPadding2D(((1, 2), (0, 3)), name="pad")
    config = layer.get_config()
    assert config["padding"] == ((1, 2), (0, 3))
    clone = ReflectionPadding2D.from_config(config)
    x = batch()
    np.testing.assert_array_equal(to_numpy(clone(x)), to_numpy(layer(x)))


@pytest.mark.parametrize("padding", [-1, (1,), (1, 2, 3), "1", (1.5, 1), True])
def test_bad_padding_raises(padding):
    with pytest.raises(ValueError, match="Received: padding="):
        ReflectionPadding2D(padding)


def test_padding_as_large_as_the_input_raises():
    with pytest.raises(ValueError, match=r"smaller than the input width \(6\)"):
        ReflectionPadding2D((1, 6))(batch())


def test_non_4d_input_raises():
    with pytest.raises(ValueError, match="height, width, channels"):
        ReflectionPadding2D(1).compute_output_shape((5, 6, 3))
