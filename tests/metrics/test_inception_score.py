"""Tests of `inception_score` against hand-made distributions and scipy."""

import re

import numpy as np
import pytest
from scipy.stats import entropy

from keras_gans.metrics import inception_score

# Backend-independent: runs in one backend's session (tests/conftest.py).
pytestmark = pytest.mark.once


def reference_score(p, splits):
    """The original formula, KL per sample with scipy, one split at a time."""
    scores = []
    for part in np.array_split(p, splits):
        marginal = part.mean(axis=0)
        kl = [entropy(row, marginal) for row in part]
        scores.append(np.exp(np.mean(kl)))
    return np.mean(scores), np.std(scores)


def test_confident_and_even_predictions_score_the_class_count():
    p = np.eye(10)[np.arange(1000) % 10]
    mean, std = inception_score(p, splits=10)
    assert mean == pytest.approx(10.0) and std == pytest.approx(0.0, abs=1e-12)


def test_one_class_or_uniform_predictions_score_one():
    assert inception_score(np.eye(4)[np.zeros(50, int)], 5)[0] == pytest.approx(1)
    assert inception_score(np.full((50, 4), 0.25), 5)[0] == pytest.approx(1)


def test_matches_scipy_reference_on_random_softmax():
    rng = np.random.default_rng(0)
    logits = rng.normal(0, 3, (503, 7))
    p = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    mean, std = inception_score(p, splits=4)
    ref_mean, ref_std = reference_score(p, 4)
    assert mean == pytest.approx(ref_mean, rel=1e-10)
    assert std == pytest.approx(ref_std, rel=1e-8)
    assert 1.0 < mean < 7.0 and std > 0


def test_half_the_classes_score_half():
    # Confident predictions spread over 5 of 10 classes: IS = 5.
    p = np.eye(10)[np.arange(500) % 5]
    assert inception_score(p, splits=1)[0] == pytest.approx(5.0)


@pytest.mark.parametrize(
    "probabilities, splits, match",
    [
        (np.full((4,), 0.5), 1, "Received: probabilities='array of shape (4,)'"),
        (np.full((4, 2), 0.7), 1, "rows must sum to 1"),
        (np.array([[1.5, -0.5]] * 3), 1, "non-negative"),
        (np.array([[np.nan, 1.0]] * 3), 1, "finite"),
        (np.full((4, 2), 0.5), 5, "Received: splits=5"),
        (np.full((4, 2), 0.5), 0, "Received: splits=0"),
    ],
)
def test_bad_input_raises(probabilities, splits, match):
    with pytest.raises(ValueError, match=re.escape(match)):
        inception_score(probabilities, splits=splits)
