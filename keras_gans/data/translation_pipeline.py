"""The tf.data tail of the translation loaders.

uint8 examples -> `cache()` -> seeded `shuffle()` -> scale to [-1, 1] ->
jitter -> `batch(drop_remainder=True)` -> `prefetch(AUTOTUNE)`.

The cache holds the decoded uint8 pixels rather than the float32 ones the
`load()` pipeline caches: a translation set holds two images per example,
often 256x256 RGB, and uint8 takes a quarter of the memory; the cast is
negligible next to the jitter. The jitter runs after the shuffle, so every
epoch draws new crops and flips.
"""

import tensorflow as tf

from keras_gans.data import pipeline
from keras_gans.data.transforms import jitter_pair
from keras_gans.data.transforms import random_jitter
from keras_gans.data.translation_checks import JITTER_CROP
from keras_gans.utils.validation import format_received


def check_batch_size(batch_size, num_examples, what):
    """Raises if a split has fewer examples than one batch."""
    if num_examples is not None and batch_size > num_examples:
        raise ValueError(
            f"`batch_size` is larger than the {num_examples} {what}: every "
            "batch must be full (drop_remainder=True), so the dataset would "
            "yield no batch. Use a smaller batch_size. "
            + format_received(batch_size=batch_size)
        )


def _with_seeds(dataset, seed):
    """Zips each element with its own stateless seed of shape `(2,)`.

    The seeds come from `Dataset.random`, which draws a new sequence every
    epoch but the same sequences for the same `seed`.
    """
    seeds = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True)
    return tf.data.Dataset.zip((dataset, seeds.batch(2)))


def _cache_and_shuffle(dataset, num_examples, shuffle, seed, cache, in_memory):
    if cache:
        dataset = dataset.cache("" if cache is True else str(cache))
    if shuffle:
        if in_memory and num_examples:
            buffer_size = num_examples
        else:
            buffer_size = min(
                num_examples or pipeline.MAX_STREAM_BUFFER,
                pipeline.MAX_STREAM_BUFFER,
            )
        dataset = dataset.shuffle(
            buffer_size, seed=seed, reshuffle_each_iteration=True
        )
    return dataset


def pair_examples(
    dataset,
    num_examples,
    jitter,
    seed,
    shuffle=True,
    cache=True,
    in_memory=True,
):
    """Scaled, shuffled, jittered `(a, b)` pairs, not yet batched.

    Args:
        dataset: unbatched dataset of uint8 `(a, b)` image pairs.
        num_examples: number of pairs, or `None` if unknown.
        jitter: `True`, `"crop"` or `False` (see `load_paired`).
        seed: seed of the shuffle and of the jitter, or `None`.
        shuffle: reshuffle every epoch.
        cache: `True` (memory), a file path, or `False`.
        in_memory: the data sits in memory (shuffle over all of it).

    Returns:
        A dataset of float32 `(a, b)` pairs in [-1, 1].
    """
    dataset = _cache_and_shuffle(
        dataset, num_examples, shuffle, seed, cache, in_memory
    )
    dataset = dataset.map(
        lambda a, b: (pipeline.scale_images(a), pipeline.scale_images(b)),
        num_parallel_calls=tf.data.AUTOTUNE,
    )
    if not jitter:
        return dataset
    mirror = jitter != JITTER_CROP
    return _with_seeds(dataset, seed).map(
        lambda pair, pair_seed: jitter_pair(*pair, pair_seed, mirror),
        num_parallel_calls=tf.data.AUTOTUNE,
    )


def domain_examples(
    dataset,
    num_examples,
    jitter,
    seed,
    shuffle=True,
    cache=True,
    in_memory=True,
):
    """Scaled, shuffled, jittered images of one domain, not yet batched.

    Args: as in `pair_examples`, for a dataset of uint8 images.

    Returns:
        A dataset of float32 images in [-1, 1].
    """
    dataset = _cache_and_shuffle(
        dataset, num_examples, shuffle, seed, cache, in_memory
    )
    dataset = dataset.map(
        pipeline.scale_images, num_parallel_calls=tf.data.AUTOTUNE
    )
    if not jitter:
        return dataset
    mirror = jitter != JITTER_CROP
    return _with_seeds(dataset, seed).map(
        lambda image, image_seed: random_jitter(image, image_seed, mirror),
        num_parallel_calls=tf.data.AUTOTUNE,
    )


def zip_domains(domain_a, count_a, domain_b, count_b):
    """Zips two domains into `(a, b)` pairs, one epoch of the larger one.

    The smaller domain repeats (reshuffled on every pass when its dataset
    reshuffles), as in CycleGAN's unaligned dataset. When a count is
    unknown, domain A defines the epoch and domain B repeats.
    """
    if count_a is not None and count_b is not None and count_b > count_a:
        return tf.data.Dataset.zip((domain_a.repeat(), domain_b))
    return tf.data.Dataset.zip((domain_a, domain_b.repeat()))


def batch(dataset, batch_size):
    """Full batches only (drop_remainder), then prefetch."""
    dataset = dataset.batch(batch_size, drop_remainder=True)
    return dataset.prefetch(tf.data.AUTOTUNE)
