"""`inception_score`: the Inception Score (IS) of class probabilities."""

import numpy as np
from scipy.special import xlogy

from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received

# Rows of a softmax sum to 1 up to float32 rounding.
_SUM_TOLERANCE = 1e-3


def inception_score(probabilities, splits=10):
    """Inception Score (Salimans et al. 2016), mean and std over splits.

    `IS = exp(E_x KL(p(y|x) || p(y)))`: high when each image is classified
    confidently (low entropy of `p(y|x)`) and the classes are spread
    evenly (high entropy of the marginal `p(y)`). With C classes it lies
    in [1, C]. As in the original code, the N samples are cut into
    `splits` consecutive parts, each part's score uses its own marginal,
    and the result is the mean and standard deviation of the parts.
    Computed in float64, with `0 log 0 = 0`.

    With the project's MNIST classifier (10 classes) this is the usual
    "MNIST IS" (at most 10); with Inception features it is the published
    IS only under the reference weights.

    Args:
        probabilities: `(N, C)` class probabilities of generated images
            (e.g. `extractor.class_probabilities(images)`), rows summing
            to 1.
        splits: number of parts, `1 <= splits <= N`.

    Returns:
        `(mean, std)` as Python floats.

    Raises:
        ValueError: for a non-2-D, negative, non-finite or non-normalized
            array, or `splits` not in [1, N].

    Example:

    ```python
    probs = extractor.class_probabilities(gan.generate(10_000, seed=0))
    mean, std = inception_score(probs)
    ```
    """
    p = _check_probabilities(probabilities)
    splits = check_positive_int("splits", splits)
    if splits > len(p):
        raise ValueError(
            f"`splits` must be at most the number of samples ({len(p)}). "
            + format_received(splits=splits)
        )
    scores = []
    for part in np.array_split(p, splits):
        marginal = part.mean(axis=0)
        # E_x KL(p(y|x) || p(y)) = E_x[sum p log p] - sum p(y) log p(y).
        kl = xlogy(part, part).sum(axis=1).mean() - xlogy(marginal, marginal).sum()
        scores.append(np.exp(kl))
    return float(np.mean(scores)), float(np.std(scores))


def _check_probabilities(probabilities):
    try:
        p = np.asarray(probabilities, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            "`probabilities` must be a numeric (N, classes) array. "
            + format_received(probabilities=type(probabilities).__name__)
        ) from None
    received = format_received(probabilities=f"array of shape {p.shape}")
    if p.ndim != 2 or len(p) == 0 or p.shape[1] < 2:
        raise ValueError(
            "`probabilities` must be a (N, classes) array with N >= 1 and "
            "at least 2 classes. " + received
        )
    if not np.all(np.isfinite(p)) or p.min() < 0:
        raise ValueError(
            "`probabilities` must be finite and non-negative (softmax "
            "outputs, not logits). " + received
        )
    sums = p.sum(axis=1)
    if np.max(np.abs(sums - 1.0)) > _SUM_TOLERANCE:
        raise ValueError(
            "`probabilities` rows must sum to 1 (softmax outputs, not "
            f"logits); found row sums in [{sums.min():.4g}, {sums.max():.4g}]. "
            + received
        )
    return p
