"""`FeatureStatistics`: streaming mean and covariance of feature vectors."""

import numpy as np

from keras_gans.utils.validation import format_received


class FeatureStatistics:
    """Mean and covariance of feature vectors, accumulated batch by batch.

    Keeps only the count, the sum and the sum of outer products of the
    features (in float64), never the features themselves, so the statistics
    of 50,000 images cost `O(dim**2)` memory. The sums are taken around the
    first batch's mean (the "shifted data" method), which avoids the
    cancellation of the textbook `E[x x^T] - mu mu^T` formula when the
    features have a large mean compared with their spread.

    Args:
        dim: feature dimension, or `None` to take it from the first
            `update()`.

    Example:

    ```python
    stats = FeatureStatistics()
    for batch in batches:              # each (batch_size, dim)
        stats.update(extractor.features(batch))
    stats.count, stats.mean.shape, stats.covariance.shape
    # (10000, (128,), (128, 128))
    ```
    """

    def __init__(self, dim=None):
        if dim is not None and (
            isinstance(dim, bool) or not isinstance(dim, (int, np.integer))
            or dim <= 0
        ):
            raise ValueError(
                "`dim` must be a positive integer or None. "
                + format_received(dim=dim)
            )
        self._dim = None if dim is None else int(dim)
        self._count = 0
        self._shift = None
        self._sum = None
        self._sum_outer = None

    @classmethod
    def from_features(cls, features, batch_size=None):
        """Statistics of a whole `(N, dim)` array.

        Args:
            features: array-like of shape `(N, dim)`.
            batch_size: feed it in chunks of this many rows (same result up
                to rounding); default all at once.

        Returns:
            A `FeatureStatistics`.
        """
        features = np.asarray(features)
        stats = cls()
        step = len(features) if batch_size is None else int(batch_size)
        for start in range(0, len(features), max(step, 1)):
            stats.update(features[start : start + step])
        if len(features) == 0:
            stats.update(features)
        return stats

    @property
    def dim(self):
        """The feature dimension, or `None` before the first update."""
        return self._dim

    @property
    def count(self):
        """Number of feature vectors seen so far."""
        return self._count

    def update(self, features):
        """Adds a batch of feature vectors.

        Args:
            features: array-like `(batch, dim)` of finite numbers (any
                float or int dtype; accumulated in float64). An empty
                batch `(0, dim)` is allowed and changes nothing.

        Returns:
            `self`, so calls can be chained.

        Raises:
            ValueError: if `features` is not 2-D, its width differs from
                `dim`, or it contains NaN or infinity.
        """
        array = np.asarray(features)
        if array.ndim != 2:
            raise ValueError(
                "`features` must be a 2-D array (batch, dim). "
                + format_received(features=_describe(array))
            )
        if self._dim is not None and array.shape[1] != self._dim:
            raise ValueError(
                f"`features` must have {self._dim} columns, like the "
                "batches before. "
                + format_received(features=_describe(array))
            )
        if array.shape[1] == 0:
            raise ValueError(
                "`features` must have at least one column. "
                + format_received(features=_describe(array))
            )
        array = array.astype(np.float64, copy=False)
        if not np.all(np.isfinite(array)):
            raise ValueError(
                "`features` contains NaN or infinite values. "
                + format_received(features=_describe(array))
            )
        if self._dim is None:
            self._dim = array.shape[1]
        if self._sum is None:
            self._sum = np.zeros(self._dim, np.float64)
            self._sum_outer = np.zeros((self._dim, self._dim), np.float64)
        if len(array) == 0:
            return self
        if self._shift is None:
            self._shift = array.mean(axis=0)
        centered = array - self._shift
        self._count += len(array)
        self._sum += centered.sum(axis=0)
        self._sum_outer += centered.T @ centered
        return self

    @property
    def mean(self):
        """The mean feature vector, float64 `(dim,)`.

        Raises:
            ValueError: if no feature vector has been added.
        """
        self._require(1, "mean")
        return self._shift + self._sum / self._count

    @property
    def covariance(self):
        """The unbiased (`N - 1`) covariance matrix, float64 `(dim, dim)`.

        Equal to `np.cov(features, rowvar=False)` of all rows added.

        Raises:
            ValueError: if fewer than 2 feature vectors have been added.
        """
        self._require(2, "covariance")
        centered_mean = self._sum / self._count
        scatter = self._sum_outer - self._count * np.outer(
            centered_mean, centered_mean
        )
        covariance = scatter / (self._count - 1)
        # Exactly symmetric (the float sums are symmetric up to rounding).
        return (covariance + covariance.T) / 2.0

    def _require(self, minimum, what):
        if self._count < minimum:
            raise ValueError(
                f"The {what} needs at least {minimum} feature vector"
                f"{'s' if minimum > 1 else ''}; call `update()` first. "
                + format_received(count=self._count)
            )

    def __repr__(self):
        return f"FeatureStatistics(count={self._count}, dim={self._dim})"


def _describe(array):
    return f"array of shape {array.shape} and dtype {array.dtype}"
