"""`upscale_image` (tiled super-resolution) and `receptive_field`.

The receptive field is checked against a measurement: one LR pixel of a
random network's input is changed and the farthest output pixel that
changes (in LR pixels from the LR pixel it lies in) is the radius. With
that radius as the tile overlap, a tiled upscaling equals the untiled one;
without overlap the tile borders show.
"""

import keras
import numpy as np
import pytest

from keras_gans.export.tiled_upscale import DEFAULT_OVERLAP
from keras_gans.export.tiled_upscale import receptive_field
from keras_gans.export.tiled_upscale import tile_spans
from keras_gans.export.tiled_upscale import upscale_image
from keras_gans.layers import BicubicUpsampling
from keras_gans.layers import ImageRange
from keras_gans.layers import PixelShuffle
from keras_gans.layers import ReflectionPadding2D

# An image whose sides are no multiple of the tile: clipped edge tiles.
IMAGE_SHAPE = (37, 29, 3)
TILE = 8
# Radius of `sub_pixel_upscaler`: three 3x3 LR convolutions (3), a
# PixelShuffle(2) and one 3x3 convolution at HR (half an LR pixel more).
SUB_PIXEL_FIELD = 4


def conv(filters, kernel=3, padding="same", **kwargs):
    # Zero-initialized, then `randomize`d with NumPy: Keras' seeded
    # initializers compile a random generator per weight shape on JAX
    # (seconds per network).
    return keras.layers.Conv2D(
        filters,
        kernel,
        padding=padding,
        kernel_initializer="zeros",
        bias_initializer="zeros",
        **kwargs,
    )


def randomize(model, seed=0):
    """Random weights: kernels scaled by their fan-in, and random biases
    (with zero biases a zero-padded border would look like the image's
    own zeros more often)."""
    rng = np.random.default_rng(seed)
    weights = []
    for weight in model.get_weights():
        if weight.ndim > 1:
            fan_in = np.prod(weight.shape[:-1])
            values = rng.normal(0, 1 / np.sqrt(fan_in), weight.shape)
        else:
            values = rng.uniform(-0.5, 0.5, weight.shape)
        weights.append(values.astype(weight.dtype))
    model.set_weights(weights)
    return model


def chain(*layers, channels=3):
    images = keras.Input((None, None, channels))
    x = images
    for layer in layers:
        x = layer(x)
    return randomize(keras.Model(images, x))


def sub_pixel_upscaler():
    """3 LR convolutions, x2 sub-pixel upsampling, an HR convolution."""
    return chain(
        conv(8), conv(8), conv(12), PixelShuffle(2), conv(3, activation="tanh")
    )


def residual_upscaler():
    """A dilated branch (radius 2) added to the identity: the max path."""
    images = keras.Input((None, None, 3))
    head = conv(8)(images)
    branch = conv(8, dilation_rate=2)(head)
    x = keras.layers.Add()([head, branch])
    block = keras.Sequential([conv(12), PixelShuffle(2)])
    return randomize(keras.Model(images, block(x)))


def bicubic_skip_upscaler():
    """Detail added to a bicubic upsampling (radius 2), as the SR
    generators do, brought into [-1, 1] at inference."""
    images = keras.Input((None, None, 3))
    detail = PixelShuffle(2)(conv(12)(images))
    x = keras.layers.Add()([BicubicUpsampling(2)(images), detail])
    return randomize(keras.Model(images, ImageRange()(x)))


def run(model):
    return lambda batch: model(batch, training=False)


def random_image(shape=IMAGE_SHAPE, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, shape).astype("float32")


def measured_field(model, scale, size=21, channels=3):
    """The farthest LR distance at which one changed LR pixel changes the
    output, from the LR pixel each output pixel lies in."""
    image = random_image((1, size, size, channels), seed=1)
    before = keras.ops.convert_to_numpy(model(image))
    centre = size // 2
    image[0, centre, centre] += 1.0
    after = keras.ops.convert_to_numpy(model(image))
    changed = np.argwhere(np.abs(after - before)[0].max(axis=-1) > 1e-6)
    assert len(changed), "the perturbation changed nothing"
    return int(np.abs(changed // scale - centre).max())


@pytest.fixture(scope="module")
def upscaler():
    return sub_pixel_upscaler()


def test_tiled_equals_untiled_with_the_receptive_field_overlap(upscaler):
    image = random_image()
    field = receptive_field(upscaler)
    assert field == SUB_PIXEL_FIELD
    whole = upscale_image(run(upscaler), image, 2)
    assert whole.shape == (74, 58, 3) and np.std(whole) > 0.05
    tiled = upscale_image(run(upscaler), image, 2, tile=TILE, overlap=field)
    np.testing.assert_allclose(tiled, whole, atol=1e-3)


def test_without_overlap_the_seams_show(upscaler):
    image = random_image()
    whole = upscale_image(run(upscaler), image, 2)
    seams = upscale_image(run(upscaler), image, 2, tile=TILE, overlap=0)
    assert np.abs(seams - whole).max() > 0.05
    # ... at the tile borders: pixels farther than the receptive field
    # from every border of their tile are exact.
    tile = 2 * TILE
    seams = upscale_image(run(upscaler), image, 2, tile=tile, overlap=0)
    error = np.abs(seams - whole).max(axis=-1)
    assert error.max() > 0.05
    rows, columns = (
        np.arange(size) // 2 % tile for size in error.shape
    )
    field = SUB_PIXEL_FIELD

    def inner(position):
        return (position >= field) & (position < tile - field)

    assert error[np.ix_(inner(rows), inner(columns))].max() <= 1e-3


def test_one_call_without_tile_or_with_a_tile_larger_than_the_image():
    calls = []

    def nearest(batch):
        calls.append(batch.shape)
        return batch.repeat(3, axis=1).repeat(3, axis=2)

    image = random_image((5, 7, 1))
    expected = image.repeat(3, axis=0).repeat(3, axis=1)
    np.testing.assert_array_equal(upscale_image(nearest, image, 3), expected)
    np.testing.assert_array_equal(
        upscale_image(nearest, image, 3, tile=16, overlap=2), expected
    )
    assert calls == [(1, 5, 7, 1)] * 2


def test_tile_windows_have_one_size_and_cover_their_tiles():
    spans = tile_spans(37, 8, 4)
    assert [(start, stop) for start, stop, _, _ in spans] == [
        (0, 8), (8, 16), (16, 24), (24, 32), (32, 37)
    ]
    # Equal windows (one compiled shape), moved inside the image at its
    # edges; each holds its tile with `overlap` of context where possible.
    assert [(low, high) for _, _, low, high in spans] == [
        (0, 16), (4, 20), (12, 28), (20, 36), (21, 37)
    ]
    assert tile_spans(5, 8, 4) == [(0, 5, 0, 5)]
    assert tile_spans(9, 3, 0) == [(0, 3, 0, 3), (3, 6, 3, 6), (6, 9, 6, 9)]


# name: (network factory, scale, radius measured and computed)
EXACT = {
    "sub-pixel": (sub_pixel_upscaler, 2, SUB_PIXEL_FIELD),
    "sub-pixel x4, 5x5": (
        lambda: chain(conv(8, 5), conv(48), PixelShuffle(4)), 4, 3
    ),
    "two x2 steps": (
        lambda: chain(
            conv(12), PixelShuffle(2), conv(12), PixelShuffle(2), conv(3)
        ),
        4,
        2,
    ),
    "nearest x3": (
        lambda: chain(conv(8), keras.layers.UpSampling2D(3), conv(3)), 3, 2
    ),
    "even kernels": (
        lambda: chain(conv(8, 4), conv(12, 2), PixelShuffle(2)), 2, 3
    ),
    "residual, dilated, nested": (residual_upscaler, 2, 4),
    "bicubic skip": (bicubic_skip_upscaler, 2, 2),
}


@pytest.mark.parametrize("name", list(EXACT))
def test_receptive_field_is_the_measured_one(name):
    build, scale, expected = EXACT[name]
    model = build()
    assert receptive_field(model) == measured_field(model, scale) == expected


@pytest.mark.parametrize(
    "layers, scale",
    [
        # Transposed and strided convolutions, interpolation: upper bounds.
        ([conv(8), keras.layers.Conv2DTranspose(
            8, 8, strides=4, padding="same", kernel_initializer="zeros"
        ), conv(3)], 4),
        ([conv(8), keras.layers.UpSampling2D(2, interpolation="bilinear"),
          conv(3)], 2),
        ([conv(8, strides=2), conv(8), keras.layers.Conv2DTranspose(
            12, 4, strides=4, padding="same", kernel_initializer="zeros"
        ), conv(3)], 2),
        # Reflection padding then a "valid" convolution (CycleGAN's way).
        ([ReflectionPadding2D(1), conv(12, padding="valid"),
          PixelShuffle(2)], 2),
    ],
    ids=["transposed", "bilinear", "strided", "reflection-valid"],
)
def test_receptive_field_bounds_other_layers(layers, scale):
    model = chain(*layers)
    field = receptive_field(model)
    measured = measured_field(model, scale)
    assert measured <= field <= measured + 3


def squeeze_excitation(x):
    # RCAN's channel attention: every pixel scaled by a global average.
    pooled = keras.layers.GlobalAveragePooling2D(keepdims=True)(x)
    return keras.layers.Multiply()([x, pooled])


@pytest.mark.parametrize(
    "layer",
    [
        squeeze_excitation,
        keras.layers.GroupNormalization(groups=1, center=False, scale=False),
        keras.layers.LayerNormalization(
            axis=(1, 2, 3), center=False, scale=False
        ),
        keras.layers.PReLU(),  # one slope per position
    ],
    ids=["global-pooling", "group-norm", "norm-over-space", "per-position"],
)
def test_receptive_field_is_none_for_layers_that_see_far(layer):
    # Fixed sizes: normalizing over space, or a slope per position, needs
    # them; the analysis does not.
    images = keras.Input((8, 8, 8))
    outputs = PixelShuffle(2)(layer(conv(8)(images)))
    assert receptive_field(keras.Model(images, outputs)) is None


def test_receptive_field_of_a_subclassed_model_is_none():
    class Upscaler(keras.Model):
        def call(self, images):
            return images

    assert receptive_field(Upscaler()) is None
    with pytest.raises(ValueError, match="keras.Model.*Received: model="):
        receptive_field(conv(3))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"tile": 0}, "`tile` must be a positive integer. Received: tile=0"),
        ({"tile": 8, "overlap": -1},
         "`overlap` must be a non-negative integer. Received: overlap=-1"),
        ({"overlap": 4}, "only applies.*tile=None, overlap=4"),
        ({"scale": 3}, "must return \\(1, 15, 21, C\\).*Received: scale=3"),
    ],
)
def test_invalid_arguments_name_the_argument(kwargs, message):
    def nearest_2x(batch):
        return batch.repeat(2, axis=1).repeat(2, axis=2)

    arguments = {"scale": 2, **kwargs}
    with pytest.raises(ValueError, match=message):
        upscale_image(nearest_2x, random_image((5, 7, 1)), **arguments)
    with pytest.raises(ValueError, match="`image` must be one .*\\(5, 7\\)"):
        upscale_image(nearest_2x, np.zeros((5, 7)), 2)


def test_default_overlap_with_tile():
    calls = []

    def nearest_2x(batch):
        calls.append(batch.shape[1:3])
        return batch.repeat(2, axis=1).repeat(2, axis=2)

    upscale_image(nearest_2x, random_image((40, 40, 1)), 2, tile=4)
    # Windows of the tile plus the default overlap on both sides.
    assert set(calls) == {(4 + 2 * DEFAULT_OVERLAP,) * 2}
