"""`precision_recall`: improved precision and recall (Kynkäänniemi et al. 2019)."""

import numpy as np
from sklearn.metrics import pairwise_distances_chunked
from sklearn.neighbors import NearestNeighbors

from keras_gans.metrics.feature_checks import check_feature_pair
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received


def precision_recall(real_features, fake_features, k=3):
    """Precision and recall of generated samples against k-NN manifolds.

    Each set's manifold is the union of balls around its vectors with the
    radius to their k-th nearest neighbour in the same set. Precision is
    the fraction of generated vectors inside the real manifold (sample
    fidelity); recall the fraction of real vectors inside the generated
    manifold (coverage of the real distribution; mode dropping lowers it).

    Args:
        real_features: `(N, d)` features of real images.
        fake_features: `(M, d)` features of generated images.
        k: neighbourhood size (3 in the paper).

    Returns:
        `(precision, recall)` as Python floats in [0, 1].

    Raises:
        ValueError: for invalid features (as `kernel_distance`), or `k`
            not smaller than the size of either set.

    Example:

    >>> rng = np.random.default_rng(0)
    >>> real = rng.normal(size=(300, 2))
    >>> precision_recall(real, real[:, ::-1])[0] > 0.9
    True
    """
    real, fake = check_feature_pair(
        real_features=real_features, fake_features=fake_features
    )
    k = check_positive_int("k", k)
    if k >= min(len(real), len(fake)):
        raise ValueError(
            "`k` must be smaller than the number of vectors in each set. "
            + format_received(k=k, sizes=(len(real), len(fake)))
        )
    precision = _inside_fraction(fake, real, _knn_radii(real, k))
    recall = _inside_fraction(real, fake, _knn_radii(fake, k))
    return precision, recall


def _knn_radii(points, k):
    # kneighbors() without queries leaves each point out of its own list.
    distances, _ = NearestNeighbors(n_neighbors=k).fit(points).kneighbors()
    return distances[:, -1]


def _inside_fraction(queries, centres, radii):
    """Fraction of `queries` within `radii[i]` of some `centres[i]`."""
    inside = []
    for block in pairwise_distances_chunked(queries, centres):
        inside.append(np.any(block <= radii[None, :], axis=1))
    return float(np.concatenate(inside).mean())
