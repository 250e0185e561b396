"""FID helpers: stream images through an extractor, compare the statistics."""

from keras_gans.metrics.feature_statistics import FeatureStatistics
from keras_gans.metrics.frechet_distance import frechet_distance
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received


def feature_statistics(images, extractor, batch_size=256, name="images"):
    """Feature mean and covariance of images, computed batch by batch.

    Args:
        images: `(N, H, W, C)` floats in [-1, 1] (NumPy or a backend
            tensor), or an iterable of such batches (e.g. a `tf.data`
            dataset from `keras_gans.data.load(..., shuffle=False)`; an
            `(images, labels)` element uses the images).
        extractor: a `FeatureExtractor` (e.g. `ClassifierFeatureExtractor`
            or `InceptionFeatureExtractor`).
        batch_size: images per forward pass.
        name: argument name used in error messages.

    Returns:
        A `FeatureStatistics`.

    Raises:
        ValueError: for invalid images (see
            `FeatureExtractor.extract`) or fewer than 2 images.
    """
    batch_size = check_positive_int("batch_size", batch_size)
    stats = FeatureStatistics()
    for batch in iterate_batches(images, batch_size):
        stats.update(
            extractor.features(batch, batch_size=batch_size, name=name)
        )
    if stats.count < 2:
        raise ValueError(
            f"`{name}` must hold at least 2 images for a covariance. "
            + format_received(**{name: f"{stats.count} image(s)"})
        )
    return stats


def fid_from_images(real_images, fake_images, extractor, batch_size=256):
    """FID between two image sets, streamed through `extractor`.

    Args:
        real_images: `(N, H, W, C)` images in [-1, 1], an iterable of
            batches, or a precomputed `FeatureStatistics`.
        fake_images: the same for the generated images.
        extractor: a `FeatureExtractor` (e.g. `ClassifierFeatureExtractor`
            or `InceptionFeatureExtractor`).
        batch_size: images per forward pass.

    Returns:
        The Frechet distance as a float >= 0 (see `frechet_distance`).

    Raises:
        ValueError: for invalid images or too few of them.

    Example:

    ```python
    extractor = ClassifierFeatureExtractor.for_dataset("digits")
    fid = fid_from_images(real, gan.generate(1797, seed=0), extractor)
    ```
    """
    real = _statistics(real_images, extractor, batch_size, "real_images")
    fake = _statistics(fake_images, extractor, batch_size, "fake_images")
    return frechet_distance(real, fake)


def compute_fid(
    generator_sample_fn, real_images, extractor, n, batch_size=256
):
    """FID of `n` generated images against real images, streamed.

    `generator_sample_fn(count)` is called repeatedly with at most
    `batch_size` and must return `count` new images in [-1, 1]; only one
    batch of generated images is held at a time.

    Args:
        generator_sample_fn: callable `count -> (count, H, W, C)` images,
            e.g. `lambda k: gan.generate(k)`.
        real_images: real images in [-1, 1], an iterable of batches, or a
            precomputed `FeatureStatistics` of them.
        extractor: a `FeatureExtractor` (e.g. `ClassifierFeatureExtractor`
            or `InceptionFeatureExtractor`).
        n: number of generated images (>= 2).
        batch_size: images per call and per forward pass.

    Returns:
        The Frechet distance as a float >= 0.

    Raises:
        ValueError: if `n` is not an integer >= 2, a batch has the wrong
            number of images, or the images are invalid.

    Example:

    ```python
    artifact = keras_gans.export.load_generator_artifact("exports/dcgan")
    fid = compute_fid(artifact.sample, real, extractor, n=10_000)
    ```
    """
    n = check_positive_int("n", n)
    if n < 2:
        raise ValueError(
            "`n` must be at least 2 (a covariance needs 2 samples). "
            + format_received(n=n)
        )
    batch_size = check_positive_int("batch_size", batch_size)
    if not callable(generator_sample_fn):
        raise ValueError(
            "`generator_sample_fn` must be a callable count -> images. "
            + format_received(generator_sample_fn=generator_sample_fn)
        )
    real = _statistics(real_images, extractor, batch_size, "real_images")
    fake = FeatureStatistics()
    remaining = n
    while remaining > 0:
        count = min(batch_size, remaining)
        batch = generator_sample_fn(count)
        found = len(batch)
        if found != count:
            raise ValueError(
                f"`generator_sample_fn({count})` must return {count} images. "
                + format_received(
                    generator_sample_fn=f"{found} images returned"
                )
            )
        batch = extractor.check_images(batch, name="generator_sample_fn(count)")
        fake.update(extractor.features(batch, batch_size=batch_size))
        remaining -= count
    return frechet_distance(real, fake)


def _statistics(images, extractor, batch_size, name):
    if isinstance(images, FeatureStatistics):
        return images
    return feature_statistics(images, extractor, batch_size, name=name)


def iterate_batches(images, batch_size):
    """Yields batches of an array or of an iterable of batches (the images
    of `(images, labels)` elements)."""
    if hasattr(images, "shape") and hasattr(images, "dtype"):
        for start in range(0, len(images), batch_size):
            yield images[start : start + batch_size]
        return
    for element in images:
        if isinstance(element, (tuple, list)):
            element = element[0]
        yield element
