import keras
import numpy as np
import pytest

import keras_gans
from tests import helpers
from tests.models import variant_checks


def test_generate_shape_range_and_seed():
    variant_checks.check_generate(helpers.tiny_dcgan())


def test_d_steps_counts_discriminator_iterations():
    model = helpers.tiny_dcgan(d_steps=2)
    model.compile()
    variant_checks.check_fit_updates(model, steps=2, d_steps=2)


@pytest.mark.parametrize(
    "preset, latents, expected",
    [
        ("mnist_28", 100, (28, 28, 1)),
        ("upsample_32", 64, (32, 32, 3)),
        ("radford_64", 100, (64, 64, 3)),
    ],
)
def test_presets_build_expected_shapes(preset, latents, expected):
    model = keras_gans.DCGAN.from_preset(preset, latent_dim=latents)
    assert model.image_shape == expected
    assert model.generator.output_shape == (None,) + expected
    assert model.discriminator.output_shape == (None, 1)
    layer_types = {type(layer).__name__ for layer in model.discriminator.layers}
    assert not layer_types & {"MaxPooling2D", "AveragePooling2D"}


def test_radford_preset_uses_its_widths():
    model = keras_gans.DCGAN.from_preset("radford_64")
    project = model.generator.get_layer("project")
    assert project.units == 4 * 4 * 512


def test_upsample_conv_mode_has_no_transposed_convolutions():
    model = keras_gans.DCGAN.from_preset("upsample_32")
    names = [type(layer).__name__ for layer in model.generator.layers]
    assert "Conv2DTranspose" not in names and "UpSampling2D" in names


def test_non_preset_size_builds():
    model = keras_gans.DCGAN(image_shape=(48, 40, 3), latent_dim=16)
    assert model.generate(2, seed=0).shape == (2, 48, 40, 3)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"image_shape": (30, 30, 1), "g_filters": (32, 16)}, "divisible by 4"),
        ({"image_shape": (7, 7, 1)}, "image_shape"),
        ({"image_shape": (28, 28, 2)}, "1 or 3 channels"),
        ({"image_shape": (28, 28)}, "image_shape"),
        ({"latent_dim": 0}, "latent_dim=0"),
        ({"latent_dim": 2.5}, "latent_dim=2.5"),
        ({"upsampling": "bilinear"}, "upsampling='bilinear'"),
        ({"d_dropout": 1.5}, "d_dropout=1.5"),
        ({"g_filters": ()}, "g_filters"),
        ({"d_steps": 0}, "d_steps=0"),
        ({"d_minibatch_std": -1}, "minibatch_std=-1"),
    ],
)
def test_invalid_arguments_raise_naming_them(kwargs, match):
    with pytest.raises(ValueError, match=match):
        keras_gans.DCGAN(**kwargs)


def test_fit_rejects_uint8_and_wrong_shapes():
    model = helpers.tiny_dcgan()
    model.compile()
    pixels = np.random.randint(0, 256, (8, 16, 16, 1)).astype("uint8")
    with pytest.raises(ValueError, match="uint8"):
        model.fit(pixels, batch_size=4, verbose=0)
    with pytest.raises(ValueError, match=r"\[0, 255\]"):
        model.fit(pixels.astype("float32"), batch_size=4, verbose=0)
    with pytest.raises(ValueError, match=r"\(N,\) \+ \(16, 16, 1\)"):
        model.fit(np.zeros((8, 28, 28, 1), "float32"), batch_size=4, verbose=0)


def test_fit_before_compile_raises():
    with pytest.raises(RuntimeError, match="compile"):
        helpers.tiny_dcgan().fit(np.zeros((8, 16, 16, 1), "float32"))


def test_compile_rejects_keras_optimizer_argument():
    with pytest.raises(ValueError, match="d_optimizer"):
        helpers.tiny_dcgan().compile(optimizer="adam")


def test_config_round_trip_rebuilds_same_architecture():
    model = helpers.tiny_dcgan(
        d_dropout=0.25, d_batchnorm=False, d_minibatch_std=2
    )
    assert model.discriminator.get_layer("minibatch_std").group_size == 2
    clone = keras_gans.DCGAN.from_config(model.get_config())
    assert clone.get_config() == model.get_config()
    assert clone.generator.count_params() == model.generator.count_params()
    assert keras.saving.get_registered_name(keras_gans.DCGAN) == (
        "keras_gans>DCGAN"
    )



def _code_model(**overrides):
    return helpers.tiny_dcgan(latent_classes=4, **overrides)


def test_latent_code_loss_is_the_weighted_cross_entropy_of_the_code():
    model = _code_model(info_weight=0.5)
    z = np.random.default_rng(0).normal(size=(6, 8)).astype("float32")
    logits = np.random.default_rng(1).normal(size=(6, 4)).astype("float32")
    code = np.argmax(z[:, :4], axis=1)
    log_softmax = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    expected = 0.5 * -log_softmax[np.arange(6), code].mean()
    loss = helpers.to_numpy(model.latent_code_loss(logits, z))
    np.testing.assert_allclose(loss, expected, rtol=1e-5)
    assert helpers.tiny_dcgan().latent_code_loss(logits, z) is None


def test_fit_trains_the_code_head_and_logs_info():
    model = _code_model()
    assert model.discriminator.output_shape == [(None, 1), (None, 4)]
    model.compile()
    head = model.discriminator.get_layer("code_logits")
    before = helpers.snapshot(head.weights + model.generator.weights)
    images = np.random.default_rng(0).uniform(-1, 1, (32, 16, 16, 1))
    history = model.fit(images.astype("float32"), batch_size=8, verbose=0)
    after = helpers.snapshot(head.weights + model.generator.weights)
    for old, new in zip(before, after):
        assert not np.array_equal(old, new)
    # A random head on 4 codes starts near ln 4.
    assert 0.5 < history.history["info"][-1] < 3.0


def test_cluster_term_is_minus_the_weighted_mutual_information_on_reals():
    from keras_gans.layers.categorical_latent_code import (
        code_mutual_information,
    )

    logits = np.random.default_rng(2).normal(size=(6, 4)).astype("float32")
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    marginal = p.mean(axis=0)
    expected = -(marginal * np.log(marginal)).sum() + (p * np.log(p)).sum(1).mean()
    mutual = helpers.to_numpy(code_mutual_information(logits))
    np.testing.assert_allclose(mutual, expected, rtol=1e-5)
    # Confident and balanced reaches log K; one category for all reaches 0.
    confident = 50.0 * np.eye(4, dtype="float32")
    np.testing.assert_allclose(
        helpers.to_numpy(code_mutual_information(confident)), np.log(4), rtol=1e-4
    )
    same = np.tile(confident[:1], (4, 1))
    assert abs(helpers.to_numpy(code_mutual_information(same))) < 1e-4
    # The discriminator's extra term, on the real images' code logits only.
    model = _code_model(cluster_weight=0.5)
    fake = np.zeros((6, 4), "float32")
    term = model.discriminator_class_loss(logits, None, fake, None)
    np.testing.assert_allclose(helpers.to_numpy(term), -0.5 * expected, rtol=1e-5)
    assert _code_model().discriminator_class_loss(logits, None, fake, None) is None


@pytest.mark.parametrize("cluster_weight", [0.0, 1.0])
def test_fit_with_the_cluster_term_moves_the_code_head(cluster_weight):
    # Without InfoGAN's own term only the cluster term reaches the head.
    model = _code_model(info_weight=0.0, cluster_weight=cluster_weight)
    model.compile()
    head = model.discriminator.get_layer("code_logits")
    before = helpers.snapshot(head.weights)
    images = np.random.default_rng(0).uniform(-1, 1, (16, 16, 16, 1))
    history = model.fit(images.astype("float32"), batch_size=8, verbose=0)
    assert np.isfinite(history.history["d_loss"][-1])
    moved = [
        not np.array_equal(old, new)
        for old, new in zip(before, helpers.snapshot(head.weights))
    ]
    assert moved == [bool(cluster_weight)] * len(moved)


def test_code_options_round_trip_and_are_checked():
    model = _code_model(info_weight=2.0, d_minibatch_std=2, cluster_weight=0.5)
    clone = keras_gans.DCGAN.from_config(model.get_config())
    assert (clone.latent_classes, clone.info_weight) == (4, 2.0)
    assert clone.cluster_weight == 0.5
    clone = keras_gans.DCGAN.from_config(
        _code_model(cluster_scores=True).get_config()
    )
    assert clone.cluster_scores and clone.discriminator.cluster_scores
    with pytest.raises(ValueError, match="cluster_weight=1"):
        helpers.tiny_dcgan(cluster_weight=1)
    with pytest.raises(ValueError, match="cluster_scores=True"):
        helpers.tiny_dcgan(cluster_scores=True)
    with pytest.raises(ValueError, match="cluster_weight=-2"):
        helpers.tiny_dcgan(latent_classes=2, cluster_weight=-2)
    with pytest.raises(ValueError, match="latent_classes=9"):
        helpers.tiny_dcgan(latent_classes=9)
    with pytest.raises(ValueError, match="info_weight=-1"):
        helpers.tiny_dcgan(latent_classes=2, info_weight=-1)


# Exports convert in a TensorFlow process on every backend: the TensorFlow
# session proves that the code's operations convert to TFLite builtins.
@pytest.mark.once
def test_a_coded_generator_exports_with_one_latent_input(tmp_path):
    from keras_gans.export import export_generator
    from keras_gans.export import load_artifact

    model = _code_model()
    export_generator(model, str(tmp_path))  # checks parity itself
    z = model.latents_for(4, seed=3)
    expected = helpers.to_numpy(model.sampling_generator(z))
    for path in (tmp_path / "saved_model", tmp_path / "generator.tflite"):
        artifact = load_artifact(str(path))
        assert artifact.kind == "generator" and artifact.num_classes is None
        np.testing.assert_allclose(artifact(z), expected, atol=1e-4)
