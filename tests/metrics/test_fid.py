"""Tests of the FID helpers with the digits extractor."""

import numpy as np
import pytest

from keras_gans.metrics import FeatureStatistics
from keras_gans.metrics import compute_fid
from keras_gans.metrics import feature_statistics
from keras_gans.metrics import fid_from_images
from keras_gans.metrics import frechet_distance


def test_identical_sets_score_zero(digits_extractor, digits_images):
    assert fid_from_images(
        digits_images, digits_images, digits_extractor
    ) == pytest.approx(0.0, abs=1e-6)


def test_real_halves_close_noise_far(
    digits_extractor, digits_images, noise_images
):
    rng = np.random.default_rng(0)
    order = rng.permutation(len(digits_images))
    half_a = digits_images[order[:800]]
    half_b = digits_images[order[800:1600]]
    real_vs_real = fid_from_images(half_a, half_b, digits_extractor)
    real_vs_noise = fid_from_images(half_a, noise_images, digits_extractor)
    assert real_vs_real < 0.1 * real_vs_noise
    # Blurring towards the mean image moves the FID up, not down.
    blurred = 0.5 * half_b + 0.5 * half_b.mean(axis=0, keepdims=True)
    assert fid_from_images(half_a, blurred, digits_extractor) > real_vs_real


def test_streaming_statistics_match_one_shot(digits_extractor, digits_images):
    features = digits_extractor.features(digits_images)
    stats = feature_statistics(digits_images, digits_extractor, batch_size=100)
    np.testing.assert_allclose(
        stats.mean, features.mean(0), rtol=1e-6, atol=1e-8
    )
    np.testing.assert_allclose(
        stats.covariance, np.cov(features, rowvar=False), rtol=1e-6, atol=1e-8
    )
    # An iterable of (images, labels) batches works too.
    batches = [(digits_images[i : i + 500], None) for i in range(0, 1797, 500)]
    streamed = feature_statistics(batches, digits_extractor)
    assert streamed.count == 1797
    np.testing.assert_allclose(streamed.mean, stats.mean, rtol=1e-6, atol=1e-8)


def test_compute_fid_streams_generator_batches(
    digits_extractor, digits_images
):
    rng = np.random.default_rng(1)
    requested = []

    def sample(count):
        requested.append(count)
        return digits_images[rng.integers(0, len(digits_images), count)]

    real_stats = feature_statistics(digits_images, digits_extractor)
    fid = compute_fid(sample, real_stats, digits_extractor, n=700,
                      batch_size=256)
    assert requested == [256, 256, 188]
    assert 0.0 <= fid < 5.0
    assert isinstance(real_stats, FeatureStatistics)
    assert frechet_distance(real_stats, real_stats) < 1e-6


@pytest.mark.parametrize("n", [0, -5, 1, 2.5])
def test_compute_fid_bad_n_raises(digits_extractor, digits_images, n):
    with pytest.raises(ValueError, match=f"Received: n={n}"):
        compute_fid(lambda k: digits_images[:k], digits_images,
                    digits_extractor, n=n)


def test_compute_fid_wrong_batch_count_raises(digits_extractor, digits_images):
    with pytest.raises(ValueError, match="must return 10 images"):
        compute_fid(lambda k: digits_images[:3], digits_images,
                    digits_extractor, n=10)


def test_channel_mismatch_names_argument(digits_extractor, digits_images):
    rgb = np.zeros((4, 16, 16, 3), "float32")
    with pytest.raises(ValueError, match="channel") as info:
        fid_from_images(digits_images, rgb, digits_extractor)
    assert "Received: fake_images=" in str(info.value)


def test_generated_batches_are_checked(digits_extractor, digits_images):
    with pytest.raises(ValueError, match=r"\[-1, 1\]") as info:
        compute_fid(lambda k: np.full((k, 16, 16, 1), 255.0, "float32"),
                    digits_images, digits_extractor, n=10)
    assert "Received: generator_sample_fn(count)=" in str(info.value)


def test_too_few_images_raise(digits_extractor, digits_images):
    with pytest.raises(ValueError, match="Received: fake_images="):
        fid_from_images(digits_images, digits_images[:1], digits_extractor)
