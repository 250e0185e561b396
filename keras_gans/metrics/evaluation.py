"""One evaluation entry point for every kind of artifact (`keras-gans eval`).

`evaluate(artifact, ...)` loads the artifact and measures it by the
protocol of its kind (the table `_KINDS`):

- **generator** (latent or conditional): the real images are the
  dataset's training split read at the generator's image shape
  (`keras_gans.data.load_arrays`); `n` generated images come from the
  latents and labels of `artifact.sample(n, seed=seed)` (conditional
  generators: every class equally often); both sets go through the same
  extractor (by default the dataset's own `ClassifierFeatureExtractor`)
  batch by batch. FID uses streamed statistics; KID (100 subsets of up to
  1,000), precision/recall (k=3) and the Inception Score (10 splits) use
  the feature and probability arrays, never the images.
  `fid_real_vs_real` (two seeded halves of the real set, after the
  optional `n_real` subset) is the floor a perfect generator would
  approach.
- **translator**: PSNR and SSIM of its translations of a paired
  dataset's test split against the targets, next to the input and
  mean-training-target baselines (`translation_evaluation.paired_scores`).
- **upscaler**: the super-resolution protocol of the literature on a
  folder of HR images (`super_resolution.upscaling_scores`: bicubic LR,
  Y-channel PSNR/SSIM with the border shaved, bicubic baseline).
"""

import os
import time

import numpy as np

from keras_gans.utils.validation import check_image_shape
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received

INCEPTION_SCORE_SPLITS = 10


def evaluate(
    artifact,
    dataset=None,
    data_dir=None,
    n=10_000,
    image_shape=None,
    seed=0,
    cache_dir=None,
    n_real=None,
    batch_size=256,
    extractor="classifier",
    feature_layer=None,
):
    """Measures an artifact by the protocol of its kind.

    Generated images are produced and measured batch by batch, so `n` is
    not limited by memory.

    Args:
        artifact: a `.keras` file, export directory, SavedModel directory
            or `.tflite` file of any kind (see
            `keras_gans.export.load_artifact`).
        dataset: generators: `"mnist-idx"`, `"digits"`, a labelled image
            folder or a tensorflow-datasets name (see
            `keras_gans.data.load`); translators: a paired translation
            source (see `keras_gans.data.load_translation_arrays`), whose
            test split is scored; upscalers: optional, a name for the
            folder of HR images (or the folder itself).
        data_dir: the dataset's directory (required by `"mnist-idx"`);
            for an upscaler, the folder of HR images (e.g. Set5).
        n: generators: number of generated images (>= 2).
        image_shape: generators: `(height, width, channels)`; default the
            artifact's, and it must equal it (real images are resized to
            it, generated ones are not).
        seed: generators: seed of the latents, of the real-vs-real
            halves, of the `n_real` subset and of the KID subsets.
        cache_dir: classifier-extractor cache root (default
            `$KERAS_GANS_CACHE` or `~/.cache/keras_gans`).
        n_real: generators: number of real images to compare with;
            default all.
        batch_size: images per network call and per forward pass.
        extractor: generators: anything `get_feature_extractor` accepts:
            `"classifier"` (default), `"inception:WEIGHTS"`, a
            `.keras`/`.h5` path or a `FeatureExtractor`.
        feature_layer: for an arbitrary Keras model extractor, the layer
            whose output is the feature vector.

    Returns:
        A dict with, for every kind, `kind` (`"generator"`,
        `"translator"` or `"upscaler"`), `protocol` (one sentence),
        `artifact`, `artifact_kind` (its format: `"keras"`,
        `"saved_model"` or `"tflite"`), `dataset`, `backend` and
        `seconds`. Generators add `fid`, `kid`, `kid_std`, `precision`,
        `recall`, and with a class output `inception_score`,
        `inception_score_std`, `class_counts`, `class_shares`,
        `min_class_share`, `max_class_share` and `recognisability`; for
        conditional generators `label_acc` (judged by the dataset's classifier
        extractor) and `label_classifier`; `n`, `n_real`, `image_shape`,
        `seed`, `extractor` (its `describe()`, incl. weights and hashes),
        `fid_real_vs_real`, `real_vs_real_sizes` and `num_classes` (None
        when unconditional). Translators add the `paired_scores` (`psnr`,
        `ssim`, `input_*`, `mean_*`, `num_pairs`), `split` and
        `direction`; upscalers the `upscaling_scores` (`psnr`, `ssim`,
        `bicubic_*`, `per_image`, `num_images`), `scale`, `images` and
        `data_dir`.

    Raises:
        ValueError: for a dataset that does not fit the artifact's kind
            (e.g. an unpaired dataset for a translator, no HR folder for
            an upscaler), `n` < 2, a non-positive `n_real` or
            `batch_size`, an `image_shape` different from the artifact's,
            a classifier extractor of another dataset or image shape, or
            invalid dataset arguments.
        FileNotFoundError: for a missing artifact, extractor or data
            directory.

    Example:

    ```python
    result = evaluate("exports/dcgan", "mnist-idx", data_dir="data/mnist")
    result["fid"], result["kid"], result["fid_real_vs_real"]
    evaluate("exports/srgan", data_dir="data/sr/set5")["psnr"]
    ```
    """
    start = time.perf_counter()
    batch_size = check_positive_int("batch_size", batch_size)
    from keras_gans.export import load_artifact

    # The loader tells the kinds apart (an upscaler by its output size).
    loaded = load_artifact(artifact)
    kind = loaded.kind
    if kind not in _KINDS:
        raise ValueError(
            f"`{artifact}` is a {kind} artifact, a part of a generator "
            f"export; evaluate the generator itself (one of the kinds "
            f"{sorted(_KINDS)}), e.g. the export's parent directory. "
            + format_received(artifact=artifact)
        )
    measure, protocol = _KINDS[kind]
    result = measure(
        loaded,
        dataset=dataset,
        data_dir=data_dir,
        n=n,
        image_shape=image_shape,
        seed=seed,
        cache_dir=cache_dir,
        n_real=n_real,
        batch_size=batch_size,
        extractor=extractor,
        feature_layer=feature_layer,
    )
    result.update(
        kind=kind,
        protocol=protocol,
        artifact=os.fspath(artifact),
        artifact_kind=loaded.format,
        seconds=round(time.perf_counter() - start, 2),
    )
    return result


def _evaluate_generator(
    artifact, dataset, data_dir, n, image_shape, seed, cache_dir, n_real,
    batch_size, extractor, feature_layer,
):
    from keras_gans import data

    _require_dataset(dataset, "generator", "an image dataset, e.g. 'digits'")
    if dataset in data.translation_sources():
        raise ValueError(
            "A generator is measured against an image dataset (its "
            f"training images); {dataset!r} is a translation dataset. "
            + format_received(dataset=dataset)
        )
    n = _check_count("n", n)
    _check_same_shape(image_shape, artifact.image_shape, "artifact's")
    latents = artifact.latents_for(n, seed)
    # Conditional: every class equally often (as `generate(n)` draws them).
    labels = artifact.labels_for(n)

    def batches():
        for i in range(0, n, batch_size):
            chunk = latents[i : i + batch_size]
            if labels is None:
                yield artifact(chunk)
            else:
                yield artifact(chunk, labels[i : i + batch_size])

    result = _evaluate_batches(
        batches(), labels, dataset, data_dir, artifact.image_shape, seed,
        cache_dir, n_real, batch_size, extractor, feature_layer,
    )
    result["num_classes"] = artifact.num_classes
    return result


def _evaluate_translator(artifact, dataset, data_dir, batch_size, **unused):
    import keras

    from keras_gans import data
    from keras_gans.metrics.translation_evaluation import paired_scores
    from keras_gans.metrics.image_checks import to_model_range

    _require_dataset(
        dataset, "translator", "a paired translation dataset, e.g. "
        "'digits-edges'"
    )
    height, width, channels_a = artifact.input_shape
    direction = "BtoA" if artifact.direction == "B->A" else "AtoB"

    def load(split):
        try:
            return data.load_translation_arrays(
                dataset, data_dir, split=split,
                image_size=None if None in (height, width) else (height, width),
                channels=(channels_a, artifact.output_shape[2]),
                direction=direction,
            )
        except ValueError as error:
            raise ValueError(
                "A translator is scored on the test split of a paired "
                f"translation dataset: {error}"
            ) from error

    test = load("test")
    if not test.paired:
        raise ValueError(
            "A translator is scored against aligned targets: `dataset` must "
            f"be a paired translation dataset; {dataset!r} is unpaired "
            "(score two-way models on it with translation_evaluation."
            "unpaired_scores). " + format_received(dataset=dataset)
        )
    # The honest mean baseline: the mean *training* target.
    train_targets = to_model_range(load("train").b)
    mean_target = (
        train_targets.mean(axis=0)
        if train_targets.shape[1:] == test.b.shape[1:]
        else None
    )

    def translate(images):
        return np.concatenate([
            artifact(images[i : i + batch_size])
            for i in range(0, len(images), batch_size)
        ])

    scores = paired_scores(translate, test.a, test.b, mean_target)
    return {
        **_rounded(scores),
        "dataset": dataset,
        "split": "test",
        "direction": direction,
        "image_shape": list(test.a.shape[1:]),
        "backend": keras.backend.backend(),
    }


def _evaluate_upscaler(artifact, dataset, data_dir, **unused):
    import keras

    from keras_gans.data.folder import list_images
    from keras_gans.metrics.super_resolution import upscaling_scores

    folder = data_dir
    if folder is None and dataset is not None and os.path.isdir(dataset):
        folder = dataset
    if folder is None:
        raise ValueError(
            "An upscaler is scored on a folder of HR images (e.g. Set5): "
            "pass it as `data_dir` (`--data-dir`). "
            + format_received(data_dir=data_dir, dataset=dataset)
        )
    scale = artifact.scale
    channels = artifact.input_shape[2]
    paths = list_images(folder)
    hr_images = [_read_hr(path, channels) for path in paths]
    scores = upscaling_scores(artifact, hr_images, scale)
    return {
        **_rounded(scores),
        "scale": int(scale),
        "dataset": dataset or os.path.basename(os.path.normpath(folder)),
        "data_dir": os.fspath(folder),
        "images": [os.path.relpath(path, folder) for path in paths],
        "backend": keras.backend.backend(),
    }


def _rounded(scores):
    return {
        key: round(value, 4) if isinstance(value, float) else value
        for key, value in scores.items()
    }


def _read_hr(path, channels):
    from keras_gans.data import read_image

    image = np.asarray(read_image(path, "L" if channels == 1 else "RGB"))
    return image.reshape(image.shape[:2] + (channels,))


def _require_dataset(dataset, kind, expected):
    if dataset is None:
        raise ValueError(
            f"A {kind} is measured against `dataset`: pass {expected} "
            "(`--dataset`). " + format_received(dataset=dataset)
        )


_KINDS = {
    "generator": (
        _evaluate_generator,
        "n generated images against the dataset's training images through "
        "one feature extractor: FID, KID, precision/recall (k=3), "
        "Inception Score, real-vs-real FID floor",
    ),
    "translator": (
        _evaluate_translator,
        "translations of the paired test split against its targets: PSNR "
        "and SSIM in [-1, 1] over all channels, with the input and mean "
        "training target as baselines",
    ),
    "upscaler": (
        _evaluate_upscaler,
        "HR images cropped to a multiple of scale, LR by MATLAB bicubic "
        "downscaling (imresize, 8-bit); PSNR and SSIM on the Y channel of "
        "MATLAB's rgb2ycbcr (BT.601 16-235 in whole levels; a one-channel "
        "image is its own Y) with scale pixels shaved; sharpness = mean Y "
        "gradient magnitude over the HR's; bicubic upscaling as baseline",
    ),
}


def evaluate_images(
    images,
    dataset,
    data_dir=None,
    image_shape=None,
    seed=0,
    cache_dir=None,
    n_real=None,
    batch_size=256,
    extractor="classifier",
    labels=None,
    feature_layer=None,
):
    """Measures generated images held in memory; see `evaluate()`.

    Args:
        images: `(N, H, W, C)` generated images in [-1, 1] (NumPy or a
            backend tensor), N >= 2.
        labels: the `(N,)` integer labels the images were generated for
            (conditional generators); adds `label_acc`.
        dataset, data_dir, seed, cache_dir, n_real, batch_size, extractor,
        feature_layer: as in `evaluate()`.
        image_shape: default `images.shape[1:]`; must equal it.

    Returns:
        The dict of `evaluate()` without the artifact entries.

    Raises:
        ValueError: if `images` is not 4-D or has fewer than 2 images, its
            shape differs from `image_shape`, `labels` do not match the
            images, or as in `evaluate()`.

    Example:

    ```python
    result = evaluate_images(gan.generate(10_000, seed=0), "mnist-idx",
                             data_dir="data/mnist")
    ```
    """
    from keras_gans.metrics.image_checks import check_rank
    from keras_gans.metrics.image_checks import to_numpy

    start = time.perf_counter()
    images = check_rank(to_numpy(images, "images"), "images")
    _check_count("n", len(images))
    batch_size = check_positive_int("batch_size", batch_size)
    _check_same_shape(image_shape, images.shape[1:], "images'")
    if labels is not None:
        labels = np.asarray(labels)
        if labels.shape != (len(images),):
            raise ValueError(
                f"`labels` must hold one label per image ({len(images)}). "
                + format_received(labels=f"array of shape {labels.shape}")
            )
    batches = (
        images[i : i + batch_size] for i in range(0, len(images), batch_size)
    )
    result = _evaluate_batches(
        batches, labels, dataset, data_dir, tuple(images.shape[1:]), seed,
        cache_dir, n_real, batch_size, extractor, feature_layer,
    )
    result["seconds"] = round(time.perf_counter() - start, 2)
    return result


def resolve_extractor(
    extractor, dataset, data_dir, image_shape, cache_dir, feature_layer=None
):
    """`get_feature_extractor`, checking that a classifier fits the data.

    Raises:
        ValueError: for a `ClassifierFeatureExtractor` trained on another
            dataset or image shape.
    """
    from keras_gans.metrics import ClassifierFeatureExtractor
    from keras_gans.metrics import get_feature_extractor

    resolved = get_feature_extractor(
        extractor, dataset=dataset, data_dir=data_dir,
        image_shape=image_shape, cache_dir=cache_dir,
        feature_layer=feature_layer,
    )
    if isinstance(resolved, ClassifierFeatureExtractor):
        found = (resolved.metadata.get("dataset"), resolved.image_shape)
        if found != (dataset, tuple(image_shape)):
            raise ValueError(
                f"`extractor` must be trained on dataset {dataset!r} at "
                f"image_shape {tuple(image_shape)}; it was trained on "
                f"{found[0]!r} at {found[1]}. "
                + format_received(extractor=str(extractor))
            )
    return resolved


def _evaluate_batches(
    batches, labels, dataset, data_dir, image_shape, seed, cache_dir,
    n_real, batch_size, extractor, feature_layer,
):
    """The shared part: real features and floor, then generated batches."""
    import keras

    from keras_gans import data
    from keras_gans.metrics import FeatureStatistics
    from keras_gans.metrics import frechet_distance
    from keras_gans.metrics import label_accuracy

    if n_real is not None:
        n_real = _check_count("n_real", n_real)
    extractor = resolve_extractor(
        extractor, dataset, data_dir, image_shape, cache_dir, feature_layer
    )
    real = data.load_arrays(dataset, data_dir=data_dir, image_shape=image_shape)
    rng = np.random.default_rng(seed)
    if n_real is not None and n_real < len(real):
        # Subset before extracting: large extractors cost per image.
        real = real[np.sort(rng.permutation(len(real))[:n_real])]
    real_features = extractor.features(
        real, batch_size=batch_size, name="real_images"
    )
    del real
    half_a, half_b = np.array_split(rng.permutation(len(real_features)), 2)
    fid_real_vs_real = frechet_distance(
        FeatureStatistics().update(real_features[half_a]),
        FeatureStatistics().update(real_features[half_b]),
    )
    real_stats = FeatureStatistics().update(real_features)
    judge = None
    if labels is not None:
        judge = _label_classifier(
            extractor, dataset, data_dir, image_shape, cache_dir
        )
    fake_stats, fake_features, probabilities, predicted = _generated(
        batches, extractor, judge, batch_size
    )
    result = {
        "fid": round(frechet_distance(real_stats, fake_stats), 4),
        **_set_metrics(real_features, fake_features, seed),
        **_class_metrics(probabilities, extractor, seed),
        "n": int(fake_stats.count),
        "n_real": int(real_stats.count),
        "dataset": dataset,
        "image_shape": list(image_shape),
        "seed": seed,
        "extractor": _describe(extractor),
        "fid_real_vs_real": round(fid_real_vs_real, 4),
        "real_vs_real_sizes": [int(len(half_a)), int(len(half_b))],
        "backend": keras.backend.backend(),
    }
    if judge is not None:
        result["label_acc"] = round(
            label_accuracy(predicted, np.asarray(labels, "int64")), 4
        )
        result["label_classifier"] = judge.name
    return result


def _label_classifier(extractor, dataset, data_dir, image_shape, cache_dir):
    """The dataset's classifier, which judges conditional samples."""
    from keras_gans.metrics import ClassifierFeatureExtractor

    if isinstance(extractor, ClassifierFeatureExtractor):
        return extractor
    return ClassifierFeatureExtractor.for_dataset(
        dataset, data_dir=data_dir, image_shape=image_shape,
        cache_dir=cache_dir,
    )


def _generated(batches, extractor, judge, batch_size):
    """Streams generated batches once through the extractor (and judge).

    Returns:
        FID statistics, the features, the class probabilities (or None)
        and the judge's predicted labels (or None).
    """
    from keras_gans.metrics import FeatureStatistics

    stats = FeatureStatistics()
    features, probabilities, predicted = [], [], []
    for batch in batches:
        feats, probs = extractor.extract(
            batch, batch_size=batch_size, name="generated_images"
        )
        stats.update(feats)
        features.append(feats)
        if probs is not None:
            probabilities.append(probs.astype("float32"))
        if judge is extractor:
            predicted.append(np.argmax(probs, axis=-1))
        elif judge is not None:
            predicted.append(judge.predict_labels(batch, batch_size=batch_size))
    return (
        stats,
        np.concatenate(features),
        np.concatenate(probabilities) if probabilities else None,
        np.concatenate(predicted) if predicted else None,
    )


def _set_metrics(real_features, fake_features, seed):
    from keras_gans.metrics import kernel_distance
    from keras_gans.metrics import precision_recall

    kid, kid_std = kernel_distance(real_features, fake_features, seed=seed)
    precision, recall = precision_recall(real_features, fake_features)
    return {
        "kid": round(kid, 6),
        "kid_std": round(kid_std, 6),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
    }


def _class_metrics(probabilities, extractor, seed):
    """Inception Score, mode coverage and recognisability (classes)."""
    from keras_gans.metrics import inception_score

    if probabilities is None:
        return {}
    # float32 rows may miss 1 by rounding; IS wants exact distributions.
    probabilities = probabilities / probabilities.sum(axis=1, keepdims=True)
    splits = min(INCEPTION_SCORE_SPLITS, len(probabilities))
    # IS splits are consecutive: shuffle first, or class-ordered samples
    # (conditional generators draw labels in blocks) put one class in each
    # split and score ~1.
    order = np.random.default_rng(seed).permutation(len(probabilities))
    score, score_std = inception_score(probabilities[order], splits=splits)
    predicted = np.argmax(probabilities, axis=-1)
    counts = np.bincount(predicted, minlength=extractor.num_classes)
    return {
        "inception_score": round(score, 4),
        "inception_score_std": round(score_std, 4),
        "class_counts": counts.tolist(),
        # Mode balance: each class's share of the samples, and the two
        # extremes (an even generator of 10 classes keeps both near 10%).
        "class_shares": np.round(counts / len(predicted), 4).tolist(),
        "min_class_share": round(float(counts.min() / len(predicted)), 4),
        "max_class_share": round(float(counts.max() / len(predicted)), 4),
        # How sure the classifier is of each sample's class, on average:
        # malformed samples that FID's mean and covariance can absorb
        # still lower it.
        "recognisability": round(float(np.mean(probabilities.max(axis=1))), 4),
    }


def _describe(extractor):
    description = extractor.describe()
    description["trained_now"] = bool(getattr(extractor, "trained", False))
    if "accuracy" in extractor.metadata:
        description["accuracy"] = extractor.metadata["accuracy"]
    description["key"] = (extractor.metadata.get("data_hash") or "")[:16]
    return description


def _check_same_shape(image_shape, expected, whose):
    if image_shape is None:
        return
    if check_image_shape(image_shape) != tuple(expected):
        raise ValueError(
            f"`image_shape` must equal the {whose} image shape "
            f"{tuple(expected)}: generated images are not resized. "
            + format_received(image_shape=image_shape)
        )


def _check_count(name, value):
    value = check_positive_int(name, value)
    if value < 2:
        raise ValueError(
            f"`{name}` must be at least 2 (a covariance needs 2 "
            "samples). " + format_received(**{name: value})
        )
    return value
