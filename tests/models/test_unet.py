import keras
import numpy as np
import pytest

from keras_gans.models.unet import UNet
from tests import helpers
from tests.models import network_checks

# Narrow widths keep every network here small; the structure is the same.
TINY = dict(filters=4, max_filters=16)


def tiny_unet(image_shape=(32, 32, 3), **overrides):
    return UNet(image_shape, **{**TINY, **overrides})


def images(n, image_shape, seed=0):
    return helpers.random_images(n, image_shape, seed=seed)


def conv_widths(model, layer_type, prefix):
    return [
        layer.filters
        for layer in helpers.layers_of(model, layer_type)
        if layer.name.startswith(prefix)
    ]


@pytest.mark.parametrize(
    "image_shape, depth",
    [
        ((256, 256, 3), 8),
        ((512, 512, 3), 8),
        ((96, 64, 3), 5),
        ((24, 40, 1), 3),
    ],
)
def test_default_depth_is_the_most_the_size_allows(image_shape, depth):
    model = tiny_unet(image_shape)
    assert model.depth == depth
    assert len(conv_widths(model, keras.layers.Conv2D, "down")) == depth
    bottleneck = model.get_layer(f"down{depth - 1}_relu").output
    assert tuple(bottleneck.shape[1:3]) == (
        image_shape[0] // 2**depth,
        image_shape[1] // 2**depth,
    )
    assert tuple(model.output.shape) == (None,) + image_shape


@pytest.mark.parametrize(
    "image_shape, depth",
    [((32, 32, 3), 5), ((32, 32, 3), 2), ((16, 48, 1), 4), ((8, 8, 3), 1)],
)
def test_call_keeps_the_image_size(image_shape, depth):
    model = tiny_unet(image_shape, depth=depth)
    outputs = helpers.to_numpy(model(images(2, image_shape)))
    assert outputs.shape == (2,) + image_shape
    assert outputs.dtype == np.float32
    assert np.all(np.abs(outputs) <= 1.0)  # tanh


def test_one_channel_in_three_out():
    model = tiny_unet((16, 16, 1), out_channels=3)
    assert tuple(model.input.shape) == (None, 16, 16, 1)
    outputs = model(images(2, (16, 16, 1)))
    assert tuple(outputs.shape) == (2, 16, 16, 3)
    assert model.get_config()["out_channels"] == 3


def test_pix2pix_widths_and_skips():
    # C64-C128-C256-C512-C512-C512-C512-C512 scaled down by 16.
    model = UNet((256, 256, 3), filters=4, max_filters=32)
    encoder = conv_widths(model, keras.layers.Conv2D, "down")
    assert encoder == [4, 8, 16, 32, 32, 32, 32, 32]
    decoder = conv_widths(model, keras.layers.Conv2DTranspose, "up")
    assert decoder == [32, 32, 32, 32, 16, 8, 4]
    skips = helpers.layers_of(model, keras.layers.Concatenate)
    # Each decoder block doubles its width with the mirrored encoder block.
    assert [s.output.shape[-1] for s in skips] == [2 * w for w in decoder]
    assert model.get_layer("to_image").filters == 3


def test_first_and_innermost_encoder_blocks_have_no_norm():
    model = tiny_unet((32, 32, 3))
    norms = [
        layer.name
        for layer in helpers.layers_of(model, keras.layers.BatchNormalization)
    ]
    assert norms == [
        "down1_norm",
        "down2_norm",
        "down3_norm",
        "up0_norm",
        "up1_norm",
        "up2_norm",
        "up3_norm",
    ]


def test_dropout_in_the_first_decoder_blocks_only():
    model = tiny_unet((64, 64, 3), dropout_blocks=3)
    dropouts = helpers.layers_of(model, keras.layers.Dropout)
    assert [d.name for d in dropouts] == [
        "up0_dropout",
        "up1_dropout",
        "up2_dropout",
    ]
    assert all(d.rate == 0.5 for d in dropouts)
    assert not helpers.layers_of(
        tiny_unet((64, 64, 3), dropout=0.0), keras.layers.Dropout
    )


def test_dropout_active_only_in_training():
    x = images(2, (16, 16, 3))
    model = tiny_unet((16, 16, 3), dropout=0.5, norm="instance")
    inference = [helpers.to_numpy(model(x, training=False)) for _ in range(2)]
    np.testing.assert_array_equal(inference[0], inference[1])
    training = [helpers.to_numpy(model(x, training=True)) for _ in range(2)]
    assert not np.allclose(training[0], training[1])
    # Without dropout, training calls are deterministic too (instance norm
    # has no batch statistics), so the difference above is dropout's.
    plain = tiny_unet((16, 16, 3), dropout=0.0, norm="instance")
    np.testing.assert_array_equal(
        helpers.to_numpy(plain(x, training=True)),
        helpers.to_numpy(plain(x, training=True)),
    )


def test_without_skip_connections_is_a_plain_encoder_decoder():
    model = tiny_unet((32, 32, 3), skip_connections=False)
    assert not helpers.layers_of(model, keras.layers.Concatenate)
    assert tuple(model(images(1, (32, 32, 3))).shape) == (1, 32, 32, 3)
    with_skips = tiny_unet((32, 32, 3))
    assert model.count_params() < with_skips.count_params()


def test_instance_norm_normalizes_per_image_and_channel():
    model = tiny_unet((16, 16, 3), norm="instance")
    groups = helpers.layers_of(model, keras.layers.GroupNormalization)
    assert groups and all(g.groups == g.input.shape[-1] for g in groups)
    assert not helpers.layers_of(model, keras.layers.BatchNormalization)
    network_checks.check_instance_normalized(
        model, "down1_norm", images(3, (16, 16, 3))
    )


@pytest.mark.parametrize(
    "image_shape, depth, divisor",
    [((24, 24, 3), 4, 16), ((32, 48, 3), 6, 64), ((30, 32, 1), 2, 4)],
)
def test_size_not_divisible_raises(image_shape, depth, divisor):
    with pytest.raises(ValueError, match=f"divisible by {divisor}") as info:
        tiny_unet(image_shape, depth=depth)
    assert f"image_shape={image_shape}" in str(info.value)


def test_odd_size_raises_with_default_depth():
    with pytest.raises(
        ValueError, match=r"Received: image_shape=\(15, 16, 3\)"
    ):
        tiny_unet((15, 16, 3))


@pytest.mark.parametrize(
    "overrides, name",
    [
        (dict(norm="layer"), "norm"),
        (dict(dropout=1.0), "dropout"),
        (dict(dropout_blocks=-1), "dropout_blocks"),
        (dict(depth=0), "depth"),
        (dict(out_channels=0), "out_channels"),
        (dict(filters=0), "filters"),
    ],
)
def test_bad_arguments_raise(overrides, name):
    with pytest.raises(ValueError, match=f"Received: {name}="):
        tiny_unet((32, 32, 3), **overrides)


def test_config_round_trip():
    network_checks.check_config_round_trip(
        tiny_unet((32, 16, 1), out_channels=3, depth=3, norm="instance")
    )


@pytest.mark.parametrize("norm", ["batch", "instance"])
def test_save_load_round_trip(norm, tmp_path):
    model = tiny_unet((16, 16, 3), norm=norm)
    network_checks.check_save_load_round_trip(
        model, images(2, (16, 16, 3)), tmp_path
    )


@network_checks.tensorflow_only
def test_litert_export_matches(tmp_path):
    model = tiny_unet((16, 16, 1), out_channels=3, norm="instance")
    network_checks.check_litert_parity(model, images(2, (16, 16, 1)), tmp_path)


def test_free_height_and_width_take_any_multiple_of_two_to_the_depth():
    model = tiny_unet((None, None, 1), depth=3)
    network_checks.check_free_size(model, 8, [(16, 24), (8, 40)])
    with pytest.raises(ValueError, match=r"needs `depth`.*depth=None"):
        tiny_unet((None, None, 1))
