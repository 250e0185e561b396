import os

import numpy as np
import pytest

import keras_gans
from keras_gans.export import load_generator_artifact
from tests import helpers


def _ema_model(decay=0.9):
    model = helpers.tiny_dcgan(ema_decay=decay)
    model.compile()
    return model


def test_ema_starts_as_the_generator_and_is_not_trained():
    model = _ema_model()
    for a, b in zip(
        helpers.snapshot(model.generator.weights),
        helpers.snapshot(model.ema_generator.weights),
    ):
        np.testing.assert_array_equal(a, b)
    trainable = {id(v) for v in model.trainable_variables}
    assert not any(id(v) in trainable for v in model.ema_generator.weights)


def test_one_step_applies_the_ema_formula():
    model = _ema_model(decay=0.9)
    before = helpers.snapshot(model.generator.weights)
    helpers.fit_steps(model, 1)
    after = helpers.snapshot(model.generator.weights)
    averaged = helpers.snapshot(model.ema_generator.weights)
    for variable, old, new, ema in zip(
        model.generator.weights, before, after, averaged
    ):
        if variable.trainable:
            np.testing.assert_allclose(ema, 0.9 * old + 0.1 * new, atol=1e-6)
            assert not np.allclose(ema, new)
        else:  # BatchNorm statistics are copied
            np.testing.assert_allclose(ema, new, atol=1e-7)


def test_generate_uses_the_ema_generator():
    model = _ema_model()
    helpers.fit_steps(model, 2)
    z = model.latents_for(3, seed=0)
    expected = helpers.to_numpy(model.ema_generator(z, training=False))
    raw = helpers.to_numpy(model.generator(z, training=False))
    np.testing.assert_allclose(model.generate(3, seed=0), expected, atol=1e-6)
    assert not np.allclose(expected, raw)


def test_save_load_restores_the_ema_weights(tmp_path):
    model = _ema_model()
    helpers.fit_steps(model, 2)
    restored = helpers.save_and_reload(model, tmp_path)
    assert restored.ema_decay == 0.9
    for a, b in zip(
        helpers.snapshot(model.ema_generator.weights),
        helpers.snapshot(restored.ema_generator.weights),
    ):
        np.testing.assert_array_equal(a, b)


@helpers.export_on_tensorflow_only
def test_export_ships_the_ema_generator(tmp_path):
    model = _ema_model()
    helpers.fit_steps(model, 2)
    directory = str(tmp_path / "export")
    keras_gans.export.export_generator(model, directory)
    tflite = load_generator_artifact(os.path.join(directory, "generator.tflite"))
    np.testing.assert_allclose(
        tflite.sample(4, seed=1), model.generate(4, seed=1), atol=1e-4
    )


@pytest.mark.parametrize("decay", [0.0, 1.0, -0.5, True, "0.9"])
def test_bad_decay_raises_naming_it(decay):
    with pytest.raises(ValueError, match="ema_decay="):
        helpers.tiny_dcgan(ema_decay=decay)


def test_half_life_schedule_ramps_up_as_stylegan2_ada():
    # beta = 0.5 ** (batch / min(half_life, images_seen * rampup)).
    ema = keras_gans.EMA(half_life_kimg=10, rampup=0.05)
    batch = 32
    for seen in (0, 3200, 10**6):
        half_life = min(10_000.0, seen * 0.05)
        expected = 0.5 ** (batch / max(half_life, 1e-8))
        beta = float(helpers.to_numpy(ema.beta(seen, batch)))
        np.testing.assert_allclose(beta, expected, rtol=1e-5)
    assert float(helpers.to_numpy(ema.beta(0, batch))) == 0.0  # a copy
    constant = keras_gans.EMA(half_life_kimg=10)
    np.testing.assert_allclose(
        float(helpers.to_numpy(constant.beta(0, batch))),
        0.5 ** (batch / 10_000),
        rtol=1e-6,
    )


def test_ramped_ema_copies_the_generator_on_the_first_step_then_lags():
    model = helpers.tiny_dcgan(ema=keras_gans.EMA(half_life_kimg=0.01, rampup=0.5))
    model.compile()
    helpers.fit_steps(model, 1)  # 0 images seen: beta = 0
    for a, b in zip(
        helpers.snapshot(model.generator.weights),
        helpers.snapshot(model.ema_generator.weights),
    ):
        np.testing.assert_allclose(a, b, atol=1e-7)
    before = helpers.snapshot(model.ema_generator.weights)
    helpers.fit_steps(model, 1)  # 8 images seen: half-life 4, beta 0.25
    after = helpers.snapshot(model.generator.weights)
    for variable, old, new, ema in zip(
        model.generator.weights,
        before,
        after,
        helpers.snapshot(model.ema_generator.weights),
    ):
        if variable.trainable:
            np.testing.assert_allclose(ema, 0.25 * old + 0.75 * new, atol=1e-6)


def test_ema_object_and_shortcut_round_trip_in_the_config():
    model = helpers.tiny_dcgan(ema=keras_gans.EMA(half_life_kimg=2, rampup=0.1))
    config = model.get_config()
    assert config["ema_decay"] is None
    clone = type(model).from_config(config)
    assert (clone.ema.half_life_kimg, clone.ema.rampup) == (2.0, 0.1)
    shortcut = helpers.tiny_dcgan(ema_decay=0.99)
    assert shortcut.get_config()["ema"] is None
    assert type(shortcut).from_config(shortcut.get_config()).ema.decay == 0.99


@pytest.mark.once
@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"decay": 0.9, "half_life_kimg": 10}, "not both"),
        ({"decay": 1.0}, "decay=1.0"),
        ({"half_life_kimg": -1}, "half_life_kimg=-1"),
        ({"rampup": 0.05}, "rampup=0.05"),
    ],
)
def test_bad_ema_arguments_raise_naming_them(kwargs, match):
    with pytest.raises(ValueError, match=match):
        keras_gans.EMA(**kwargs)


def test_ema_and_its_shortcut_together_raise():
    with pytest.raises(ValueError, match="not both"):
        helpers.tiny_dcgan(ema=keras_gans.EMA(), ema_decay=0.9)
