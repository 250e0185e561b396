"""Scores of image-to-image translators on held-out images.

Paired tasks (Pix2Pix) are scored by PSNR and SSIM against the held-out
targets, next to two trivial baselines a useful translator must beat:
passing the input through unchanged, and predicting the mean training
target. Unpaired tasks (CycleGAN, DiscoGAN) have no targets: they are
scored by the cycle-reconstruction error (A -> B -> A and B -> A -> B) and,
where the images carry class labels (the digit tasks), by how often the
translated image keeps its class under a classifier trained on the real
images of the target domain.
"""

import numpy as np

from keras_gans.metrics.image_checks import to_model_range
from keras_gans.metrics.image_similarity import psnr
from keras_gans.metrics.image_similarity import ssim
from keras_gans.utils.validation import format_received


def _as_channels(images, channels):
    """`images` with `channels` channels (gray repeated to RGB, RGB averaged)."""
    have = images.shape[-1]
    if have == channels:
        return images
    if have == 1:
        return np.repeat(images, channels, axis=-1)
    if channels == 1:
        return np.mean(images, axis=-1, keepdims=True)
    raise ValueError(
        "Cannot compare images with different channel counts. "
        + format_received(channels=have, expected=channels)
    )


def paired_scores(translate, sources, targets, mean_target=None):
    """PSNR/SSIM of `translate(sources)` against `targets`, with baselines.

    Args:
        translate: callable mapping float32 `(N, H, W, Ca)` images in
            [-1, 1] to `(N, H, W, Cb)` images in [-1, 1].
        sources: held-out A images (uint8 or floats in [-1, 1]).
        targets: the aligned B images.
        mean_target: `(H, W, Cb)` mean training target for the mean
            baseline (default: the mean of `targets`, which flatters it).

    Returns:
        Dict of floats: `psnr`, `ssim` (means over images) and the
        baselines `input_psnr`, `input_ssim` (the input, gray repeated to
        RGB when needed) and `mean_psnr`, `mean_ssim`; `num_pairs`.

    Raises:
        ValueError: for empty or mismatched image sets.
    """
    sources = to_model_range(sources)
    targets = to_model_range(targets)
    if len(sources) == 0 or len(sources) != len(targets):
        raise ValueError(
            "`sources` and `targets` must be non-empty and aligned. "
            + format_received(sources=sources.shape, targets=targets.shape)
        )
    outputs = np.clip(np.asarray(translate(sources), "float32"), -1.0, 1.0)
    if mean_target is None:
        mean_target = targets.mean(axis=0)
    mean_images = np.broadcast_to(
        np.asarray(mean_target, "float32"), targets.shape
    )
    passed = _as_channels(sources, targets.shape[-1])
    scores = {"num_pairs": int(len(targets))}
    for key, images in (("", outputs), ("input_", passed),
                        ("mean_", mean_images)):
        scores[f"{key}psnr"] = float(np.mean(psnr(images, targets)))
        scores[f"{key}ssim"] = float(np.mean(ssim(images, targets)))
    return scores


def cycle_errors(translate_ab, translate_ba, a_images, b_images):
    """Mean absolute cycle-reconstruction errors, in [-1, 1] units.

    Returns:
        Dict: `cycle_a` = mean |G_BA(G_AB(a)) - a|, `cycle_b` likewise.
    """
    a_images = to_model_range(a_images)
    b_images = to_model_range(b_images)
    cycle_a = translate_ba(translate_ab(a_images))
    cycle_b = translate_ab(translate_ba(b_images))
    return {
        "cycle_a": float(np.mean(np.abs(cycle_a - a_images))),
        "cycle_b": float(np.mean(np.abs(cycle_b - b_images))),
    }


def identity_rate(translate, images, labels, classifier):
    """Share of translated images that `classifier` puts in their class.

    Args:
        translate: the translator of one direction.
        images: source images (uint8 or floats in [-1, 1]).
        labels: their int class labels `(N,)`.
        classifier: an object with `predict_labels(images)` for images of
            the target domain (e.g. a `ClassifierFeatureExtractor` trained
            on the real target-domain images).

    Returns:
        A float in [0, 1].
    """
    labels = np.asarray(labels).reshape(-1)
    translated = np.asarray(translate(to_model_range(images)), "float32")
    predicted = classifier.predict_labels(np.clip(translated, -1.0, 1.0))
    return float(np.mean(predicted == labels))


def domain_classifiers(train_arrays, seed=0):
    """Classifiers of domain A and B trained on labelled training images.

    Args:
        train_arrays: a `keras_gans.data.TranslationArrays` of the training
            split with `a_labels` and `b_labels`.
        seed: training seed.

    Returns:
        `(classifier_a, classifier_b)`, `ClassifierFeatureExtractor`s whose
        `accuracy` is their held-out accuracy on real images.

    Raises:
        ValueError: if the arrays carry no labels.
    """
    from keras_gans.metrics.classifier_feature_extractor import (
        ClassifierFeatureExtractor,
    )

    if train_arrays.a_labels is None or train_arrays.b_labels is None:
        raise ValueError(
            "Identity scores need class labels in both domains (the digit "
            "tasks have them). "
            + format_received(source=getattr(train_arrays, "source", None))
        )
    return tuple(
        ClassifierFeatureExtractor.train(
            images, labels, seed=seed, dataset=f"domain-{domain}"
        )
        for domain, images, labels in (
            ("a", train_arrays.a, train_arrays.a_labels),
            ("b", train_arrays.b, train_arrays.b_labels),
        )
    )


def unpaired_scores(model, test_arrays, classifiers=None):
    """Cycle errors and (with classifiers) identity rates of a two-way model.

    Args:
        model: a two-way `TranslationModel` (CycleGAN, DiscoGAN).
        test_arrays: held-out `TranslationArrays`.
        classifiers: optional `(classifier_a, classifier_b)` from
            `domain_classifiers`.

    Returns:
        Dict: `cycle_a`, `cycle_b`, and with classifiers `identity_ab`
        (A images translated to B keeping their class), `identity_ba` and
        `identity` (over all translated test images).
    """
    def ab(x):
        return model.translate(x, "a_to_b")

    def ba(x):
        return model.translate(x, "b_to_a")

    scores = cycle_errors(ab, ba, test_arrays.a, test_arrays.b)
    if classifiers is not None:
        classifier_a, classifier_b = classifiers
        n_a, n_b = len(test_arrays.a), len(test_arrays.b)
        scores["identity_ab"] = identity_rate(
            ab, test_arrays.a, test_arrays.a_labels, classifier_b
        )
        scores["identity_ba"] = identity_rate(
            ba, test_arrays.b, test_arrays.b_labels, classifier_a
        )
        scores["identity"] = (
            scores["identity_ab"] * n_a + scores["identity_ba"] * n_b
        ) / (n_a + n_b)
    return scores
