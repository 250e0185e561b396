"""Held-out scores of translators: PSNR/SSIM with baselines, cycle errors,
identity rates."""

import numpy as np
import pytest

import keras_gans
from keras_gans.data import TranslationArrays
from keras_gans.metrics.translation_evaluation import cycle_errors
from keras_gans.metrics.translation_evaluation import domain_classifiers
from keras_gans.metrics.translation_evaluation import identity_rate
from keras_gans.metrics.translation_evaluation import paired_scores
from keras_gans.metrics.translation_evaluation import unpaired_scores
from tests.helpers import random_images
from tests.helpers import tiny_translator

SHAPE = (16, 16, 1)  # SSIM's 11x11 window fits


def hand_psnr(images, targets):
    """Mean over images of 10 log10(range^2 / MSE), range 2 for [-1, 1]."""
    mse = np.mean((images - targets) ** 2, axis=(1, 2, 3))
    return float(np.mean(10.0 * np.log10(4.0 / mse)))


def to_uint8(images):
    return np.round((images + 1.0) * 127.5).astype("uint8")


class MeanSignClassifier:
    """Class 1 for images brighter than mid-gray, else 0; keeps its inputs."""

    def __init__(self):
        self.inputs = []

    def predict_labels(self, images):
        self.inputs.append(np.asarray(images))
        return (np.mean(images, axis=(1, 2, 3)) > 0).astype("int32")


def test_identity_on_identical_pairs_is_perfect_and_beats_the_mean():
    images = random_images(6, SHAPE)
    scores = paired_scores(lambda x: x, images, images)
    assert scores["num_pairs"] == 6
    assert scores["psnr"] == np.inf and scores["ssim"] == pytest.approx(1.0)
    # Pass-through is the identity here; the mean image is not.
    assert scores["input_psnr"] == np.inf
    assert np.isfinite(scores["mean_psnr"]) and scores["mean_ssim"] < 0.99


def test_psnr_of_a_known_translator_matches_hand_computation():
    sources = random_images(5, SHAPE, seed=0)
    targets = random_images(5, SHAPE, seed=1)
    mean_target = np.full(SHAPE, -0.25, "float32")

    def translate(x):
        return 1.5 * x - 0.1  # leaves [-1, 1]: scored after clipping

    scores = paired_scores(translate, sources, targets, mean_target)
    clipped = np.clip(translate(sources), -1.0, 1.0)
    np.testing.assert_allclose(scores["psnr"], hand_psnr(clipped, targets))
    np.testing.assert_allclose(
        scores["input_psnr"], hand_psnr(sources, targets)
    )
    np.testing.assert_allclose(
        scores["mean_psnr"],
        hand_psnr(np.broadcast_to(mean_target, targets.shape), targets),
    )
    for key in ("ssim", "input_ssim", "mean_ssim"):
        assert -1.0 <= scores[key] < 1.0, key
    default = paired_scores(translate, sources, targets)
    np.testing.assert_allclose(
        default["mean_psnr"],
        hand_psnr(np.broadcast_to(targets.mean(0), targets.shape), targets),
        rtol=1e-6,
    )


def test_uint8_images_reach_the_translator_in_model_range():
    sources = to_uint8(random_images(3, SHAPE, seed=2))
    targets = to_uint8(random_images(3, SHAPE, seed=3))
    seen = []

    def translate(x):
        seen.append(x)
        return x

    scores = paired_scores(translate, sources, targets)
    assert seen[0].dtype == np.float32
    np.testing.assert_allclose(seen[0], sources / 127.5 - 1.0, atol=1e-6)
    np.testing.assert_allclose(
        scores["psnr"],
        hand_psnr(sources / 127.5 - 1.0, targets / 127.5 - 1.0),
        rtol=1e-6,
    )


def test_pass_through_baseline_matches_channels():
    gray = random_images(4, SHAPE, seed=4)
    color = np.repeat(gray, 3, axis=-1)
    # Gray inputs of colour targets are repeated to RGB ...
    scores = paired_scores(lambda x: np.repeat(x, 3, -1) * 0.5, gray, color)
    assert scores["input_psnr"] == np.inf
    assert np.isfinite(scores["psnr"])
    # ... colour inputs of gray targets averaged.
    scores = paired_scores(lambda x: x.mean(-1, keepdims=True), color, gray)
    assert scores["input_psnr"] == np.inf and scores["psnr"] > 100
    two = np.concatenate([gray, gray], axis=-1)
    with pytest.raises(ValueError, match="different channel counts"):
        paired_scores(lambda x: color, two, color)


@pytest.mark.parametrize(
    "sources, targets",
    [
        (np.zeros((0,) + SHAPE, "float32"), np.zeros((0,) + SHAPE, "float32")),
        (np.zeros((3,) + SHAPE, "float32"), np.zeros((2,) + SHAPE, "float32")),
    ],
    ids=["empty", "misaligned"],
)
def test_paired_scores_need_aligned_pairs(sources, targets):
    with pytest.raises(ValueError, match=r"aligned.*Received: sources="):
        paired_scores(lambda x: x, sources, targets)


def test_translator_output_must_match_the_targets():
    images = random_images(2, SHAPE)
    with pytest.raises(ValueError, match="same shape"):
        paired_scores(lambda x: x[:, :8], images, images)


def test_cycle_errors_of_known_functions():
    a = random_images(4, SHAPE, seed=5)
    b = random_images(3, SHAPE, seed=6)
    exact = cycle_errors(lambda x: -x, lambda x: -x, a, b)
    assert exact == {"cycle_a": 0.0, "cycle_b": 0.0}

    def ab(x):
        return 0.5 * x

    def ba(x):
        return x + 0.25

    errors = cycle_errors(ab, ba, a, b)
    np.testing.assert_allclose(
        errors["cycle_a"], np.abs(0.25 - 0.5 * a).mean()
    )
    np.testing.assert_allclose(
        errors["cycle_b"], np.abs(0.125 - 0.5 * b).mean(), rtol=1e-6
    )
    as_uint8 = cycle_errors(ab, ba, to_uint8(a), to_uint8(b))
    a8 = to_uint8(a) / 127.5 - 1.0
    np.testing.assert_allclose(
        as_uint8["cycle_a"], np.abs(0.25 - 0.5 * a8).mean(), rtol=1e-5
    )


def test_identity_rate_counts_kept_classes_on_clipped_translations():
    values = np.array([-0.5, 0.5, -0.75, 0.75], "float32")
    images = np.broadcast_to(values[:, None, None, None], (4,) + SHAPE)
    labels = np.array([0, 1, 0, 1])
    classifier = MeanSignClassifier()
    assert identity_rate(lambda x: 3.0 * x, images, labels, classifier) == 1.0
    assert classifier.inputs[0].min() == -1.0  # clipped from -2.25
    assert classifier.inputs[0].max() == 1.0
    assert identity_rate(lambda x: -x, images, labels, classifier) == 0.0
    flip_last = np.array([1, 1, -1, -1], "float32")[:, None, None, None]
    rate = identity_rate(lambda x: x * flip_last, images, labels, classifier)
    assert rate == 0.5
    as_uint8 = identity_rate(lambda x: x, to_uint8(images), labels, classifier)
    assert as_uint8 == 1.0


def test_domain_classifiers_need_labels():
    arrays = TranslationArrays(
        a=np.zeros((2,) + SHAPE, "uint8"),
        b=np.zeros((2,) + SHAPE, "uint8"),
        source="unlabelled",
    )
    with pytest.raises(ValueError, match=r"class labels.*Received: source="):
        domain_classifiers(arrays)


def test_unpaired_scores_of_a_tiny_model():
    model = tiny_translator(keras_gans.CycleGAN)
    a = to_uint8(random_images(6, SHAPE, seed=7))
    b = to_uint8(random_images(4, SHAPE, seed=8))
    arrays = TranslationArrays(
        a=a,
        b=b,
        a_labels=np.array([0, 1, 0, 1, 1, 1]),
        b_labels=np.array([1, 0, 0, 0]),
    )
    a_f, b_f = a / 127.5 - 1.0, b / 127.5 - 1.0
    to_b = model.translate(a_f.astype("float32"), "a_to_b")
    to_a = model.translate(b_f.astype("float32"), "b_to_a")
    back_a = model.translate(to_b, "b_to_a")
    back_b = model.translate(to_a, "a_to_b")

    plain = unpaired_scores(model, arrays)
    assert set(plain) == {"cycle_a", "cycle_b"}
    np.testing.assert_allclose(
        plain["cycle_a"], np.abs(back_a - a_f).mean(), rtol=1e-5
    )
    np.testing.assert_allclose(
        plain["cycle_b"], np.abs(back_b - b_f).mean(), rtol=1e-5
    )

    classifiers = (MeanSignClassifier(), MeanSignClassifier())
    scores = unpaired_scores(model, arrays, classifiers)
    kept_ab = np.mean((to_b.mean(axis=(1, 2, 3)) > 0) == arrays.a_labels)
    kept_ba = np.mean((to_a.mean(axis=(1, 2, 3)) > 0) == arrays.b_labels)
    assert scores["identity_ab"] == pytest.approx(kept_ab)
    assert scores["identity_ba"] == pytest.approx(kept_ba)
    assert scores["identity"] == pytest.approx(
        (6 * kept_ab + 4 * kept_ba) / 10
    )
    # A -> B images are judged by B's classifier, B -> A by A's.
    assert classifiers[1].inputs[0].shape == to_b.shape
    assert classifiers[0].inputs[0].shape == to_a.shape
