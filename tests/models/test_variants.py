"""The DCGAN-family variants: WGAN, WGANGP, LSGAN, SNGAN and SAGAN."""

import keras
import numpy as np
import pytest

import keras_gans
from keras_gans.layers import SelfAttention
from keras_gans.layers import SpectralNormalization
from tests import helpers

TINY = helpers.TINY_DCGAN
VARIANTS = [
    keras_gans.WGAN,
    keras_gans.WGANGP,
    keras_gans.LSGAN,
    keras_gans.SNGAN,
    keras_gans.SAGAN,
]


def _tiny(cls, **overrides):
    if cls in (keras_gans.WGAN, keras_gans.WGANGP):
        overrides.setdefault("d_steps", 2)  # n_critic, kept small for speed
    model = helpers.tiny_dcgan(cls, **overrides)
    model.compile()
    return model


@pytest.mark.parametrize(
    "cls, loss, d_optimizer, d_lr, g_lr, betas",
    [
        (keras_gans.WGAN, "WassersteinLoss", "RMSprop", 5e-5, 5e-5, None),
        (keras_gans.WGANGP, "WassersteinLoss", "Adam", 1e-4, 1e-4, (0.0, 0.9)),
        (keras_gans.LSGAN, "LeastSquaresLoss", "Adam", 2e-4, 2e-4, (0.5, 0.999)),
        (keras_gans.SNGAN, "HingeLoss", "Adam", 2e-4, 2e-4, (0.5, 0.999)),
        (keras_gans.SAGAN, "HingeLoss", "Adam", 4e-4, 1e-4, (0.0, 0.9)),
    ],
    ids=lambda v: getattr(v, "__name__", None),
)
def test_auto_compile_uses_the_papers_settings(
    cls, loss, d_optimizer, d_lr, g_lr, betas
):
    model = _tiny(cls)
    assert type(model.gan_loss).__name__ == loss
    assert type(model.d_optimizer).__name__ == d_optimizer
    np.testing.assert_allclose(
        helpers.to_numpy(model.d_optimizer.learning_rate), d_lr
    )
    np.testing.assert_allclose(
        helpers.to_numpy(model.g_optimizer.learning_rate), g_lr
    )
    if betas is not None:
        assert (model.d_optimizer.beta_1, model.d_optimizer.beta_2) == betas
        assert (model.g_optimizer.beta_1, model.g_optimizer.beta_2) == betas


def test_paper_defaults_of_the_critics():
    wgan = keras_gans.WGAN()
    assert (wgan.d_steps, wgan.clip_value) == (5, 0.01)
    wgan_gp = keras_gans.WGANGP()
    assert (wgan_gp.d_steps, wgan_gp.gp_weight) == (5, 10.0)
    assert not helpers.layers_of(
        wgan_gp.discriminator, keras.layers.BatchNormalization
    ), "a gradient-penalty critic has no BatchNorm"


def test_wgan_clips_every_critic_weight_after_each_update():
    model = _tiny(keras_gans.WGAN, clip_value=0.005)
    helpers.fit_steps(model, 2)
    for variable in model.discriminator.trainable_variables:
        values = helpers.to_numpy(variable)
        assert np.abs(values).max() <= 0.005 + 1e-7, variable.path
    assert any(
        np.isclose(np.abs(helpers.to_numpy(v)).max(), 0.005)
        for v in model.discriminator.trainable_variables
    ), "some weights should sit at the clipping bound"


def test_wgan_gp_logs_its_penalty_and_rejects_batchnorm():
    model = _tiny(keras_gans.WGANGP)
    history = helpers.fit_steps(model, 2)
    assert history.history["gp"][-1] > 0
    with pytest.raises(ValueError, match="d_batchnorm=True"):
        keras_gans.WGANGP(d_batchnorm=True)
    with pytest.raises(ValueError, match="gp_weight=0"):
        keras_gans.WGANGP(gp_weight=0)


def test_a_large_gradient_penalty_drives_critic_gradients_to_unit_norm():
    # Only the penalty's gradient w.r.t. the critic weights (double
    # backprop through the driver) can lower it.
    model = _tiny(keras_gans.WGANGP, gp_weight=100.0, d_steps=4)
    model.compile(d_optimizer=keras.optimizers.Adam(1e-2))
    first = helpers.fit_steps(model, 1).history["gp"][-1]
    last = helpers.fit_steps(model, 6).history["gp"][-1]
    assert last < 0.2 * first, (first, last)


def test_sngan_and_sagan_wrap_the_weight_layers():
    sngan = keras_gans.SNGAN(**TINY)
    assert len(helpers.layers_of(sngan.discriminator, SpectralNormalization)) == 3
    assert not helpers.layers_of(sngan.generator, SpectralNormalization)
    sagan = keras_gans.SAGAN(image_shape=(28, 28, 1))
    assert sagan.attention_resolution == 14
    for network in (sagan.generator, sagan.discriminator):
        (attention,) = helpers.layers_of(network, SelfAttention)
        assert attention.input.shape[1] == 14
        assert helpers.layers_of(network, SpectralNormalization)


def test_spectral_norm_vectors_train_and_track_the_largest_singular_value():
    # On JAX the power-iteration vector only survives fit() as part of the
    # stateless training state; this catches a layer that drops it.
    model = _tiny(keras_gans.SNGAN)
    layers = helpers.layers_of(model.discriminator, SpectralNormalization)
    before = [helpers.to_numpy(layer.vector_u) for layer in layers]
    helpers.fit_steps(model, 12)
    for layer, old in zip(layers, before):
        if old.size > 1:  # a 1-wide layer's vector is the constant ±1
            assert not np.allclose(helpers.to_numpy(layer.vector_u), old)
        kernel = helpers.to_numpy(layer.layer.kernel)
        sigma = np.linalg.svd(kernel.reshape(-1, kernel.shape[-1]))[1][0]
        np.testing.assert_allclose(
            helpers.to_numpy(layer.spectral_norm_estimate()), sigma, rtol=0.05
        )


def test_sagan_attention_resolution_is_validated():
    with pytest.raises(ValueError, match="attention_resolution=5"):
        keras_gans.SAGAN(image_shape=(28, 28, 1), attention_resolution=5)


def test_variant_configs_round_trip():
    for cls in VARIANTS:
        model = cls(**TINY)
        clone = cls.from_config(model.get_config())
        assert clone.get_config() == model.get_config()
        assert keras.saving.get_registered_name(cls) == f"keras_gans>{cls.__name__}"

