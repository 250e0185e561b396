"""MATLAB-compatible bicubic resizing: the kernel, the borders, the sizes
and the rounding of `imresize(image, scale, 'bicubic')`."""

import numpy as np
import pytest

from keras_gans.data import bicubic

# Backend-independent: runs in one backend's session (tests/conftest.py).
pytestmark = pytest.mark.once

# Keys' cubic with a = -0.5 at the distances a 2x resize meets, by hand:
# 1.5|x|^3 - 2.5|x|^2 + 1 up to 1, -0.5|x|^3 + 2.5|x|^2 - 4|x| + 2 beyond.
CUBIC_AT_0_25 = 1.5 / 64 - 2.5 / 16 + 1  # 111/128
CUBIC_AT_0_75 = 1.5 * 27 / 64 - 2.5 * 9 / 16 + 1  # 29/128
CUBIC_AT_1_25 = -0.5 * 125 / 64 + 2.5 * 25 / 16 - 5 + 2  # -9/128
CUBIC_AT_1_75 = -0.5 * 343 / 64 + 2.5 * 49 / 16 - 7 + 2  # -3/128


def test_cubic_kernel_values():
    distances = [0, 0.25, -0.75, 1, 1.25, -1.75, 2, 2.5]
    expected = [1, CUBIC_AT_0_25, CUBIC_AT_0_75, 0, CUBIC_AT_1_25]
    expected += [CUBIC_AT_1_75, 0, 0]
    np.testing.assert_allclose(bicubic.cubic(distances), expected, atol=1e-15)
    assert CUBIC_AT_0_25 * 128 == 111 and CUBIC_AT_1_75 * 128 == -3


@pytest.mark.parametrize(
    "in_size, out_size, scale",
    [(16, 8, 0.5), (17, 6, 1 / 3), (9, 3, 1 / 3), (7, 2, 1 / 4), (5, 10, 2),
     (3, 12, 4), (1, 3, 3), (4, 3, 0.75), (6, 15, 2.5)],
)
def test_weight_rows_sum_to_one(in_size, out_size, scale):
    weights = bicubic.resize_weights(in_size, out_size, scale)
    assert weights.shape == (out_size, in_size)
    assert weights.dtype == np.float64
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, atol=1e-12)


def test_halving_uses_the_kernel_stretched_twice():
    # Output pixel i is centred at input 2i + 0.5; its 8 taps sit at
    # distances 3.5, 2.5, ..., -3.5, where the stretched kernel
    # 0.5 * cubic(0.5 * d) reads cubic at 1.75, 1.25, 0.75, 0.25.
    half = [CUBIC_AT_1_75, CUBIC_AT_1_25, CUBIC_AT_0_75, CUBIC_AT_0_25]
    taps = 0.5 * np.array(half + half[::-1])
    assert taps.sum() == pytest.approx(1.0)  # already normalised
    weights = bicubic.resize_weights(16, 8, 0.5)
    np.testing.assert_allclose(weights[3, 3:11], taps, atol=1e-15)
    assert not weights[3, :3].any() and not weights[3, 11:].any()
    # Row 0 reads inputs -3..4; -1, -2, -3 mirror onto 0, 1, 2.
    folded = taps[3:].copy()
    folded[:3] += taps[:3][::-1]
    np.testing.assert_allclose(weights[0, :5], folded, atol=1e-15)
    np.testing.assert_allclose(weights[0], weights[-1, ::-1], atol=1e-15)


def test_upscaling_x2_by_hand():
    # Outputs of 2 -> 4 are centred at -0.25, 0.25, 0.75, 1.25; the first
    # reads pixel 0 at distances 0.25 and 0.75 (its mirror image) and
    # pixel 1 at 1.25 and 1.75 (ditto).
    outer = (CUBIC_AT_0_25 + CUBIC_AT_0_75, CUBIC_AT_1_25 + CUBIC_AT_1_75)
    inner = (CUBIC_AT_0_25 + CUBIC_AT_1_25, CUBIC_AT_0_75 + CUBIC_AT_1_75)
    expected = np.array([outer, inner, inner[::-1], outer[::-1]])
    np.testing.assert_allclose(
        bicubic.resize_weights(2, 4, 2), expected, atol=1e-15
    )
    image = np.array([[0.0, 10.0]])
    row = 10 * expected[:, 1]  # -0.9375, 2.03125, 7.96875, 10.9375
    resized = bicubic.imresize(image, scale=2)
    assert resized.dtype == np.float64
    np.testing.assert_allclose(resized, [row, row], atol=1e-12)
    # Bicubic overshoots: floats stay unclipped, uint8 clips and rounds.
    assert resized.min() < 0 and resized.max() > 10
    as_uint8 = bicubic.imresize(image.astype("uint8"), scale=2)
    assert as_uint8.dtype == np.uint8
    np.testing.assert_array_equal(as_uint8, [[0, 2, 8, 11]] * 2)


@pytest.mark.parametrize("scale", [1 / 4, 1 / 3, 0.5, 2, 3])
def test_a_constant_image_stays_constant(scale):
    image = np.full((12, 18, 3), 173, "uint8")
    resized = bicubic.imresize(image, scale=scale)
    np.testing.assert_array_equal(resized, 173)
    floats = bicubic.imresize(image / 255.0, scale=scale)
    np.testing.assert_allclose(floats, 173 / 255.0, atol=1e-12)


@pytest.mark.parametrize("scale", [1 / 4, 1 / 3, 0.5, 2, 3])
def test_a_linear_ramp_stays_linear_in_the_interior(scale):
    # The cubic reproduces linear functions, so away from the mirrored
    # borders output pixel j is the ramp at its centre (j + 0.5)/scale - 0.5.
    width = 48
    ramp = np.tile(3.0 * np.arange(width) + 7.0, (5, 1))
    resized = bicubic.imresize(ramp, scale=scale)
    centres = (np.arange(resized.shape[1]) + 0.5) / scale - 0.5
    reach = 2 / min(scale, 1)  # half the (stretched) kernel, in input pixels
    interior = (centres - reach >= 0) & (centres + reach <= width - 1)
    assert interior.sum() >= resized.shape[1] // 2
    expected = np.tile(3.0 * centres[interior] + 7.0, (len(resized), 1))
    np.testing.assert_allclose(resized[:, interior], expected, atol=1e-9)
    # At the borders the mirror bends it: the edge is not extrapolated.
    assert not np.allclose(resized[0, 0], 3.0 * centres[0] + 7.0)


@pytest.mark.parametrize(
    "shape, kwargs, expected",
    [
        ((7, 10), {"scale": 1 / 3}, (3, 4)),  # ceil(2.33), ceil(3.33)
        ((5, 5, 3), {"scale": 0.5}, (3, 3, 3)),
        ((255, 12), {"scale": 1 / 3}, (85, 4)),  # no float overshoot
        ((3, 4), {"scale": 2.5}, (8, 10)),
        ((3, 4, 1), {"output_shape": (7, 2)}, (7, 2, 1)),
    ],
)
def test_output_sizes_as_matlab(shape, kwargs, expected):
    image = np.zeros(shape, "uint8")
    assert bicubic.imresize(image, **kwargs).shape == expected


def test_uint8_rounds_half_away_from_zero_and_clips():
    values = np.array([-3.0, 0.5, 1.5, 2.5, 2.4999, 254.5, 300.0])
    np.testing.assert_array_equal(
        bicubic.round_to_uint8(values), [0, 1, 2, 3, 2, 255, 255]
    )
    image = np.random.default_rng(0).integers(0, 256, (9, 11, 3), "uint8")
    for scale in (1 / 3, 2):
        np.testing.assert_array_equal(
            bicubic.imresize(image, scale=scale),
            bicubic.round_to_uint8(
                bicubic.imresize(image.astype("float64"), scale=scale)
            ),
        )


def test_each_side_is_its_weight_matrix_and_channels_are_independent():
    image = np.random.default_rng(1).uniform(0, 255, (10, 7, 3))
    resized = bicubic.imresize(image, output_shape=(4, 12))
    rows = bicubic.resize_weights(10, 4, 0.4)
    cols = bicubic.resize_weights(7, 12, 12 / 7)
    for channel in range(3):
        np.testing.assert_allclose(
            resized[..., channel], rows @ image[..., channel] @ cols.T,
            atol=1e-9,
        )
        np.testing.assert_allclose(
            bicubic.imresize(image[..., channel], output_shape=(4, 12)),
            resized[..., channel],
            atol=1e-12,
        )


def test_flips_and_quarter_turns_commute_with_a_square_resize():
    image = np.random.default_rng(2).uniform(0, 255, (12, 12))
    resized = bicubic.imresize(image, scale=1 / 3)
    for transform in (np.fliplr, np.flipud, np.rot90, np.transpose):
        np.testing.assert_allclose(
            bicubic.imresize(transform(image), scale=1 / 3),
            transform(resized),
            atol=1e-9,
        )


def test_weights_are_cached_and_read_only():
    weights = bicubic.resize_weights(12, 4, 1 / 3)
    assert bicubic.resize_weights(12, 4, 1 / 3) is weights
    with pytest.raises(ValueError, match="read-only"):
        weights[0, 0] = 1.0


@pytest.mark.parametrize(
    "image, kwargs, match",
    [
        (np.zeros(5, "uint8"), {"scale": 2}, r"`image`.*array\(5,\) uint8"),
        (np.zeros((4, 4), "int32"), {"scale": 2}, r"`image`.*int32"),
        (np.zeros((0, 4), "uint8"), {"scale": 2}, r"`image`.*array\(0, 4\)"),
        (np.zeros((4, 4)), {}, r"one of.*scale=None, output_shape=None"),
        (np.zeros((4, 4)), {"scale": 2, "output_shape": (8, 8)},
         r"one of.*scale=2, output_shape=\(8, 8\)"),
        (np.zeros((4, 4)), {"scale": 0}, r"`scale`.*scale=0"),
        (np.zeros((4, 4)), {"scale": -0.5}, r"`scale`.*scale=-0.5"),
        (np.zeros((4, 4)), {"scale": float("inf")}, r"`scale`.*scale=inf"),
        (np.zeros((4, 4)), {"scale": True}, r"`scale`.*scale=True"),
        (np.zeros((4, 4)), {"scale": "2"}, r"`scale`.*scale='2'"),
        (np.zeros((4, 4)), {"output_shape": (0, 3)},
         r"`output_shape`.*output_shape=\(0, 3\)"),
        (np.zeros((4, 4)), {"output_shape": 8}, r"output_shape=8"),
        (np.zeros((4, 4)), {"output_shape": (2.0, 3)}, r"output_shape=\(2.0"),
    ],
)
def test_imresize_bad_arguments_raise_naming_them(image, kwargs, match):
    with pytest.raises(ValueError, match=match):
        bicubic.imresize(image, **kwargs)


@pytest.mark.parametrize(
    "args, match",
    [
        ((0, 4, 0.5), r"`in_size`.*in_size=0"),
        ((8, 2.0, 0.5), r"`out_size`.*out_size=2.0"),
        ((8, 4, 0), r"`scale`.*scale=0"),
        ((8, 4, float("nan")), r"`scale`.*scale=nan"),
    ],
)
def test_resize_weights_bad_arguments_raise_naming_them(args, match):
    with pytest.raises(ValueError, match=match):
        bicubic.resize_weights(*args)
