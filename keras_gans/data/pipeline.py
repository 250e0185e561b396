"""The tf.data tail every source shares: scale, cache, shuffle, batch."""

import numbers
import random

import tensorflow as tf

from keras_gans.utils.validation import format_received

# Upper bound on the shuffle buffer of streamed (tfds) data; in-memory
# sources shuffle over the whole set.
MAX_STREAM_BUFFER = 10_000
# Seeds drawn or derived here stay below TF's int32 seed range.
_MAX_SEED = 2**31 - 1
# Graph-level seed of the per-epoch shuffles (any fixed nonzero value).
_GRAPH_SEED = 87654321


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
    epochs=None,
    initial_epoch=0,
):
    """Scales, caches, shuffles, batches and prefetches uint8 examples.

    Args:
        dataset: unbatched dataset of uint8 images `(H, W, C)`, or
            `(image, int32 label)` pairs when `with_labels`.
        batch_size: images per batch.
        num_examples: size of `dataset` if known (sizes the shuffle buffer;
            required with `epochs`).
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
        epochs: `None` for a dataset of one pass (one epoch) that
            reshuffles each time it is iterated; or the number of epochs of
            the run: the dataset then holds the passes of epochs
            `initial_epoch` to `epochs - 1` back to back, each shuffled in
            an order fixed by `seed` and its epoch number (see
            `epoch_passes`).
        initial_epoch: first epoch of the passes when `epochs` is set.

    Returns:
        A batched, prefetched `tf.data.Dataset`.

    Raises:
        ValueError: for an `initial_epoch` that is not an int in
            `[0, epochs]`, or set without `epochs`, or `epochs` without a
            known `num_examples`.
    """
    check_epochs(epochs, initial_epoch, num_examples)
    if with_labels:
        dataset = dataset.map(
            lambda image, label: (scale_images(image), label),
            num_parallel_calls=tf.data.AUTOTUNE,
        )
    else:
        dataset = dataset.map(scale_images, num_parallel_calls=tf.data.AUTOTUNE)
    if cache:
        dataset = dataset.cache("" if cache is True else str(cache))
    buffer_size = None
    if shuffle:
        if in_memory and num_examples:
            buffer_size = num_examples
        else:
            buffer_size = min(
                num_examples or MAX_STREAM_BUFFER, MAX_STREAM_BUFFER
            )
    if epochs is not None:
        dataset = epoch_passes(
            dataset,
            batch_size,
            range(initial_epoch, epochs),
            steps_per_epoch(num_examples, batch_size, drop_remainder),
            buffer_size=buffer_size,
            seed=seed,
            drop_remainder=drop_remainder,
        )
        return dataset.prefetch(tf.data.AUTOTUNE)
    if shuffle:
        dataset = dataset.shuffle(
            buffer_size, seed=seed, reshuffle_each_iteration=True
        )
    dataset = dataset.batch(batch_size, drop_remainder=drop_remainder)
    return dataset.prefetch(tf.data.AUTOTUNE)


def steps_per_epoch(num_examples, batch_size, drop_remainder=True):
    """Batches in one pass over `num_examples` examples."""
    if drop_remainder:
        return num_examples // batch_size
    return -(-num_examples // batch_size)


def epoch_passes(
    dataset,
    batch_size,
    epochs,
    steps,
    buffer_size=None,
    seed=None,
    drop_remainder=True,
):
    """One batched pass over `dataset` per epoch number, back to back.

    A `shuffle(reshuffle_each_iteration=True)` draws each pass's order from
    a generator that advances every time an iterator is opened, and Keras
    opens a different number of them per `fit()` on each backend; a resumed
    run would then see other orders than the run it continues. Here the
    order of epoch `e` is a pure function of `(seed, e)`, so epoch `e` has
    the same batches however the training was split into runs. Fit the
    result with `steps_per_epoch=steps`: Keras then keeps one iterator
    across epochs.

    Args:
        dataset: unbatched examples (cached upstream for speed).
        batch_size: examples per batch.
        epochs: the epoch numbers, e.g. `range(initial_epoch, epochs)`.
        steps: batches per pass (see `steps_per_epoch`).
        buffer_size: shuffle buffer; `None` keeps the file order.
        seed: shuffle seed; `None` draws one (orders then differ between
            processes).
        drop_remainder: drop the incomplete last batch of each pass.

    Returns:
        A dataset of `len(epochs) * steps` batches.
    """
    base_seed = seed_tensor(seed)

    def one_pass(epoch):
        examples = dataset
        if buffer_size:
            examples = keyed_shuffle(
                examples, buffer_size, mix_seed(base_seed, epoch)
            )
        return examples.batch(batch_size, drop_remainder=drop_remainder)

    return keyed_epochs(one_pass, epochs, steps)


def keyed_epochs(make_pass, epochs, steps):
    """The passes `make_pass(epoch)` of the given epoch numbers, back to back.

    The mechanism behind `epoch_passes`, for pipelines whose pass is more
    than a shuffle (the translation loaders also jitter and zip two
    domains): `make_pass` receives the epoch number as an int64 scalar
    tensor and builds that epoch's batched dataset from it, typically with
    `mix_seed(base_seed, epoch)` and `keyed_shuffle`, so that the pass is
    a pure function of the seed and the epoch.

    Args:
        make_pass: `epoch -> tf.data.Dataset` of exactly `steps` batches.
        epochs: the epoch numbers, e.g. `range(initial_epoch, epochs)`.
        steps: batches per pass.

    Returns:
        A dataset of `len(epochs) * steps` batches.
    """
    epochs = list(epochs)
    numbers = tf.data.Dataset.from_tensor_slices(
        tf.constant(epochs, tf.int64, shape=(len(epochs),))
    )
    passes = numbers.flat_map(make_pass)
    return passes.apply(
        tf.data.experimental.assert_cardinality(len(epochs) * steps)
    )


def seed_tensor(seed):
    """`seed` as an int64 scalar tensor; `None` draws a random one."""
    if seed is None:
        seed = random.SystemRandom().randrange(_MAX_SEED)
    return tf.constant(int(seed) % _MAX_SEED, tf.int64)


def mix_seed(seed, key):
    """A well-mixed int64 seed, a pure function of `(seed, key)`.

    Nearby pairs (seed 0 epoch 1, seed 1 epoch 0) give unrelated seeds.

    Args:
        seed: int64 scalar tensor (see `seed_tensor`).
        key: int or int64 scalar tensor (an epoch number, a stream index).

    Returns:
        An int64 scalar tensor in `[0, 2**31 - 1)`.
    """
    key = tf.cast(key, tf.int64)
    return tf.random.stateless_uniform(
        [],
        seed=tf.stack([seed, key]),
        minval=0,
        maxval=_MAX_SEED,
        dtype=tf.int64,
    )


def keyed_shuffle(dataset, buffer_size, seed):
    """`dataset` shuffled once, in the order fixed by the tensor `seed`.

    Call it while building a `tf.data` function (such as the `make_pass`
    of `keyed_epochs`).
    """
    # The shuffle seed is a tensor, which TF pairs with the graph-level
    # seed; with a global seed of 0, TF then compares a tensor with 0 in
    # Python and fails. Pinning this function's graph seed avoids that,
    # and makes the order depend on `seed` alone, not on the global seed.
    tf.compat.v1.get_default_graph().seed = _GRAPH_SEED
    return dataset.shuffle(
        buffer_size, seed=seed, reshuffle_each_iteration=False
    )


def check_epochs(epochs, initial_epoch, num_examples):
    """Checks the `epochs` / `initial_epoch` arguments of a loader.

    Raises:
        ValueError: for an `initial_epoch` that is not an int in
            `[0, epochs]`, or set without `epochs`, or `epochs` without a
            known `num_examples`.
    """
    if epochs is None:
        if initial_epoch != 0:
            raise ValueError(
                "`initial_epoch` needs `epochs` (the passes of epochs "
                "initial_epoch..epochs-1 are built together). "
                + format_received(initial_epoch=initial_epoch, epochs=None)
            )
        return
    _check_int("epochs", epochs, 0)
    _check_int("initial_epoch", initial_epoch, 0, epochs)
    if not num_examples:
        raise ValueError(
            "`epochs` needs a dataset of known size, to count the batches "
            "of each epoch. " + format_received(num_examples=num_examples)
        )


def _check_int(name, value, low, high=None):
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Integral)
        or value < low
        or (high is not None and value > high)
    ):
        allowed = f"in [{low}, {high}]" if high is not None else f">= {low}"
        raise ValueError(
            f"`{name}` must be an integer {allowed}. "
            + format_received(**{name: value})
        )
