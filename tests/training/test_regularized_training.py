"""Penalties, augmentation and loss choices through the base model's fit()."""

import keras
import numpy as np
import pytest

import keras_gans
from keras_gans.layers import DiffAugment
from tests import helpers
from tests.models import variant_checks


def _model(**overrides):
    model = helpers.tiny_dcgan(**overrides)
    model.compile()
    return model


def test_diff_augment_trains_both_players_and_advances_its_seed():
    model = _model(augment="translation,cutout,color")
    assert model.augment.policy == ("translation", "cutout", "color")
    seed_before = helpers.to_numpy(model.augment.seed_generator.state)
    variant_checks.check_fit_updates(model, steps=2)
    assert not np.array_equal(
        seed_before, helpers.to_numpy(model.augment.seed_generator.state)
    )


def test_adaptive_probability_is_logged_updated_and_resumed(tmp_path):
    augment = DiffAugment(probability=0.5, target=0.6, adjustment_images=640)
    model = _model(augment=augment)
    history = helpers.fit_steps(model, 3)
    assert "aug_p" in history.history
    # Each of the 3 D steps moves p up or down by batch / adjustment_images
    # = 8 / 640: an odd number of moves cannot return to 0.5.
    moves = (float(helpers.to_numpy(model.augment.probability)) - 0.5) / (8 / 640)
    assert np.isclose(moves, round(moves), atol=1e-4)
    assert round(moves) in (-3, -1, 1, 3)
    variant_checks.check_roundtrip_resumes(model, tmp_path)


def test_relativistic_loss_scores_reals_in_the_generator_phase():
    model = helpers.tiny_dcgan()
    model.compile(loss="relativistic_average")
    # The score bias cancels in D(real) - mean(D(fake)): its gradient is
    # zero up to rounding, which may or may not move it.
    variant_checks.check_fit_updates(model, steps=2, may_stay=("score/bias",))


@pytest.mark.parametrize("loss", ["hinge", "least_squares", "minimax"])
def test_every_registered_loss_trains_by_name(loss):
    model = helpers.tiny_dcgan()
    model.compile(loss=loss)
    assert model.gan_loss.name == loss
    assert type(model.gan_loss) is type(keras_gans.losses.get(loss))
    # Every weight and statistic of both players moves, both optimizers
    # count their steps. The hinge critic's score bias cancels between the
    # real and fake terms while every score is inside the margin.
    may_stay = ("score/bias",) if loss == "hinge" else ()
    variant_checks.check_fit_updates(model, steps=2, may_stay=may_stay)


def _twin(first, **overrides):
    second = helpers.tiny_dcgan(**overrides)
    second.set_weights(first.get_weights())
    second.compile(
        d_optimizer=keras.optimizers.SGD(0.5), g_optimizer=keras.optimizers.SGD(0.5)
    )
    return second


def _assert_same_discriminators(first, second):
    for a, b in zip(
        helpers.snapshot(first.discriminator.weights),
        helpers.snapshot(second.discriminator.weights),
    ):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def _differ(first, second):
    return any(
        not np.allclose(a, b, atol=1e-6)
        for a, b in zip(
            helpers.snapshot(first.discriminator.weights),
            helpers.snapshot(second.discriminator.weights),
        )
    )


def _d_iterations(model):
    return int(helpers.to_numpy(model.d_optimizer.iterations))


def test_lazy_r1_is_a_phase_of_its_own_weighted_by_its_interval():
    # StyleGAN2's lazy regularization: on due steps a separate
    # discriminator update on interval * gamma / 2 * R1; no cost otherwise.
    lazy = helpers.tiny_dcgan(d_batchnorm=False, r1_gamma=5.0, r1_interval=2)
    same_weight = _twin(lazy, d_batchnorm=False, r1_gamma=2.5, r1_interval=4)
    plain = _twin(lazy, d_batchnorm=False)
    lazy.compile(
        d_optimizer=keras.optimizers.SGD(0.5), g_optimizer=keras.optimizers.SGD(0.5)
    )
    assert [phase.name for phase in lazy.train_phases()] == [
        "discriminator", "discriminator_r1", "generator"
    ]
    first = helpers.random_images(8, lazy.image_shape, seed=1)
    second = helpers.random_images(8, lazy.image_shape, seed=2)
    # Step 0 is due for both lazy models: interval * gamma is 10 for each.
    for model in (lazy, same_weight, plain):
        helpers.fit_steps(model, 1, images=first)
    _assert_same_discriminators(lazy, same_weight)
    assert _differ(lazy, plain), "the penalty must change the due update"
    assert (_d_iterations(lazy), _d_iterations(plain)) == (2, 1)
    # Step 1 is not due: from the same weights, the lazy model takes only
    # the unpenalized step.
    plain.set_weights(lazy.get_weights())
    for model in (lazy, plain):
        helpers.fit_steps(model, 1, images=second)
    _assert_same_discriminators(lazy, plain)
    assert _d_iterations(lazy) == 3
    assert int(helpers.to_numpy(lazy.step_counter)) == 2


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"gp_weight": -1.0}, "gp_weight=-1.0"),
        ({"r1_gamma": "big"}, "r1_gamma='big'"),
        ({"r1_interval": 0}, "r1_interval=0"),
        ({"augment": 3}, "augment=3"),
        ({"clip_value": -0.01}, "clip_value=-0.01"),
        ({"augment": "flip"}, "policy"),
    ],
)
def test_invalid_regularizer_arguments_raise_naming_them(kwargs, match):
    with pytest.raises(ValueError, match=match):
        helpers.tiny_dcgan(**kwargs)
