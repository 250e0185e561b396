"""FID of a generator artifact against a dataset's real images.

    python bench/fid.py ARTIFACT --dataset mnist-idx \
        --data-dir ../shared/data/mnist --n 10000 [--image-shape 28,28,1] \
        [--seed 0] [--n-real N] [--cache-dir DIR] [--extractor FILE.keras]

ARTIFACT is anything `keras_gans.export.load_generator_artifact` accepts: a
`.keras` file, an export directory, a SavedModel directory or a `.tflite`
file. The script samples `n` images (the latents of
`artifact.sample(n, seed=seed)`), computes their FID against the real
images with the dataset's `ClassifierFeatureExtractor` (trained and cached
on first use), and prints ONE JSON line on stdout:

    {"fid": 12.3, "n": 10000, "dataset": "mnist-idx",
     "extractor": {"name": "classifier-mnist-idx-28x28x1", "accuracy": 0.98,
                   ...},
     "fid_real_vs_real": 1.1, "real_vs_real_sizes": [5000, 5000], ...}

`kid` (unbiased MMD², cubic kernel, mean and std over 100 subsets of
1,000) and `precision`/`recall` (k-NN manifolds, k=3) use the same
features. `class_counts` are the classifier's predicted labels of the generated
images per class: a mode-coverage check. `fid_real_vs_real` is the floor: the FID between two seeded random halves
of the real images. FID is biased upwards for small sets, so the floor at
half the real set is somewhat above what identical distributions would
score at `n` vs all real images. All other output goes to stderr.

`evaluate()` (an artifact) and `evaluate_images()` (images in memory) are
the importable entry points.
"""

import argparse
import contextlib
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def evaluate(
    artifact_path,
    dataset,
    data_dir=None,
    n=10_000,
    image_shape=None,
    seed=0,
    cache_dir=None,
    n_real=None,
    batch_size=256,
    extractor=None,
):
    """Computes the FID of a generator artifact against real images.

    Generated images are produced and measured batch by batch, so `n` is
    not limited by memory.

    Args:
        artifact_path: a `.keras` file, export directory, SavedModel
            directory or `.tflite` file (see
            `keras_gans.export.load_generator_artifact`).
        dataset: `"mnist-idx"`, `"digits"` or a labelled
            tensorflow-datasets name.
        data_dir: the dataset's directory (required by `"mnist-idx"`).
        n: number of generated images (>= 2).
        image_shape: `(height, width, channels)`; default the artifact's.
            Must equal the artifact's image shape (real images are resized
            to it, generated ones are not).
        seed: seed of the latents (as `artifact.sample(n, seed=seed)`), of
            the real-vs-real halves and of the `n_real` subset.
        cache_dir: extractor cache root (default `$KERAS_GANS_CACHE` or
            `~/.cache/keras_gans`).
        n_real: number of real images to compare with; default all.
        batch_size: images per generator call and per forward pass.
        extractor: a `ClassifierFeatureExtractor` (or its `.keras` path)
            for this dataset and image shape; default
            `ClassifierFeatureExtractor.for_dataset(dataset, data_dir,
            image_shape, cache_dir)`.

    Returns:
        A dict: `fid`, `n`, `n_real`, `dataset`, `image_shape`, `seed`,
        `extractor` (`name`, `accuracy` on its held-out images,
        `feature_dim`, `key`, `trained_now`), `fid_real_vs_real`,
        `real_vs_real_sizes`, `backend`, `seconds`, `artifact` and
        `artifact_kind`.

    Raises:
        ValueError: for `n` < 2, a non-positive `n_real` or `batch_size`,
            an `image_shape` different from the artifact's, an `extractor`
            of another dataset or image shape, or invalid dataset arguments.
        FileNotFoundError: for a missing artifact or data directory.

    Example:

    ```python
    result = evaluate("exports/dcgan", "mnist-idx", data_dir="data/mnist")
    result["fid"], result["fid_real_vs_real"]
    ```
    """
    from keras_gans.export import load_generator_artifact
    from keras_gans.utils.validation import check_image_shape
    from keras_gans.utils.validation import check_positive_int
    from keras_gans.utils.validation import format_received

    start = time.perf_counter()
    n = _check_count("n", n)
    batch_size = check_positive_int("batch_size", batch_size)
    artifact = load_generator_artifact(artifact_path)
    if image_shape is None:
        image_shape = artifact.image_shape
    if check_image_shape(image_shape) != artifact.image_shape:
        raise ValueError(
            f"`image_shape` must equal the artifact's image shape "
            f"{artifact.image_shape}: generated images are not resized. "
            + format_received(image_shape=image_shape)
        )
    latents = artifact.latents_for(n, seed)
    batches = (
        artifact(latents[i : i + batch_size]) for i in range(0, n, batch_size)
    )
    result = _evaluate_batches(
        batches, dataset, data_dir, artifact.image_shape, seed, cache_dir,
        n_real, batch_size, extractor,
    )
    result.update(
        artifact=os.fspath(artifact_path),
        artifact_kind=artifact.kind,
        seconds=round(time.perf_counter() - start, 2),
    )
    return result


def evaluate_images(
    images,
    dataset,
    data_dir=None,
    image_shape=None,
    seed=0,
    cache_dir=None,
    n_real=None,
    batch_size=256,
    extractor=None,
):
    """Computes the FID of generated images held in memory.

    Args:
        images: `(N, H, W, C)` generated images in [-1, 1] (NumPy or a
            backend tensor), N >= 2.
        dataset, data_dir, seed, cache_dir, n_real, batch_size, extractor:
            as in `evaluate()`.
        image_shape: default `images.shape[1:]`; must equal it.

    Returns:
        The dict of `evaluate()` without the `artifact` entries.

    Raises:
        ValueError: if `images` is not 4-D or has fewer than 2 images, its
            shape differs from `image_shape`, or as in `evaluate()`.

    Example:

    ```python
    result = evaluate_images(gan.generate(10_000, seed=0), "mnist-idx",
                             data_dir="data/mnist")
    ```
    """
    import keras
    import numpy as np

    from keras_gans.utils.validation import check_image_shape
    from keras_gans.utils.validation import check_positive_int
    from keras_gans.utils.validation import format_received

    start = time.perf_counter()
    if not isinstance(images, np.ndarray) and hasattr(images, "shape"):
        images = keras.ops.convert_to_numpy(images)
    images = np.asarray(images)
    if images.ndim != 4:
        raise ValueError(
            "`images` must be a 4-D array (N, height, width, channels). "
            + format_received(images=f"array of shape {images.shape}")
        )
    _check_count("n", len(images))
    batch_size = check_positive_int("batch_size", batch_size)
    if image_shape is None:
        image_shape = images.shape[1:]
    image_shape = check_image_shape(image_shape)
    if image_shape != images.shape[1:]:
        raise ValueError(
            "`image_shape` must equal the shape of the images "
            f"{images.shape[1:]}: generated images are not resized. "
            + format_received(image_shape=image_shape)
        )
    batches = (
        images[i : i + batch_size] for i in range(0, len(images), batch_size)
    )
    result = _evaluate_batches(
        batches, dataset, data_dir, image_shape, seed, cache_dir, n_real,
        batch_size, extractor,
    )
    result["seconds"] = round(time.perf_counter() - start, 2)
    return result


def _evaluate_batches(
    batches, dataset, data_dir, image_shape, seed, cache_dir, n_real,
    batch_size, extractor,
):
    """The shared part: real statistics, floor, generated statistics."""
    import keras
    import numpy as np

    from keras_gans import data
    from keras_gans.metrics import FeatureStatistics
    from keras_gans.metrics import frechet_distance
    from keras_gans.metrics import kernel_distance
    from keras_gans.metrics import precision_recall

    if n_real is not None:
        n_real = _check_count("n_real", n_real)
    extractor = _get_extractor(
        extractor, dataset, data_dir, image_shape, cache_dir
    )
    real = data.load_arrays(dataset, data_dir=data_dir, image_shape=image_shape)
    real_features = extractor.features(real, batch_size=batch_size)

    rng = np.random.default_rng(seed)
    order = rng.permutation(len(real))
    half_a, half_b = np.array_split(order, 2)
    fid_real_vs_real = frechet_distance(
        FeatureStatistics().update(real_features[half_a]),
        FeatureStatistics().update(real_features[half_b]),
    )
    if n_real is not None and n_real < len(real):
        real_features = real_features[np.sort(order[:n_real])]
    real_stats = FeatureStatistics().update(real_features)
    class_counts = np.zeros(int(extractor.model.output_shape[-1]), "int64")
    fake_stats = FeatureStatistics()
    fake_features = []
    for batch in batches:
        features = extractor.features(
            batch, batch_size=batch_size, name="generated_images"
        )
        fake_stats.update(features)
        fake_features.append(features)
        # Mode coverage: the classifier's labels for the generated images.
        labels = extractor.predict_labels(batch, batch_size=batch_size)
        class_counts += np.bincount(labels, minlength=len(class_counts))
    fake_features = np.concatenate(fake_features)
    kid, kid_std = kernel_distance(real_features, fake_features, seed=seed)
    precision, recall = precision_recall(real_features, fake_features)
    meta = extractor.metadata
    return {
        "fid": round(frechet_distance(real_stats, fake_stats), 4),
        "n": int(fake_stats.count),
        "n_real": int(real_stats.count),
        "dataset": dataset,
        "image_shape": list(image_shape),
        "seed": seed,
        "extractor": {
            "name": extractor.name,
            "accuracy": extractor.accuracy,
            "feature_dim": extractor.feature_dim,
            "key": (meta.get("data_hash") or "")[:16],
            "trained_now": extractor.trained,
        },
        "kid": round(kid, 6),
        "kid_std": round(kid_std, 6),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "class_counts": class_counts.tolist(),
        "fid_real_vs_real": round(fid_real_vs_real, 4),
        "real_vs_real_sizes": [int(len(half_a)), int(len(half_b))],
        "backend": keras.backend.backend(),
    }


def _get_extractor(extractor, dataset, data_dir, image_shape, cache_dir):
    from keras_gans.metrics import ClassifierFeatureExtractor
    from keras_gans.utils.validation import format_received

    if extractor is None:
        return ClassifierFeatureExtractor.for_dataset(
            dataset, data_dir=data_dir, image_shape=image_shape,
            cache_dir=cache_dir,
        )
    if not isinstance(extractor, ClassifierFeatureExtractor):
        extractor = ClassifierFeatureExtractor.load(extractor)
    found = (extractor.metadata.get("dataset"), extractor.image_shape)
    if found != (dataset, tuple(image_shape)):
        raise ValueError(
            f"`extractor` must be trained on dataset {dataset!r} at "
            f"image_shape {tuple(image_shape)}; it was trained on "
            f"{found[0]!r} at {found[1]}. "
            + format_received(extractor=str(extractor))
        )
    return extractor


def _check_count(name, value):
    from keras_gans.utils.validation import check_positive_int
    from keras_gans.utils.validation import format_received

    value = check_positive_int(name, value)
    if value < 2:
        raise ValueError(
            f"`{name}` must be at least 2 (a covariance needs 2 "
            "samples). " + format_received(**{name: value})
        )
    return value


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="FID of a generator artifact against a dataset, with "
        "a classifier feature extractor (prints one JSON line)."
    )
    parser.add_argument(
        "artifact", help=".keras file, export dir, SavedModel dir or .tflite"
    )
    parser.add_argument("--dataset", required=True)
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument(
        "--image-shape", default=None,
        help="H,W,C (default: the artifact's image shape)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--n-real", type=int, default=None)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--cache-dir", default=None)
    parser.add_argument(
        "--extractor", default=None,
        help="an extractor .keras file to use (pins the features)",
    )
    args = parser.parse_args(argv)
    if args.image_shape is not None:
        try:
            args.image_shape = tuple(
                int(part) for part in args.image_shape.split(",")
            )
        except ValueError:
            parser.error(
                f"--image-shape must be H,W,C integers, got {args.image_shape!r}"
            )
    return args


@contextlib.contextmanager
def _stdout_to_stderr():
    """Sends everything written to stdout (also by C code) to stderr."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        with contextlib.redirect_stdout(sys.stderr):
            yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def main(argv=None):
    args = parse_args(argv)
    try:
        with _stdout_to_stderr():
            result = evaluate(
                args.artifact,
                args.dataset,
                data_dir=args.data_dir,
                n=args.n,
                image_shape=args.image_shape,
                seed=args.seed,
                cache_dir=args.cache_dir,
                n_real=args.n_real,
                batch_size=args.batch_size,
                extractor=args.extractor,
            )
    except (ValueError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
