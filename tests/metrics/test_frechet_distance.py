"""Tests of `frechet_distance` against an independent computation."""

import importlib

import numpy as np
import pytest

from keras_gans.metrics import FeatureStatistics
from keras_gans.metrics import frechet_distance

# Backend-independent: runs in one backend's session (tests/conftest.py).
pytestmark = pytest.mark.once

# The package exports the function under the module's name.
frechet_module = importlib.import_module("keras_gans.metrics.frechet_distance")


def reference_distance(mu1, sigma1, mu2, sigma2):
    """FID via symmetric eigendecompositions only (no sqrtm).

    Tr sqrtm(S1 S2) = Tr sqrtm(S1^1/2 S2 S1^1/2), and the latter matrix
    is symmetric positive semi-definite, so its square root's trace is the
    sum of the square roots of its eigenvalues.
    """
    values, vectors = np.linalg.eigh(sigma1)
    root1 = (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T
    inner = root1 @ sigma2 @ root1
    trace_sqrt = np.sum(np.sqrt(np.clip(np.linalg.eigvalsh(inner), 0, None)))
    diff = mu1 - mu2
    return diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2 * trace_sqrt


def gaussian_features(seed, n=2000, dim=16, shift=0.0, scale=1.0):
    rng = np.random.default_rng(seed)
    mixing = rng.normal(size=(dim, dim)) / np.sqrt(dim)
    return rng.normal(size=(n, dim)) @ mixing * scale + shift


def moments(features):
    return features.mean(axis=0), np.cov(features, rowvar=False)


@pytest.mark.parametrize("shift, scale", [(0.0, 1.0), (0.3, 1.5), (2.0, 0.2)])
def test_matches_independent_computation(shift, scale):
    a = gaussian_features(0)
    b = gaussian_features(1, shift=shift, scale=scale)
    expected = reference_distance(*moments(a), *moments(b))
    from_tuples = frechet_distance(moments(a), moments(b))
    from_stats = frechet_distance(
        FeatureStatistics().update(a), FeatureStatistics().update(b)
    )
    assert isinstance(from_tuples, float)
    np.testing.assert_allclose(from_tuples, expected, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(from_stats, expected, rtol=1e-7, atol=1e-9)


def test_same_distribution_is_zero():
    a = FeatureStatistics().update(gaussian_features(0))
    distance = frechet_distance(a, a)
    assert 0.0 <= distance < 1e-6
    mu, sigma = moments(gaussian_features(3))
    assert frechet_distance((mu, sigma), (mu.copy(), sigma.copy())) < 1e-6


def test_grows_with_shift():
    a = FeatureStatistics().update(gaussian_features(0))
    distances = [
        frechet_distance(
            a, FeatureStatistics().update(gaussian_features(1, shift=s))
        )
        for s in (0.0, 0.25, 0.5, 1.0, 2.0)
    ]
    assert distances == sorted(distances)
    # Shifting every one of 16 dimensions by 2 adds ~16 * 2**2 = 64.
    assert 60 < distances[-1] - distances[0] < 68


def test_rank_deficient_covariances_are_finite_and_non_negative():
    # Fewer samples than dimensions: singular covariances.
    a = gaussian_features(0, n=10, dim=32)
    b = gaussian_features(1, n=12, dim=32)
    with np.errstate(all="ignore"):
        distance = frechet_distance(moments(a), moments(b))
    assert np.isfinite(distance) and distance >= 0
    expected = reference_distance(*moments(a), *moments(b))
    np.testing.assert_allclose(distance, expected, rtol=1e-3)


def test_non_finite_sqrtm_retries_with_eps(monkeypatch):
    real_sqrtm = frechet_module.scipy.linalg.sqrtm
    calls = []

    def flaky_sqrtm(matrix):
        calls.append(matrix.copy())
        if len(calls) == 1:
            return np.full_like(matrix, np.nan)
        return real_sqrtm(matrix)

    monkeypatch.setattr(frechet_module.scipy.linalg, "sqrtm", flaky_sqrtm)
    mu, sigma = moments(gaussian_features(0, dim=4))
    with pytest.warns(RuntimeWarning, match="eps"):
        distance = frechet_distance((mu, sigma), (mu, sigma), eps=1e-6)
    assert len(calls) == 2
    offset = sigma + np.eye(4) * 1e-6
    np.testing.assert_allclose(calls[1], offset @ offset)
    assert 0.0 <= distance < 1e-5


def test_clips_tiny_negative_to_zero(monkeypatch):
    mu = np.zeros(2)
    sigma = np.eye(2)
    # A square root whose trace exceeds the true one by rounding.
    monkeypatch.setattr(
        frechet_module.scipy.linalg,
        "sqrtm",
        lambda matrix: np.eye(2) * (1 + 1e-12),
    )
    assert frechet_distance((mu, sigma), (mu, sigma)) == 0.0


def test_large_imaginary_part_raises():
    mu = np.zeros(2)
    not_psd = np.diag([1.0, -1.0])  # sqrtm(diag(1, -1)) = diag(1, i)
    with pytest.raises(ValueError, match="imaginary"):
        frechet_distance((mu, not_psd), (mu, np.eye(2)))


def test_negligible_imaginary_part_is_dropped(monkeypatch):
    mu = np.zeros(2)
    monkeypatch.setattr(
        frechet_module.scipy.linalg,
        "sqrtm",
        lambda matrix: np.eye(2) + 1e-9j,
    )
    assert frechet_distance((mu, np.eye(2)), (mu, np.eye(2))) == 0.0


@pytest.mark.parametrize(
    "stats_a, match, name",
    [
        ("not stats", "FeatureStatistics or a", "stats_a"),
        ((np.zeros(3), np.eye(2)), "shapes", "stats_a"),
        ((np.zeros((3, 1)), np.eye(3)), "shapes", "stats_a"),
        ((np.array([np.nan, 0, 0]), np.eye(3)), "NaN", "stats_a"),
        (FeatureStatistics().update(np.zeros((1, 3))), "at least 2", "stats_a"),
    ],
)
def test_bad_arguments_raise_naming_argument(stats_a, match, name):
    with pytest.raises(ValueError, match=match) as info:
        frechet_distance(stats_a, (np.zeros(3), np.eye(3)))
    assert f"Received: {name}=" in str(info.value)


def test_dimension_mismatch_raises():
    with pytest.raises(ValueError, match="same feature dimension") as info:
        frechet_distance((np.zeros(3), np.eye(3)), (np.zeros(4), np.eye(4)))
    assert "stats_a=" in str(info.value) and "stats_b=" in str(info.value)


def test_bad_eps_raises():
    with pytest.raises(ValueError, match="Received: eps=0"):
        frechet_distance(
            (np.zeros(2), np.eye(2)), (np.zeros(2), np.eye(2)), eps=0
        )
