"""The tf.data tail every source shares: scale, cache, shuffle, batch."""

import tensorflow as tf

from keras_gans.utils.validation import format_received

# Upper bound on the shuffle buffer of streamed (tfds) data; in-memory
# sources shuffle over the whole set.
MAX_STREAM_BUFFER = 10_000


def scale_images(images):
    """Maps uint8 pixels [0, 255] to float32 [-1, 1] (0 -> -1, 255 -> 1)."""
    return tf.cast(images, "float32") / 127.5 - 1.0


def check_batch_size(batch_size, num_examples, drop_remainder, name):
    """Raises if `drop_remainder` would leave an epoch with no batch."""
    if not drop_remainder or num_examples is None:
        return
    if batch_size > num_examples:
        raise ValueError(
            f"`batch_size` is larger than the {num_examples} images of "
            f"{name!r}: with drop_remainder=True the dataset would yield no "
            "batch at all. Use a smaller batch_size or drop_remainder=False. "
            + format_received(batch_size=batch_size)
        )


def finish(
    dataset,
    batch_size,
    num_examples=None,
    with_labels=False,
    shuffle=True,
    seed=None,
    cache=True,
    drop_remainder=True,
    in_memory=False,
):
    """Scales, caches, shuffles, batches and prefetches uint8 examples.

    Args:
        dataset: unbatched dataset of uint8 images `(H, W, C)`, or
            `(image, int32 label)` pairs when `with_labels`.
        batch_size: images per batch.
        num_examples: size of `dataset` if known (sizes the shuffle buffer).
        with_labels: whether elements are `(image, label)` pairs.
        shuffle: shuffle examples, reshuffling every epoch.
        seed: shuffle seed; the same seed gives the same order of every
            epoch.
        cache: `True` caches the scaled images in memory after the first
            epoch, a string caches them to that file path, `False` does
            not cache.
        drop_remainder: drop the last incomplete batch, so every batch has
            exactly `batch_size` images.
        in_memory: the data already sits in memory, so shuffling may use a
            buffer of the whole set.

    Returns:
        A batched, prefetched `tf.data.Dataset`.
    """
    if with_labels:
        dataset = dataset.map(
            lambda image, label: (scale_images(image), label),
            num_parallel_calls=tf.data.AUTOTUNE,
        )
    else:
        dataset = dataset.map(scale_images, num_parallel_calls=tf.data.AUTOTUNE)
    if cache:
        dataset = dataset.cache("" if cache is True else str(cache))
    if shuffle:
        if in_memory and num_examples:
            buffer_size = num_examples
        else:
            buffer_size = min(
                num_examples or MAX_STREAM_BUFFER, MAX_STREAM_BUFFER
            )
        dataset = dataset.shuffle(
            buffer_size, seed=seed, reshuffle_each_iteration=True
        )
    dataset = dataset.batch(batch_size, drop_remainder=drop_remainder)
    return dataset.prefetch(tf.data.AUTOTUNE)
