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
