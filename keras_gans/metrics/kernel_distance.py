"""`kernel_distance`: the Kernel Inception Distance (KID) of two feature sets."""

import numpy as np
from sklearn.metrics.pairwise import polynomial_kernel

from keras_gans.metrics.feature_checks import check_feature_pair
from keras_gans.utils.validation import check_positive_int


def kernel_distance(
    features_a, features_b, num_subsets=100, subset_size=1000, seed=0
):
    """Unbiased MMD² with the cubic polynomial kernel (Bińkowski et al. 2018).

    With `k(x, y) = (x·y / d + 1)^3`, each of `num_subsets` random subsets
    of `m = min(subset_size, len(a), len(b))` vectors per set gives the
    unbiased estimate

        sum_{i≠j} k(a_i, a_j) / (m(m-1)) + sum_{i≠j} k(b_i, b_j) / (m(m-1))
        - 2 sum_{i,j} k(a_i, b_j) / m²

    and the result is their mean and standard deviation. Unlike FID the
    estimate is unbiased: it is 0 in expectation for one distribution (and
    can then come out slightly negative) whatever the sample size.

    Args:
        features_a: `(N, d)` feature vectors (e.g. of real images).
        features_b: `(M, d)` feature vectors (e.g. of generated images).
        num_subsets: number of random subsets averaged.
        subset_size: vectors per subset (capped at the smaller set).
        seed: seed of the subset draws.

    Returns:
        `(mean, std)` as Python floats.

    Raises:
        ValueError: for non-2-D or non-finite features, different feature
            dimensions, fewer than 2 vectors, or non-positive counts.

    Example:

    >>> rng = np.random.default_rng(0)
    >>> a, b = rng.normal(size=(500, 8)), rng.normal(0.5, size=(500, 8))
    >>> kernel_distance(a, b, num_subsets=10, subset_size=200)[0] > 0.1
    True
    """
    a, b = check_feature_pair(
        features_a=features_a, features_b=features_b
    )
    num_subsets = check_positive_int("num_subsets", num_subsets)
    m = min(check_positive_int("subset_size", subset_size), len(a), len(b))
    rng = np.random.default_rng(seed)
    estimates = np.empty(num_subsets)
    for i in range(num_subsets):
        x = a[rng.choice(len(a), m, replace=False)]
        y = b[rng.choice(len(b), m, replace=False)]
        estimates[i] = _unbiased_mmd2(x, y)
    return float(estimates.mean()), float(estimates.std())


def _unbiased_mmd2(x, y):
    m = len(x)
    # degree 3, gamma 1/d, coef0 1: the KID kernel.
    k_xx = polynomial_kernel(x, x, degree=3, gamma=1.0 / x.shape[1], coef0=1)
    k_yy = polynomial_kernel(y, y, degree=3, gamma=1.0 / x.shape[1], coef0=1)
    k_xy = polynomial_kernel(x, y, degree=3, gamma=1.0 / x.shape[1], coef0=1)
    off_diagonal = (k_xx.sum() - np.trace(k_xx)) + (k_yy.sum() - np.trace(k_yy))
    return off_diagonal / (m * (m - 1)) - 2.0 * k_xy.sum() / m**2
