"""The tf.data tail of the translation loaders.

uint8 examples -> `cache()` -> seeded `shuffle()` -> scale to [-1, 1] ->
jitter -> `batch(drop_remainder=True)` -> `prefetch(AUTOTUNE)`.

The cache holds the decoded uint8 pixels rather than the float32 ones the
`load()` pipeline caches: a translation set holds two images per example,
often 256x256 RGB, and uint8 takes a quarter of the memory; the cast is
negligible next to the jitter. The jitter runs after the shuffle, so every
epoch draws new crops and flips.

With `epochs` (`paired_epochs`, `unpaired_epochs`) the passes of a run are
built together and each epoch's order and jitter are a pure function of
the seed and the epoch number, as `keras_gans.data.pipeline.epoch_passes`
does for `load()`: a resumed run sees the batches of an uninterrupted one.
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


def _cache(dataset, cache):
    if cache:
        dataset = dataset.cache("" if cache is True else str(cache))
    return dataset


def _buffer_size(num_examples, in_memory):
    if in_memory and num_examples:
        return num_examples
    return min(
        num_examples or pipeline.MAX_STREAM_BUFFER, pipeline.MAX_STREAM_BUFFER
    )


def _cache_and_shuffle(dataset, num_examples, shuffle, seed, cache, in_memory):
    dataset = _cache(dataset, cache)
    if shuffle:
        dataset = dataset.shuffle(
            _buffer_size(num_examples, in_memory),
            seed=seed,
            reshuffle_each_iteration=True,
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
    dataset = dataset.map(_scale_pair, num_parallel_calls=tf.data.AUTOTUNE)
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


def epoch_steps(count_a, count_b, batch_size):
    """Batches of one epoch: one pass over the larger domain (or the
    pairs), in full batches."""
    return pipeline.steps_per_epoch(max(count_a, count_b), batch_size)


def paired_epochs(
    dataset,
    num_examples,
    batch_size,
    jitter,
    seed,
    epochs,
    shuffle=True,
    cache=True,
    in_memory=True,
):
    """Batched `(a, b)` pairs of the given epochs, each keyed by its number.

    The order and the jitter of epoch `e` are a pure function of
    `(seed, e)` (see `keras_gans.data.pipeline.epoch_passes`), so a run
    resumed at epoch `e` sees the batches of an uninterrupted one.

    Args:
        dataset: unbatched dataset of uint8 `(a, b)` image pairs.
        num_examples: number of pairs.
        batch_size: pairs per batch (full batches only).
        jitter: `True`, `"crop"` or `False` (see `load_paired`).
        seed: seed of the orders and the jitter, or `None` (then drawn).
        epochs: the epoch numbers, e.g. `range(initial_epoch, epochs)`.
        shuffle: shuffle each epoch (otherwise the file order).
        cache: `True` (memory), a file path, or `False`.
        in_memory: the data sits in memory (shuffle over all of it).

    Returns:
        A prefetched dataset of `len(epochs) * (num_examples //
        batch_size)` batches of float32 pairs in [-1, 1].
    """
    dataset = _cache(dataset, cache)
    buffer_size = _buffer_size(num_examples, in_memory) if shuffle else None
    base_seed = pipeline.seed_tensor(seed)
    jitter_fn = _pair_jitter(jitter)

    def one_pass(epoch):
        pairs = _keyed_pass(
            dataset,
            buffer_size,
            pipeline.mix_seed(base_seed, epoch),
            _scale_pair,
            jitter_fn,
        )
        return pairs.batch(batch_size, drop_remainder=True)

    steps = epoch_steps(num_examples, num_examples, batch_size)
    passes = pipeline.keyed_epochs(one_pass, epochs, steps)
    return passes.prefetch(tf.data.AUTOTUNE)


def unpaired_epochs(
    domains,
    batch_size,
    jitter,
    seed,
    epochs,
    shuffle=True,
    caches=(True, True),
    in_memory=True,
):
    """Batched `(a, b)` of two unpaired domains, each epoch keyed by its number.

    An epoch is one pass over the larger domain (A when the counts are
    equal) zipped with passes over the other, repeated as often as it
    takes, as `zip_domains` does. Every pass of either domain, repeats
    included, has its own order and jitter, a pure function of `(seed,
    epoch, domain, repeat)`.

    Args:
        domains: `[(dataset_a, count_a), (dataset_b, count_b)]`, unbatched
            uint8 images and their numbers.
        batch_size, jitter, seed, epochs, shuffle, in_memory: as in
            `paired_epochs`.
        caches: the `cache` argument of each domain.

    Returns:
        A prefetched dataset of `len(epochs) * (max(count_a, count_b) //
        batch_size)` batches of float32 `(a, b)` in [-1, 1].
    """
    counts = [count for _, count in domains]
    datasets = [
        _cache(dataset, cache) for (dataset, _), cache in zip(domains, caches)
    ]
    buffers = [
        _buffer_size(count, in_memory) if shuffle else None for count in counts
    ]
    base_seed = pipeline.seed_tensor(seed)
    jitter_fn = _image_jitter(jitter)
    # Domain `longest` makes the epoch; the other repeats.
    longest = 1 if counts[1] > counts[0] else 0

    def domain_pass(index, domain_seed, repeat):
        return _keyed_pass(
            datasets[index],
            buffers[index],
            pipeline.mix_seed(domain_seed, repeat),
            pipeline.scale_images,
            jitter_fn,
        )

    def one_pass(epoch):
        epoch_seed = pipeline.mix_seed(base_seed, epoch)
        streams = []
        for index in (0, 1):
            domain_seed = pipeline.mix_seed(epoch_seed, index)
            if index == longest:
                streams.append(domain_pass(index, domain_seed, 0))
            else:
                streams.append(
                    tf.data.Dataset.counter().flat_map(
                        lambda repeat, i=index, s=domain_seed: domain_pass(
                            i, s, repeat
                        )
                    )
                )
        pairs = tf.data.Dataset.zip(tuple(streams))
        return pairs.batch(batch_size, drop_remainder=True)

    steps = epoch_steps(counts[0], counts[1], batch_size)
    passes = pipeline.keyed_epochs(one_pass, epochs, steps)
    return passes.prefetch(tf.data.AUTOTUNE)


# Streams of a pass's seed: the order and the jitter draw from unrelated
# seeds.
_ORDER_STREAM, _JITTER_STREAM = 0, 1


def _keyed_pass(examples, buffer_size, pass_seed, scale, jitter_fn):
    """One pass over `examples`: keyed shuffle, scale, keyed jitter."""
    if buffer_size:
        examples = pipeline.keyed_shuffle(
            examples,
            buffer_size,
            pipeline.mix_seed(pass_seed, _ORDER_STREAM),
        )
    examples = examples.map(scale, num_parallel_calls=tf.data.AUTOTUNE)
    if jitter_fn is None:
        return examples
    jitter_seed = pipeline.mix_seed(pass_seed, _JITTER_STREAM)
    # Example i of the pass jitters with the seed (jitter_seed, i): random
    # crops that depend on the pass and the position alone.
    return examples.enumerate().map(
        lambda i, example: jitter_fn(example, tf.stack([jitter_seed, i])),
        num_parallel_calls=tf.data.AUTOTUNE,
    )


def _scale_pair(a, b):
    return pipeline.scale_images(a), pipeline.scale_images(b)


def _pair_jitter(jitter):
    """`(pair, seed) -> pair` of the `jitter` mode, or `None` for none."""
    if not jitter:
        return None
    mirror = jitter != JITTER_CROP
    return lambda pair, seed: jitter_pair(*pair, seed, mirror)


def _image_jitter(jitter):
    """`(image, seed) -> image` of the `jitter` mode, or `None` for none."""
    if not jitter:
        return None
    mirror = jitter != JITTER_CROP
    return lambda image, seed: random_jitter(image, seed, mirror)
