"""Mixed precision: every variant (latent GANs and translators) under
mixed_float16 and mixed_bfloat16.

Losses are computed in float32 and generator outputs are float32 whatever
the policy; under float16 every optimizer scales its own loss.
"""

import os

import keras
import numpy as np
import pytest
from keras import ops

import keras_gans
from keras_gans.training.precision import float32_copy
from tests import helpers

POLICIES = ("mixed_float16", "mixed_bfloat16")
COMPUTE_DTYPE = {"mixed_float16": "float16", "mixed_bfloat16": "bfloat16"}
VARIANTS = (
    "GAN", "DCGAN", "WGAN", "WGANGP", "LSGAN", "SNGAN", "SAGAN", "CGAN",
    "ACGAN",
)  # fmt: skip
TRANSLATORS = ("Pix2Pix", "CycleGAN", "DiscoGAN")
LSO = keras.optimizers.LossScaleOptimizer
# The loss scaling and float32 casts live in the drivers and
# keras_gans/training/precision.py, not per variant: every variant runs
# under float16 (the policy that scales losses) on TensorFlow; one latent,
# one conditional and one translator (Pix2Pix) represent them under float16 on every
# backend (the loss scaling is each driver's own code), and all three under
# bfloat16 on TensorFlow, DCGAN on the other backends (bfloat16 only casts:
# no backend-specific path beyond float16's).
FULL_MATRIX = ("tensorflow", "mixed_float16")
# Pix2Pix, not CycleGAN, represents the translators outside the full
# matrix: the same two loss-scaled optimizers, a quarter of the networks
# to trace or compile (CycleGAN cost JAX 22-26 s here).
REPRESENTATIVES = {
    "mixed_float16": ("DCGAN", "CGAN", "Pix2Pix"),
    "mixed_bfloat16": ("DCGAN", "CGAN", "Pix2Pix"),
}
if keras.backend.backend() != "tensorflow":
    REPRESENTATIVES["mixed_bfloat16"] = ("DCGAN",)


def precision_cases(names):
    """`(policy, name)` pairs this backend's session fits."""
    backend = keras.backend.backend()
    return [
        (policy, name)
        for policy in POLICIES
        for name in names
        if (backend, policy) == FULL_MATRIX
        or name in REPRESENTATIVES[policy]
    ]


@pytest.fixture
def policy(request):
    keras.config.set_dtype_policy(request.param)
    try:
        yield request.param
    finally:
        keras.config.set_dtype_policy("float32")


def build(name, **overrides):
    cls = getattr(keras_gans, name)
    if name == "GAN":
        return helpers.tiny_gan(**overrides)
    if cls in (keras_gans.CGAN, keras_gans.ACGAN):
        return helpers.tiny_conditional(cls, **overrides)
    if cls in (keras_gans.WGAN, keras_gans.WGANGP):
        overrides.setdefault("d_steps", 2)  # n_critic, small for speed
    return helpers.tiny_dcgan(cls, **overrides)


def dtype_of(tensor):
    return keras.backend.standardize_dtype(tensor.dtype)


def compute_dtypes(network):
    return {
        layer.dtype_policy.compute_dtype
        for layer in network._flatten_layers(include_self=False)
    }


def record_loss_dtypes(model):
    """Wraps the model's two losses to record their dtypes when `fit`
    traces (or, on torch, runs) the train step; returns the record."""
    dtypes = {}
    for name in ("discriminator_loss", "generator_loss"):

        def recorded(*args, _loss=getattr(model, name), _name=name):
            loss = _loss(*args)
            dtypes[_name] = dtype_of(loss)
            return loss

        setattr(model, name, recorded)
    return dtypes


def flat(variables):
    return np.concatenate([v.ravel() for v in helpers.snapshot(variables)])


@pytest.mark.parametrize(
    "policy, name", precision_cases(VARIANTS), indirect=["policy"]
)
def test_every_variant_fits_with_float32_losses_and_outputs(policy, name):
    model = build(name)
    model.compile()
    for network in (model.generator, model.discriminator):
        assert COMPUTE_DTYPE[policy] in compute_dtypes(network)
    labels = None
    if model.uses_labels:
        labels = ops.convert_to_tensor(
            helpers.cycling_labels(8, model.num_classes)
        )
    fakes = model.generate_batch(8, labels)
    assert dtype_of(fakes) == "float32"

    loss_dtypes = record_loss_dtypes(model)
    history = helpers.fit_steps(model, 1)
    assert loss_dtypes == {
        "discriminator_loss": "float32",
        "generator_loss": "float32",
    }
    for key, values in history.history.items():
        assert np.isfinite(values[-1]), (key, values)
    samples = model.generate(4, seed=0)
    assert samples.dtype == np.float32
    assert np.isfinite(samples).all()
    assert samples.min() >= -1.0 and samples.max() <= 1.0


@pytest.mark.parametrize(
    "policy, name", precision_cases(TRANSLATORS), indirect=["policy"]
)
def test_every_translator_fits_with_float32_losses_and_outputs(policy, name):
    model = helpers.tiny_translator(getattr(keras_gans, name))
    model.compile()
    expect_scaling = policy == "mixed_float16"
    assert isinstance(model.g_optimizer, LSO) == expect_scaling
    assert isinstance(model.d_optimizer, LSO) == expect_scaling
    for network in model.translators.values():
        assert COMPUTE_DTYPE[policy] in compute_dtypes(network)
    a, b = helpers.translation_pairs(8)
    a_batch, b_batch = model.unpack_batch((a[:4], b[:4]))
    assert dtype_of(a_batch) == dtype_of(b_batch) == "float32"

    loss_dtypes = record_loss_dtypes(model)
    history = model.fit(a, b, batch_size=4, epochs=1, verbose=0)
    assert loss_dtypes == {
        "discriminator_loss": "float32",
        "generator_loss": "float32",
    }
    for key, values in history.history.items():
        assert np.isfinite(values[-1]), (key, values)
    for direction, network in model.translators.items():
        assert dtype_of(network(a_batch, training=False)) == "float32"
        images = model.translate(a if direction == "a_to_b" else b, direction)
        assert images.dtype == np.float32
        assert np.isfinite(images).all()
        assert images.min() >= -1.0 and images.max() <= 1.0


@helpers.export_on_tensorflow_only
@pytest.mark.parametrize("policy", ["mixed_bfloat16"], indirect=True)
def test_mixed_precision_translator_exports_in_float32(policy, tmp_path):
    from keras_gans.export import export_translator
    from keras_gans.export import load_translator_artifact

    # Pix2Pix's U-Net (BatchNorm, skips): one translator to trace, where a
    # CycleGAN cost three times as long for the same export path.
    model = helpers.tiny_translator(keras_gans.Pix2Pix)
    model.compile()
    a, b = helpers.translation_pairs(8)
    model.fit(a, b, batch_size=4, epochs=1, verbose=0)
    network = model.translator("a_to_b")
    directory = os.path.join(str(tmp_path), "a_to_b")
    card = export_translator(network, directory, parity_images=a[:4])
    assert card["export_errors"]["saved_model_max_abs_error"] <= 1e-4
    assert card["export_errors"]["tflite_max_abs_error"] <= 1e-4
    tflite = load_translator_artifact(
        os.path.join(directory, "generator.tflite")
    )
    translated = tflite(a[4:])
    assert translated.dtype == np.float32
    expected = helpers.to_numpy(float32_copy(network)(a[4:], training=False))
    np.testing.assert_allclose(translated, expected, atol=1e-4)
    # The bfloat16 network itself is close to its float32 export, not equal.
    mixed = helpers.to_numpy(network(a[4:], training=False))
    np.testing.assert_allclose(mixed, expected, atol=0.1)


@pytest.mark.parametrize("policy", ["mixed_float16"], indirect=True)
def test_float16_gives_each_optimizer_its_own_loss_scale(policy):
    model = build("DCGAN")
    d_inner, g_inner = keras.optimizers.Adam(), keras.optimizers.Adam()
    model.compile(d_optimizer=d_inner, g_optimizer=g_inner)
    assert isinstance(model.optimizer, keras_gans.OptimizerGroup)
    assert isinstance(model.d_optimizer, LSO)
    assert isinstance(model.g_optimizer, LSO)
    assert model.d_optimizer.inner_optimizer is d_inner
    assert model.g_optimizer.inner_optimizer is g_inner
    scales = [model.d_optimizer.dynamic_scale, model.g_optimizer.dynamic_scale]
    assert scales[0] is not scales[1]
    # JAX's training state carries only `model.optimizer.variables`.
    group_ids = {id(v) for v in model.optimizer.variables}
    assert all(id(scale) in group_ids for scale in scales)


@pytest.mark.parametrize(
    "policy", ["float32", "mixed_bfloat16"], indirect=True
)
def test_no_loss_scaling_without_float16(policy):
    model = build("DCGAN")
    model.compile()
    assert not isinstance(model.d_optimizer, LSO)
    assert not isinstance(model.g_optimizer, LSO)


@pytest.mark.parametrize("policy", ["mixed_float16"], indirect=True)
def test_auto_scale_loss_false_turns_loss_scaling_off(policy, tmp_path):
    model = build("DCGAN")
    model.compile(auto_scale_loss=False)
    assert isinstance(model.optimizer, keras_gans.OptimizerGroup)
    assert not isinstance(model.d_optimizer, LSO)
    assert model.get_compile_config()["auto_scale_loss"] is False
    restored = helpers.save_and_reload(model, tmp_path)
    assert not isinstance(restored.d_optimizer, LSO)
    assert not isinstance(restored.g_optimizer, LSO)


def one_sgd_step(name, d_scale=None, g_scale=None):
    """Weight changes `(G, D)` of one SGD step at the current policy."""
    keras.utils.set_random_seed(0)
    model = build(name, d_steps=1)
    d_opt, g_opt = keras.optimizers.SGD(0.01), keras.optimizers.SGD(0.01)
    if d_scale:
        d_opt = LSO(d_opt, initial_scale=d_scale)
    if g_scale:
        g_opt = LSO(g_opt, initial_scale=g_scale)
    model.compile(d_optimizer=d_opt, g_optimizer=g_opt)
    networks = (model.generator, model.discriminator)
    before = [flat(n.trainable_variables) for n in networks]
    helpers.fit_steps(model, 1)
    after = [flat(n.trainable_variables) for n in networks]
    return [b - a for a, b in zip(before, after)], model


def test_mixed_precision_step_is_the_float32_step():
    # A loss scaled but its gradients not unscaled (or the reverse) would
    # change the step's length by the scale (16 here); bfloat16/float16
    # rounding changes it by a few percent. WGAN-GP's penalty adds input
    # gradients taken inside the scaled loss.
    name = "WGANGP"
    reference, _ = one_sgd_step(name)
    for policy in POLICIES:
        keras.config.set_dtype_policy(policy)
        try:
            scale = 16.0 if policy == "mixed_float16" else None
            steps, _ = one_sgd_step(name, d_scale=scale, g_scale=scale)
        finally:
            keras.config.set_dtype_policy("float32")
        for step, expected in zip(steps, reference):
            ratio = np.linalg.norm(step) / np.linalg.norm(expected)
            cosine = step @ expected / (
                np.linalg.norm(step) * np.linalg.norm(expected)
            )
            assert 0.9 < ratio < 1.1, (policy, ratio)
            assert cosine > 0.98, (policy, cosine)


@pytest.mark.parametrize("policy", ["mixed_float16"], indirect=True)
def test_an_overflow_skips_only_that_players_update(policy):
    # D's scale 2**30 makes its float16 gradients overflow: its update is
    # skipped and its scale halved, while G (scale 16) trains normally.
    (g_step, d_step), model = one_sgd_step(
        "DCGAN", d_scale=2.0**30, g_scale=16.0
    )
    assert np.abs(d_step).max() == 0.0
    assert np.abs(g_step).max() > 1e-4
    d_scale = helpers.to_numpy(model.d_optimizer.dynamic_scale)
    g_scale = helpers.to_numpy(model.g_optimizer.dynamic_scale)
    assert d_scale == 2.0**29
    assert g_scale == 16.0


@pytest.mark.parametrize("policy", ["mixed_float16"], indirect=True)
def test_float16_model_saves_and_resumes_with_its_loss_scales(
    policy, tmp_path
):
    from tests.models import variant_checks

    model = build("DCGAN", ema_decay=0.9)
    model.compile()
    variant_checks.check_roundtrip_resumes(model, tmp_path)
    restored = helpers.save_and_reload(model, tmp_path, "again.keras")
    assert isinstance(restored.d_optimizer, LSO)
    np.testing.assert_array_equal(
        helpers.to_numpy(restored.g_optimizer.dynamic_scale),
        helpers.to_numpy(model.g_optimizer.dynamic_scale),
    )


@pytest.mark.parametrize("policy", ["mixed_bfloat16"], indirect=True)
def test_float32_copy_has_the_weights_and_computes_in_float32(policy):
    model = build("SAGAN")  # spectral norm and attention: nested configs
    copy = float32_copy(model.generator)
    assert compute_dtypes(copy) == {"float32"}
    for a, b in zip(
        helpers.snapshot(model.generator.weights),
        helpers.snapshot(copy.weights),
    ):
        np.testing.assert_array_equal(a, b)
    z = model.latents_for(4, seed=0)
    mixed = helpers.to_numpy(model.generator(z, training=False))
    exact = helpers.to_numpy(copy(z, training=False))
    assert exact.dtype == np.float32
    # bfloat16 keeps 8 bits of mantissa: close, but not equal.
    np.testing.assert_allclose(mixed, exact, atol=0.05)
    assert float32_copy(copy) is copy


@pytest.mark.parametrize("policy", ["mixed_bfloat16"], indirect=True)
def test_mixed_precision_model_exports_in_float32(policy, tmp_path):
    from keras_gans.export import export_generator
    from keras_gans.export import load_generator_artifact

    model = build("DCGAN")
    model.compile()
    helpers.fit_steps(model, 1)
    directory = os.path.join(str(tmp_path), "export")
    card = export_generator(model, directory)
    assert card["export_errors"]["saved_model_max_abs_error"] <= 1e-4
    assert card["export_errors"]["tflite_max_abs_error"] <= 1e-4
    path = os.path.join(directory, "generator.tflite")
    tflite = load_generator_artifact(path)
    samples = tflite.sample(4, seed=3)
    assert samples.dtype == np.float32
    exact = float32_copy(model.sampling_generator)
    expected = helpers.to_numpy(exact(model.latents_for(4, seed=3)))
    np.testing.assert_allclose(samples, expected, atol=1e-4)


def test_group_members_are_wrapped_only_before_they_are_built():
    group = keras_gans.OptimizerGroup(
        {"discriminator": keras.optimizers.SGD(), "generator": "adam"}
    )
    with pytest.raises(KeyError, match="critic"):
        group.replace_member("critic", keras.optimizers.SGD())
    group.build_member("generator", [keras.Variable(np.zeros(2))])
    with pytest.raises(ValueError, match="already built.*LossScaleOptimizer"):
        group.replace_member("generator", LSO(group["generator"]))
    wrapped = LSO(group["discriminator"])
    group.replace_member("discriminator", wrapped)
    assert group["discriminator"] is wrapped
