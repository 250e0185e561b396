"""Tests of `FeatureStatistics`."""

import numpy as np
import pytest

from keras_gans.metrics import FeatureStatistics

# Backend-independent: runs in one backend's session (tests/conftest.py).
pytestmark = pytest.mark.once


def test_streaming_equals_one_shot():
    rng = np.random.default_rng(0)
    # A large common offset: the textbook E[xx^T] - mu mu^T would lose
    # digits here; the shifted sums must not.
    features = rng.normal(size=(1000, 12)) * 0.5 + 1e4
    features[:, 3] = features[:, 0] * 2 + rng.normal(size=1000) * 0.01
    stats = FeatureStatistics()
    for start, stop in [(0, 1), (1, 250), (250, 251), (251, 1000)]:
        stats.update(features[start:stop])
    assert stats.count == 1000 and stats.dim == 12
    np.testing.assert_allclose(stats.mean, features.mean(axis=0), rtol=1e-12)
    expected = np.cov(features, rowvar=False)
    np.testing.assert_allclose(
        stats.covariance, expected, rtol=1e-9, atol=1e-12
    )
    assert stats.mean.dtype == np.float64
    assert stats.covariance.dtype == np.float64
    np.testing.assert_array_equal(stats.covariance, stats.covariance.T)


def test_float32_and_int_inputs_accumulate_in_float64():
    rng = np.random.default_rng(1)
    features = rng.normal(size=(300, 5)).astype("float32")
    stats = FeatureStatistics().update(features[:100]).update(features[100:])
    reference = features.astype(np.float64)
    np.testing.assert_allclose(stats.mean, reference.mean(0), rtol=1e-12)
    np.testing.assert_allclose(
        stats.covariance, np.cov(reference, rowvar=False), rtol=1e-10
    )
    ints = FeatureStatistics().update(np.arange(12).reshape(6, 2))
    np.testing.assert_allclose(ints.mean, [5.0, 6.0])


def test_from_features_and_empty_batch():
    rng = np.random.default_rng(2)
    features = rng.normal(size=(101, 4))
    stats = FeatureStatistics.from_features(features, batch_size=10)
    stats.update(np.zeros((0, 4)))
    assert stats.count == 101
    np.testing.assert_allclose(
        stats.covariance, np.cov(features, rowvar=False), rtol=1e-10
    )


@pytest.mark.parametrize(
    "features, match",
    [
        (np.zeros(5), "2-D"),
        (np.zeros((2, 3, 4)), "2-D"),
        (np.array([[1.0, np.nan]]), "NaN"),
        (np.array([[1.0, np.inf]]), "NaN"),
    ],
)
def test_bad_features_raise_naming_argument(features, match):
    with pytest.raises(ValueError, match=match) as info:
        FeatureStatistics().update(features)
    assert "Received: features=" in str(info.value)


def test_width_change_raises():
    stats = FeatureStatistics().update(np.zeros((3, 4)))
    with pytest.raises(ValueError, match="4 columns") as info:
        stats.update(np.zeros((3, 5)))
    assert "Received: features=" in str(info.value)


def test_too_few_samples_raise():
    stats = FeatureStatistics(dim=3)
    with pytest.raises(ValueError, match="count=0"):
        stats.mean
    stats.update(np.ones((1, 3)))
    np.testing.assert_array_equal(stats.mean, np.ones(3))
    with pytest.raises(ValueError, match="at least 2") as info:
        stats.covariance
    assert "Received: count=1" in str(info.value)


def test_bad_dim_raises():
    with pytest.raises(ValueError, match="Received: dim=0"):
        FeatureStatistics(dim=0)
