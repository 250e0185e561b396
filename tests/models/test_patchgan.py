import keras
import numpy as np
import pytest

from keras_gans.models.patchgan import PatchGAN
from tests import helpers
from tests.models import network_checks


def tiny_patchgan(image_shape=(32, 32, 6), **overrides):
    return PatchGAN(image_shape, **{"filters": 4, **overrides})


def images(n, image_shape, seed=0):
    return helpers.random_images(n, image_shape, seed=seed)


@pytest.mark.parametrize(
    "image_shape, patches",
    [
        ((256, 256, 6), (30, 30)),
        ((128, 128, 3), (14, 14)),
        ((64, 96, 4), (6, 10)),
        ((32, 32, 2), (2, 2)),
        ((24, 24, 1), (1, 1)),
    ],
)
def test_symbolic_output_shapes(image_shape, patches):
    model = tiny_patchgan(image_shape)
    assert tuple(model.output.shape) == (None,) + patches + (1,)
    assert model.compute_output_shape((5,) + image_shape) == (5,) + patches + (
        1,
    )


def test_default_is_the_70x70_patchgan():
    model = tiny_patchgan((256, 256, 6))
    assert model.n_layers == 3
    assert model.receptive_field == 70
    widths = [c.filters for c in helpers.layers_of(model, keras.layers.Conv2D)]
    # C64-C128-C256-C512 then one logit channel, scaled down by 16.
    assert widths == [4, 8, 16, 32, 1]
    strides = [c.strides for c in helpers.layers_of(model, keras.layers.Conv2D)]
    assert strides == [(2, 2)] * 3 + [(1, 1)] * 2


@pytest.mark.parametrize(
    "n_layers, field", [(1, 16), (2, 34), (3, 70), (4, 142)]
)
def test_receptive_field_follows_n_layers(n_layers, field):
    assert (
        tiny_patchgan((64, 64, 3), n_layers=n_layers).receptive_field == field
    )


def test_receptive_field_is_the_patch_one_logit_sees():
    # Perturbs one input row per image and finds the rows that change logit
    # (7, 7) of a 128x128 input: exactly `receptive_field` of them.
    model = tiny_patchgan((128, 128, 1), norm=None)
    base = images(1, (128, 128, 1))
    batch = np.repeat(base, 128, axis=0)
    batch[np.arange(128), np.arange(128)] += 10.0
    logits = helpers.to_numpy(model.predict(batch, batch_size=128, verbose=0))
    reference = helpers.to_numpy(model(base))[0, 7, 7, 0]
    seen = np.flatnonzero(np.abs(logits[:, 7, 7, 0] - reference) > 1e-5)
    assert len(seen) == model.receptive_field == 70
    # Logit 7 starts at row 7 * 8 (total stride) less the padding, one
    # pixel per side per layer scaled by the stride before it:
    # 1 + 2 + 4 + 8 + 8 = 23, the reference implementation's alignment.
    assert seen.tolist() == list(range(7 * 8 - 23, 7 * 8 - 23 + 70))


def test_call_returns_raw_logits_per_patch():
    model = tiny_patchgan((32, 32, 4))
    outputs = helpers.to_numpy(model(images(3, (32, 32, 4)), training=True))
    assert outputs.shape == (3, 2, 2, 1)
    assert outputs.dtype == np.float32
    last = model.layers[-1]
    assert isinstance(last, keras.layers.Conv2D) and last.name == "logits"
    assert last.activation is keras.activations.linear


def test_pix2pix_pair_concatenated_on_channels():
    # One-channel input and three-channel target: a 4-channel pair.
    source, target = images(2, (32, 32, 1)), images(2, (32, 32, 3), seed=1)
    pair = np.concatenate([source, target], axis=-1)
    model = tiny_patchgan((32, 32, 4))
    assert tuple(model(pair).shape) == (2, 2, 2, 1)


@pytest.mark.parametrize(
    "norm, layer_type",
    [
        ("batch", keras.layers.BatchNormalization),
        ("instance", keras.layers.GroupNormalization),
    ],
)
def test_norm_on_all_but_the_first_and_last_convolutions(norm, layer_type):
    model = tiny_patchgan((32, 32, 3), norm=norm)
    norms = [layer.name for layer in helpers.layers_of(model, layer_type)]
    assert norms == ["block1_norm", "block2_norm", "block3_norm"]
    biased = [c.use_bias for c in helpers.layers_of(model, keras.layers.Conv2D)]
    assert biased == [True, False, False, False, True]
    plain = tiny_patchgan((32, 32, 3), norm=None)
    assert not helpers.layers_of(plain, layer_type)


def test_instance_norm_normalizes_per_image_and_channel():
    model = tiny_patchgan((32, 32, 3), norm="instance")
    network_checks.check_instance_normalized(
        model, "block1_norm", images(3, (32, 32, 3))
    )


@pytest.mark.parametrize(
    "image_shape, n_layers, smallest",
    [((16, 16, 3), 3, 24), ((32, 40, 3), 4, 48), ((64, 5, 3), 1, 6)],
)
def test_too_small_input_raises(image_shape, n_layers, smallest):
    with pytest.raises(ValueError, match=f"at least {smallest}") as info:
        tiny_patchgan(image_shape, n_layers=n_layers)
    assert f"image_shape={image_shape}" in str(info.value)


@pytest.mark.parametrize(
    "overrides, name",
    [
        (dict(norm="layer"), "norm"),
        (dict(n_layers=0), "n_layers"),
        (dict(filters=-4), "filters"),
        (dict(image_shape=(32, 32)), "image_shape"),
    ],
)
def test_bad_arguments_raise(overrides, name):
    with pytest.raises(ValueError, match=f"Received: {name}="):
        tiny_patchgan(**overrides)


def test_config_round_trip():
    network_checks.check_config_round_trip(
        tiny_patchgan((48, 32, 4), n_layers=2, norm="instance")
    )


@pytest.mark.parametrize("norm", ["batch", "instance"])
def test_save_load_round_trip(norm, tmp_path):
    model = tiny_patchgan((32, 32, 6), norm=norm)
    network_checks.check_save_load_round_trip(
        model, images(2, (32, 32, 6)), tmp_path
    )


@network_checks.tensorflow_only
def test_litert_export_matches(tmp_path):
    model = tiny_patchgan((32, 32, 4), norm="instance")
    network_checks.check_litert_parity(model, images(2, (32, 32, 4)), tmp_path)
