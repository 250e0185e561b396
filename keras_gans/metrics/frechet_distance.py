"""`frechet_distance`: the Frechet distance between two Gaussians (FID)."""

import warnings

import numpy as np
import scipy.linalg

from keras_gans.metrics.feature_statistics import FeatureStatistics
from keras_gans.utils.validation import format_received

# Largest imaginary part (relative to the square root's scale) accepted in
# sqrtm(S1 S2) before the result is considered wrong rather than rounding.
_IMAGINARY_TOLERANCE = 1e-3


def frechet_distance(stats_a, stats_b, eps=1e-6):
    """Frechet distance between two feature distributions (the "FID").

    Treats each feature set as a Gaussian with its mean and covariance and
    returns

        ||mu_a - mu_b||^2 + Tr(S_a + S_b - 2 sqrtm(S_a S_b))

    computed in float64 with `scipy.linalg.sqrtm`. When the product of the
    covariances is singular enough that the square root is not finite,
    `eps` is added to both diagonals and the square root is taken again.
    A negligible imaginary part of the square root (rounding) is dropped.
    The result is never negative: rounding below zero is clipped to 0.

    The value depends on the feature network and on the number of samples
    (it is biased upwards for small sets): compare only numbers computed
    with the same extractor and the same sample counts.

    Args:
        stats_a: a `FeatureStatistics`, or a `(mean, covariance)` tuple of
            a `(dim,)` vector and a `(dim, dim)` matrix.
        stats_b: the same for the other distribution.
        eps: diagonal offset used only when the plain square root fails.

    Returns:
        The distance as a Python float >= 0.

    Raises:
        ValueError: if an argument is neither kind, the shapes disagree or
            are wrong, a value is not finite, a `FeatureStatistics` has
            fewer than 2 samples, or the square root has a large imaginary
            part (the covariances are not valid covariance matrices).

    Example:

    >>> rng = np.random.default_rng(0)
    >>> a = FeatureStatistics().update(rng.normal(size=(1000, 4)))
    >>> b = FeatureStatistics().update(rng.normal(1.0, size=(1000, 4)))
    >>> round(frechet_distance(a, a), 6), frechet_distance(a, b) > 3.5
    (0.0, True)
    """
    mu_a, sigma_a = _as_moments("stats_a", stats_a)
    mu_b, sigma_b = _as_moments("stats_b", stats_b)
    if mu_a.shape != mu_b.shape:
        raise ValueError(
            "`stats_a` and `stats_b` must have the same feature dimension. "
            + format_received(
                stats_a=f"dim {mu_a.shape[0]}", stats_b=f"dim {mu_b.shape[0]}"
            )
        )
    if not isinstance(eps, (float, int)) or not eps > 0:
        raise ValueError(
            "`eps` must be a positive number. " + format_received(eps=eps)
        )
    diff = mu_a - mu_b
    covmean = _sqrtm(sigma_a @ sigma_b)
    if not np.all(np.isfinite(covmean)):
        warnings.warn(
            "frechet_distance: sqrtm(S_a S_b) is not finite (singular "
            f"covariance product); adding eps={eps} to the diagonals.",
            RuntimeWarning,
            stacklevel=2,
        )
        offset = np.eye(len(mu_a)) * eps
        covmean = _sqrtm((sigma_a + offset) @ (sigma_b + offset))
        if not np.all(np.isfinite(covmean)):
            raise ValueError(
                "sqrtm(S_a S_b) is not finite even with `eps` added to the "
                "diagonals; the covariances are degenerate. "
                + format_received(eps=eps)
            )
    if np.iscomplexobj(covmean):
        scale = max(1.0, float(np.max(np.abs(covmean.real))))
        largest = float(np.max(np.abs(covmean.imag)))
        if largest > _IMAGINARY_TOLERANCE * scale:
            raise ValueError(
                "sqrtm(S_a S_b) has a large imaginary part (largest "
                f"{largest:.3g}, real part up to {scale:.3g}): the "
                "covariances are not symmetric positive semi-definite, or "
                "are too ill-conditioned for this feature dimension (use "
                "more samples than feature dimensions). "
                + format_received(stats_a=_summary(mu_a, sigma_a),
                                  stats_b=_summary(mu_b, sigma_b))
            )
        covmean = covmean.real
    distance = (
        float(diff @ diff)
        + float(np.trace(sigma_a))
        + float(np.trace(sigma_b))
        - 2.0 * float(np.trace(covmean))
    )
    return max(distance, 0.0)


def _sqrtm(matrix):
    with warnings.catch_warnings():
        # Singular products are handled by the caller (eps retry).
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            return scipy.linalg.sqrtm(matrix)
        except (ValueError, np.linalg.LinAlgError):
            return np.full_like(matrix, np.nan)


def _as_moments(name, stats):
    """`(mean, covariance)` in float64 from either accepted kind."""
    if isinstance(stats, FeatureStatistics):
        if stats.count < 2:
            raise ValueError(
                f"`{name}` needs at least 2 feature vectors for a "
                f"covariance. " + format_received(**{name: stats})
            )
        return stats.mean, stats.covariance
    if not isinstance(stats, (tuple, list)) or len(stats) != 2:
        raise ValueError(
            f"`{name}` must be a FeatureStatistics or a (mean, covariance) "
            "tuple. " + format_received(**{name: _short(stats)})
        )
    try:
        mu = np.asarray(stats[0], dtype=np.float64)
        sigma = np.asarray(stats[1], dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            f"`{name}` must hold numeric arrays (mean, covariance). "
            + format_received(**{name: _short(stats)})
        ) from None
    if mu.ndim != 1 or mu.shape[0] == 0 or sigma.shape != mu.shape * 2:
        raise ValueError(
            f"`{name}` must be a (mean, covariance) pair of shapes (dim,) "
            f"and (dim, dim). "
            + format_received(
                **{name: f"shapes {mu.shape} and {sigma.shape}"}
            )
        )
    if not (np.all(np.isfinite(mu)) and np.all(np.isfinite(sigma))):
        raise ValueError(
            f"`{name}` contains NaN or infinite values. "
            + format_received(**{name: _summary(mu, sigma)})
        )
    return mu, sigma


def _summary(mu, sigma):
    return f"mean {mu.shape}, covariance {sigma.shape}"


def _short(value):
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
