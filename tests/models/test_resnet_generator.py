import keras
import numpy as np
import pytest

from keras_gans.layers import ReflectionPadding2D
from keras_gans.models.cyclegan.resnet_generator import ResNetGenerator
from tests import helpers
from tests.models import network_checks


def tiny_generator(image_shape=(32, 32, 3), **overrides):
    return ResNetGenerator(image_shape, **{"filters": 4, **overrides})


def images(n, image_shape, seed=0):
    return helpers.random_images(n, image_shape, seed=seed)


def residual_adds(model):
    return helpers.layers_of(model, keras.layers.Add)


@pytest.mark.parametrize(
    "image_shape", [(256, 256, 3), (128, 96, 3), (36, 20, 1)]
)
def test_symbolic_output_shape_equals_input_shape(image_shape):
    model = tiny_generator(image_shape, num_blocks=1)
    assert tuple(model.output.shape) == (None,) + image_shape


@pytest.mark.parametrize(
    "image_shape, num_downsamples",
    [((32, 32, 3), 2), ((16, 24, 3), 3), ((12, 8, 1), 1)],
)
def test_call_keeps_the_image_size(image_shape, num_downsamples):
    model = tiny_generator(
        image_shape, num_blocks=2, num_downsamples=num_downsamples
    )
    outputs = helpers.to_numpy(model(images(2, image_shape), training=True))
    assert outputs.shape == (2,) + image_shape
    assert outputs.dtype == np.float32
    assert np.all(np.abs(outputs) <= 1.0)  # tanh


def test_one_channel_in_three_out():
    model = tiny_generator((16, 16, 1), out_channels=3, num_blocks=1)
    assert tuple(model.input.shape) == (None, 16, 16, 1)
    assert tuple(model(images(2, (16, 16, 1))).shape) == (2, 16, 16, 3)


@pytest.mark.parametrize(
    "image_shape, blocks",
    [((256, 256, 3), 9), ((256, 128, 3), 6), ((32, 32, 1), 6)],
)
def test_default_block_count(image_shape, blocks):
    model = tiny_generator(image_shape)
    assert model.num_blocks == blocks
    assert len(residual_adds(model)) == blocks


def test_explicit_block_count():
    model = tiny_generator((16, 16, 3), num_blocks=3)
    assert len(residual_adds(model)) == 3
    assert model.get_config()["num_blocks"] == 3


def test_cyclegan_layout():
    # c7s1-64, d128, d256, R256 x 2, u128, u64, c7s1-3 scaled down by 16.
    model = tiny_generator((32, 32, 3), num_blocks=2)
    convs = helpers.layers_of(model, keras.layers.Conv2D)
    assert [
        (c.name, c.filters, c.kernel_size[0], c.strides[0]) for c in convs
    ] == [
        ("stem_conv", 4, 7, 1),
        ("down0_conv", 8, 3, 2),
        ("down1_conv", 16, 3, 2),
        ("res0_conv0", 16, 3, 1),
        ("res0_conv1", 16, 3, 1),
        ("res1_conv0", 16, 3, 1),
        ("res1_conv1", 16, 3, 1),
        ("to_image", 3, 7, 1),
    ]
    ups = helpers.layers_of(model, keras.layers.Conv2DTranspose)
    assert [(u.name, u.filters, u.strides[0]) for u in ups] == [
        ("up1_conv", 8, 2),
        ("up0_conv", 4, 2),
    ]
    # Every convolution but the strided ones sees reflection padding.
    pads = helpers.layers_of(model, ReflectionPadding2D)
    assert [p.padding[0][0] for p in pads] == [3, 1, 1, 1, 1, 3]
    assert tuple(model.get_layer("res0_add").output.shape) == (None, 8, 8, 16)


def test_residual_block_adds_its_input():
    model = tiny_generator((16, 16, 3), num_blocks=1)
    block = keras.Model(
        model.get_layer("res0_pad0").input,
        [
            model.get_layer("res0_norm1").output,
            model.get_layer("res0_add").output,
        ],
    )
    x = np.random.default_rng(0).normal(size=(2, 4, 4, 16)).astype("float32")
    branch, outputs = (helpers.to_numpy(y) for y in block(x))
    np.testing.assert_allclose(outputs, x + branch, rtol=1e-6, atol=1e-6)


def test_instance_norm_by_default():
    model = tiny_generator((16, 16, 3), num_blocks=1)
    groups = helpers.layers_of(model, keras.layers.GroupNormalization)
    # stem, 2 down, 2 per residual block, 2 up.
    assert len(groups) == 7
    assert all(g.groups == g.input.shape[-1] for g in groups)
    assert not helpers.layers_of(model, keras.layers.BatchNormalization)
    network_checks.check_instance_normalized(
        model, "down0_norm", images(3, (16, 16, 3))
    )


def test_batch_norm_and_no_norm():
    batch = tiny_generator((16, 16, 3), num_blocks=1, norm="batch")
    assert len(helpers.layers_of(batch, keras.layers.BatchNormalization)) == 7
    plain = tiny_generator((16, 16, 3), num_blocks=1, norm=None)
    assert all(
        c.use_bias for c in helpers.layers_of(plain, keras.layers.Conv2D)
    )


def test_size_not_divisible_raises():
    with pytest.raises(ValueError, match="divisible by 8") as info:
        tiny_generator((20, 20, 3), num_downsamples=3)
    assert "image_shape=(20, 20, 3)" in str(info.value)


def test_too_small_to_reflect_raises():
    with pytest.raises(ValueError, match="at least 8") as info:
        tiny_generator((4, 8, 3), num_downsamples=2)
    assert "image_shape=(4, 8, 3)" in str(info.value)


@pytest.mark.parametrize(
    "overrides, name",
    [
        (dict(norm="layer"), "norm"),
        (dict(num_blocks=0), "num_blocks"),
        (dict(num_downsamples=0), "num_downsamples"),
        (dict(out_channels=-1), "out_channels"),
        (dict(image_shape=(32, 32, 0)), "image_shape"),
    ],
)
def test_bad_arguments_raise(overrides, name):
    with pytest.raises(ValueError, match=f"Received: {name}="):
        tiny_generator(**overrides)


def test_config_round_trip():
    network_checks.check_config_round_trip(
        tiny_generator((24, 16, 1), out_channels=3, num_blocks=2, norm="batch")
    )


@pytest.mark.parametrize("norm", ["instance", "batch"])
def test_save_load_round_trip(norm, tmp_path):
    model = tiny_generator((16, 16, 3), num_blocks=2, norm=norm)
    network_checks.check_save_load_round_trip(
        model, images(2, (16, 16, 3)), tmp_path
    )


@network_checks.tensorflow_only
def test_litert_export_matches(tmp_path):
    model = tiny_generator((16, 16, 1), out_channels=3, num_blocks=2)
    network_checks.check_litert_parity(model, images(2, (16, 16, 1)), tmp_path)


def test_fit_step_moves_every_weight():
    # Gradients must flow through the reflection padding on every backend.
    model = tiny_generator((16, 16, 1), num_blocks=1)
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mae")
    before = helpers.snapshot(model.trainable_variables)
    x = images(4, (16, 16, 1))
    model.fit(x, -x, batch_size=4, epochs=1, verbose=0)
    after = helpers.snapshot(model.trainable_variables)
    assert all(not np.allclose(a, b) for a, b in zip(before, after))


def test_free_height_and_width_take_any_multiple_of_the_strides():
    model = tiny_generator((None, None, 1), num_blocks=1)
    network_checks.check_free_size(model, 4, [(12, 20), (8, 8)])
    with pytest.raises(ValueError, match=r"needs `num_blocks`"):
        tiny_generator((None, None, 1))
