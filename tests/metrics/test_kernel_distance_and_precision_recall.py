import numpy as np
import pytest

from keras_gans.metrics import kernel_distance
from keras_gans.metrics import precision_recall

# Backend-independent: runs in one backend's session (tests/conftest.py).
pytestmark = pytest.mark.once


def _mmd2_by_loops(x, y):
    """Unbiased MMD² with k(a, b) = (a·b/d + 1)^3, written out plainly."""
    d, m = x.shape[1], len(x)

    def k(a, b):
        return (a @ b / d + 1.0) ** 3

    xx = sum(k(x[i], x[j]) for i in range(m) for j in range(m) if i != j)
    yy = sum(k(y[i], y[j]) for i in range(m) for j in range(m) if i != j)
    xy = sum(k(x[i], y[j]) for i in range(m) for j in range(m))
    return (xx + yy) / (m * (m - 1)) - 2 * xy / m**2


def test_kid_of_one_subset_matches_the_written_out_estimator():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(12, 5)), rng.normal(0.3, 1.2, size=(12, 5))
    mean, std = kernel_distance(x, y, num_subsets=1, subset_size=12)
    np.testing.assert_allclose(mean, _mmd2_by_loops(x, y), rtol=1e-10)
    assert std == 0.0


def test_kid_is_unbiased_for_one_distribution_and_grows_with_a_shift():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(2000, 16)), rng.normal(size=(2000, 16))
    same_mean, same_std = kernel_distance(a, b, num_subsets=50, subset_size=200)
    assert abs(same_mean) < 3 * same_std / np.sqrt(50) + 1e-3
    shifted, _ = kernel_distance(
        a, b + 0.5, num_subsets=50, subset_size=200
    )
    more, _ = kernel_distance(a, b + 1.0, num_subsets=50, subset_size=200)
    assert 0.05 < shifted < more


def test_precision_recall_on_hand_made_point_clouds():
    # Reals on a 1-D grid with spacing 1: every k=3 radius is 2 (ends: 3).
    real = np.arange(20.0)[:, None]
    inside = np.array([[5.5], [10.2], [0.0], [19.0]])
    outside = np.array([[40.0], [-9.0]])
    fake = np.concatenate([inside, outside, [[6.0], [7.0], [8.0], [9.0]]])
    precision, recall = precision_recall(real, fake, k=3)
    assert precision == pytest.approx(8 / 10)
    # Recall by brute force over the fakes' own 3-NN radii.
    fake_radii = np.sort(np.abs(fake - fake.T), axis=1)[:, 3]
    covered = [
        any(abs(r - f) <= radius for f, radius in zip(fake[:, 0], fake_radii))
        for r in real[:, 0]
    ]
    assert recall == pytest.approx(np.mean(covered))
    # The outlier at 40 has a 3-NN radius of 31: its ball covers every real
    # point (the metric's known sensitivity to generated outliers).
    assert recall == 1.0
    # Fakes 5, 5.5, ..., 7 (3-NN radius 1.5 or 1.0): they cover reals 4..8.
    dense = np.arange(5.0, 7.5, 0.5)[:, None]
    precision, recall = precision_recall(real, dense, k=3)
    assert precision == 1.0
    assert recall == pytest.approx(5 / 20)


def test_mode_dropping_lowers_recall_not_precision():
    rng = np.random.default_rng(2)
    centres = np.array([[0, 0], [10, 0], [0, 10], [10, 10]], float)
    real = np.concatenate([c + rng.normal(size=(200, 2)) for c in centres])
    half = np.concatenate([c + rng.normal(size=(400, 2)) for c in centres[:2]])
    precision, recall = precision_recall(real, half)
    assert precision > 0.9 and 0.4 < recall < 0.6


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: kernel_distance(np.zeros((5,)), np.zeros((5, 2))), "features_a"),
        (lambda: kernel_distance(np.zeros((5, 3)), np.zeros((5, 2))), "dimension"),
        (lambda: kernel_distance(np.full((5, 2), np.nan), np.zeros((5, 2))), "NaN"),
        (lambda: kernel_distance(np.ones((5, 2)), np.ones((5, 2)), num_subsets=0), "num_subsets=0"),
        (lambda: precision_recall(np.ones((3, 2)), np.ones((9, 2)), k=3), "k=3"),
    ],
)
def test_invalid_inputs_raise_naming_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()
