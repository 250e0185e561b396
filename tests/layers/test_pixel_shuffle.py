"""PixelShuffle, BicubicUpsampling and ImageRange: the SR generators' layers."""

import keras
import numpy as np
import pytest

from keras_gans.layers import BicubicUpsampling
from keras_gans.layers import ImageRange
from keras_gans.layers import PixelShuffle
from keras_gans.layers.bicubic_upsampling import cubic
from tests.helpers import to_numpy


def numpy_depth_to_space(x, r):
    """Output (r*h + i, r*w + j, c) = input (h, w, (i*r + j)*C + c)."""
    n, h, w, depth = x.shape
    channels = depth // (r * r)
    out = np.empty((n, h * r, w * r, channels), x.dtype)
    for i in range(r):
        for j in range(r):
            block = x[..., (i * r + j) * channels : (i * r + j + 1) * channels]
            out[:, i::r, j::r, :] = block
    return out


@pytest.mark.parametrize("factor, channels", [(2, 3), (3, 1), (4, 2)])
def test_pixel_shuffle_is_depth_to_space(factor, channels):
    x = np.random.default_rng(0).normal(
        size=(2, 3, 5, channels * factor**2)
    ).astype("float32")
    np.testing.assert_array_equal(
        to_numpy(PixelShuffle(factor)(x)), numpy_depth_to_space(x, factor)
    )


def test_pixel_shuffle_runs_at_free_size_and_round_trips_config():
    inputs = keras.Input((None, None, 8))
    layer = PixelShuffle(2)
    model = keras.Model(inputs, layer(inputs))
    assert model.output_shape == (None, None, None, 2)
    assert model(np.zeros((1, 3, 7, 8))).shape == (1, 6, 14, 2)
    assert PixelShuffle.from_config(layer.get_config()).factor == 2


def test_pixel_shuffle_errors_name_the_argument():
    with pytest.raises(ValueError, match="factor.*Received: factor=1"):
        PixelShuffle(1)
    with pytest.raises(ValueError, match="multiple of factor\\*\\*2 = 4"):
        PixelShuffle(2)(np.zeros((1, 2, 2, 6)))


def test_bicubic_upsampling_matches_the_cubic_by_hand_inside():
    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 1, (1, 6, 7, 2)).astype("float32")
    factor = 2
    y = to_numpy(BicubicUpsampling(factor)(x))
    assert y.shape == (1, 12, 14, 2)
    # Output row 2h + i sits at input row h + (i + 0.5) / 2 - 0.5: by hand
    # for an interior pixel (4 taps each way are inside the image).
    out_row, out_col = 6, 7
    position = lambda p: (p + 0.5) / factor - 0.5  # noqa: E731
    rows, cols = np.arange(6), np.arange(7)
    wr = cubic(rows - position(out_row))
    wc = cubic(cols - position(out_col))
    expected = np.einsum("i,j,ijc->c", wr / wr.sum(), wc / wc.sum(), x[0])
    np.testing.assert_allclose(y[0, out_row, out_col], expected, atol=1e-5)
    # A constant stays constant, borders included.
    np.testing.assert_allclose(
        to_numpy(BicubicUpsampling(3)(np.full((1, 4, 5, 3), 0.3, "float32"))),
        0.3,
        atol=1e-6,
    )


def test_image_range_clips_only_at_inference():
    x = np.array([[-1.5, 0.25, 3.0]], "float32")
    np.testing.assert_array_equal(to_numpy(ImageRange()(x, training=True)), x)
    np.testing.assert_array_equal(
        to_numpy(ImageRange()(x, training=False)), [[-1.0, 0.25, 1.0]]
    )
