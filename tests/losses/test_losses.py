import numpy as np
import pytest

from keras_gans import losses
from tests.helpers import to_numpy

REAL = np.array([[2.0], [-1.0], [0.5]], "float32")
FAKE = np.array([[-3.0], [0.0], [1.5]], "float32")


def _log_sigmoid(x):
    return -np.log1p(np.exp(-x))


def test_non_saturating_matches_hand_computation():
    loss = losses.get("non_saturating")
    d_expected = -np.mean(_log_sigmoid(REAL)) - np.mean(
        np.log(1 - 1 / (1 + np.exp(-FAKE)))
    )
    g_expected = -np.mean(_log_sigmoid(FAKE))
    np.testing.assert_allclose(
        to_numpy(loss.discriminator_loss(REAL, FAKE)), d_expected, rtol=1e-5
    )
    np.testing.assert_allclose(
        to_numpy(loss.generator_loss(FAKE)), g_expected, rtol=1e-5
    )


def test_one_sided_label_smoothing_targets_real_only():
    loss = losses.NonSaturatingLoss(label_smoothing=0.1)
    p_real = 1 / (1 + np.exp(-REAL))
    expected = -np.mean(0.9 * np.log(p_real) + 0.1 * np.log(1 - p_real))
    expected += -np.mean(np.log(1 - 1 / (1 + np.exp(-FAKE))))
    np.testing.assert_allclose(
        to_numpy(loss.discriminator_loss(REAL, FAKE)), expected, rtol=1e-5
    )


def test_minimax_generator_loss():
    loss = losses.get("minimax")
    expected = np.mean(np.log(1 - 1 / (1 + np.exp(-FAKE))))
    np.testing.assert_allclose(
        to_numpy(loss.generator_loss(FAKE)), expected, rtol=1e-5
    )


def test_get_rejects_unknown_names_listing_known_ones():
    with pytest.raises(ValueError, match="non_saturating.*Received: loss='nope'"):
        losses.get("nope")


def test_label_smoothing_range():
    with pytest.raises(ValueError, match="label_smoothing=1.0"):
        losses.NonSaturatingLoss(label_smoothing=1.0)


def _bce(logits, target):
    p = 1 / (1 + np.exp(-logits))
    return -np.mean(target * np.log(p) + (1 - target) * np.log(1 - p))


def test_wasserstein_matches_hand_computation():
    loss = losses.get("wasserstein")
    np.testing.assert_allclose(
        to_numpy(loss.discriminator_loss(REAL, FAKE)),
        FAKE.mean() - REAL.mean(),
        rtol=1e-6,
    )
    np.testing.assert_allclose(
        to_numpy(loss.generator_loss(FAKE)), -FAKE.mean(), rtol=1e-6
    )


def test_least_squares_matches_hand_computation():
    loss = losses.get("least_squares")
    d_expected = 0.5 * np.mean((REAL - 1) ** 2) + 0.5 * np.mean(FAKE**2)
    g_expected = 0.5 * np.mean((FAKE - 1) ** 2)
    np.testing.assert_allclose(
        to_numpy(loss.discriminator_loss(REAL, FAKE)), d_expected, rtol=1e-6
    )
    np.testing.assert_allclose(
        to_numpy(loss.generator_loss(FAKE)), g_expected, rtol=1e-6
    )


def test_least_squares_custom_codes():
    loss = losses.LeastSquaresLoss(-1.0, 1.0, 0.0)
    d_expected = 0.5 * np.mean((REAL - 1) ** 2) + 0.5 * np.mean((FAKE + 1) ** 2)
    np.testing.assert_allclose(
        to_numpy(loss.discriminator_loss(REAL, FAKE)), d_expected, rtol=1e-6
    )
    np.testing.assert_allclose(
        to_numpy(loss.generator_loss(FAKE)), 0.5 * np.mean(FAKE**2), rtol=1e-6
    )


def test_hinge_matches_hand_computation():
    loss = losses.get("hinge")
    # real: relu(1-2)=0, relu(2)=2, relu(0.5)=0.5; fake: relu(-2)=0, 1, 2.5
    np.testing.assert_allclose(
        to_numpy(loss.discriminator_loss(REAL, FAKE)),
        (0 + 2 + 0.5) / 3 + (0 + 1 + 2.5) / 3,
        rtol=1e-6,
    )
    np.testing.assert_allclose(
        to_numpy(loss.generator_loss(FAKE)), -FAKE.mean(), rtol=1e-6
    )


def test_relativistic_average_matches_hand_computation():
    loss = losses.get("relativistic_average")
    assert loss.generator_needs_real
    relative_real = REAL - FAKE.mean()
    relative_fake = FAKE - REAL.mean()
    d_expected = _bce(relative_real, 1.0) + _bce(relative_fake, 0.0)
    g_expected = _bce(relative_fake, 1.0) + _bce(relative_real, 0.0)
    np.testing.assert_allclose(
        to_numpy(loss.discriminator_loss(REAL, FAKE)), d_expected, rtol=1e-5
    )
    np.testing.assert_allclose(
        to_numpy(loss.generator_loss(FAKE, REAL)), g_expected, rtol=1e-5
    )
    with pytest.raises(ValueError, match="real_scores=None"):
        loss.generator_loss(FAKE)


def test_relativistic_label_smoothing_targets_real_only():
    loss = losses.RelativisticAverageLoss(label_smoothing=0.2)
    relative_real = REAL - FAKE.mean()
    relative_fake = FAKE - REAL.mean()
    expected = _bce(relative_real, 0.8) + _bce(relative_fake, 0.0)
    np.testing.assert_allclose(
        to_numpy(loss.discriminator_loss(REAL, FAKE)), expected, rtol=1e-5
    )


def test_registry_lists_every_loss_of_the_family():
    assert losses.available() == sorted(
        [
            "hinge",
            "least_squares",
            "minimax",
            "non_saturating",
            "relativistic_average",
            "wasserstein",
        ]
    )


@pytest.mark.parametrize("name", losses.available())
def test_losses_serialize_with_their_arguments(name):
    import keras

    loss = losses.get(name)
    if name == "least_squares":
        loss = losses.LeastSquaresLoss(-1.0, 1.0, 0.0)
    config = keras.saving.serialize_keras_object(loss)
    restored = losses.get(config)
    assert type(restored) is type(loss)
    assert restored.get_config() == loss.get_config()
