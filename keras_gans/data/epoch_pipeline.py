"""The one tf.data core of every loader: streams of examples, epoch-keyed.

A loader reads its examples into one or more *streams* (`Stream`): the
images of `load()` are one stream of images (or `(image, label)` pairs),
the aligned pairs of `load_paired()` one stream of `(a, b)` pairs, the two
domains of `load_unpaired()` two independent streams, the patch sources
of `keras_gans.data.patches` one stream of image indices. `build()` turns
the streams into batches:

    examples -> cache() -> shuffle -> prepare (scale to [-1, 1])
    -> augment (jitter, random crops) -> zip the streams -> batch
    -> prefetch(AUTOTUNE)

The shuffle order does not depend on the values of the examples, so a
loader may scale before the cache or after the shuffle and get the same
batches: the translation loaders cache uint8 pixels (a quarter of the
memory of float32), `load()` the float32 images its cache files have
always held. The stream with the most examples makes the epoch; the
others repeat, reshuffled on every pass, as CycleGAN's unaligned dataset
does.

Two modes:

* `epochs=None`: one epoch that reshuffles (and re-augments) each time it
  is iterated; stream `s` shuffles with the seed `seed + s`.
* `epochs=n`: the passes of epochs `initial_epoch` to `n - 1` back to back,
  each a pure function of the seed and the epoch number, so a run resumed
  at epoch k sees the very batches an uninterrupted run sees from epoch k
  on. Pass `r` of stream `s` in epoch `e` draws its order and its
  augmentation from `mix_seed` of `(seed, e, s, r)` (just `(seed, e)` for
  a single stream, which never repeats).
"""

import dataclasses
import random
from typing import Any
from typing import Callable

import tensorflow as tf

from keras_gans.data.checks import check_epochs

# Upper bound on the shuffle buffer of streamed (tfds) data; in-memory
# sources shuffle over the whole set.
MAX_STREAM_BUFFER = 10_000
# Seeds drawn or derived here stay below TF's int32 seed range.
_MAX_SEED = 2**31 - 1
# Graph-level seed of the per-epoch shuffles (any fixed nonzero value).
_GRAPH_SEED = 87654321
# Keys of a pass's seed: the order and the augmentation draw from unrelated
# seeds.
ORDER_KEY, AUGMENT_KEY = 0, 1


@dataclasses.dataclass(frozen=True)
class Stream:
    """One sequence of examples of a loader, shuffled on its own.

    Attributes:
        dataset: unbatched `tf.data.Dataset` of examples: images,
            `(image, label)` or `(a, b)` pairs, image indices.
        count: number of examples, or `None` if unknown (streamed data).
        prepare: `example -> example` run on every example after the
            shuffle: typically the scaling of uint8 pixels to float32
            [-1, 1] (`scale_images`, `scale_pair`, `scale_labelled`);
            `None` for examples that are ready as they are.
        augment: `(example, seed) -> example` run after `prepare`, with a
            stateless int64 seed of shape `(2,)` (pix2pix jitter, random
            crops), or `None` for no augmentation.
        cache: `True` caches the examples in memory after the first
            pass, a string caches them in that file, `False` does not.
    """

    dataset: Any
    count: Any
    prepare: Callable = None
    augment: Callable = None
    cache: Any = True


def build(
    streams,
    batch_size,
    seed=None,
    shuffle=True,
    drop_remainder=True,
    in_memory=True,
    epochs=None,
    initial_epoch=0,
    split_pass_seed=True,
):
    """Batches of the zipped streams (see the module docstring).

    Args:
        streams: a list of `Stream`s. One stream yields its own examples;
            several yield tuples of one example of each.
        batch_size: examples per batch.
        seed: seed of the orders and the augmentation; `None` draws one
            (orders then differ between processes).
        shuffle: shuffle every pass (otherwise the stream's order).
        drop_remainder: drop the incomplete last batch of each epoch.
        in_memory: the streams sit in memory, so the shuffle buffer holds
            all of a stream (streamed data shuffles over up to
            `MAX_STREAM_BUFFER` examples).
        epochs: `None` for one reshuffling epoch, or the number of epochs
            of the run for epoch-keyed passes.
        initial_epoch: first epoch of the passes when `epochs` is set.
        split_pass_seed: with `epochs`, derive the order seed of a pass
            as `mix_seed(pass_seed, ORDER_KEY)` (and its augmentation's
            from `AUGMENT_KEY`). `load()` passes `False`: it has no
            augmentation, its order seed is the pass seed itself, and runs
            started with it keep resuming bit-exactly.

    Returns:
        A prefetched `tf.data.Dataset`; with `epochs`, of exactly
        `(epochs - initial_epoch) * steps_per_epoch(...)` batches.

    Raises:
        ValueError: for `epochs` / `initial_epoch` that
            `keras_gans.data.checks.check_epochs` rejects.
    """
    counts = [stream.count for stream in streams]
    known = None if None in counts else max(counts)
    check_epochs(epochs, initial_epoch, known)
    streams = [
        dataclasses.replace(
            stream, dataset=_cache(stream.dataset, stream.cache)
        )
        for stream in streams
    ]
    buffers = [
        buffer_size(count, in_memory) if shuffle else None for count in counts
    ]
    # The stream with the most examples (the first on ties, the first if
    # a count is unknown) makes the epoch; the others repeat.
    longest = 0 if known is None else counts.index(known)
    if epochs is None:
        examples = [
            _reshuffling_pass(stream, buffer, _offset_seed(seed, index))
            for index, (stream, buffer) in enumerate(zip(streams, buffers))
        ]
        dataset = _zip_streams(
            [
                ds if index == longest else ds.repeat()
                for index, ds in enumerate(examples)
            ]
        )
        dataset = dataset.batch(batch_size, drop_remainder=drop_remainder)
        return dataset.prefetch(tf.data.AUTOTUNE)
    base_seed = seed_tensor(seed)

    def stream_pass(index, pass_seed):
        return _keyed_pass(
            streams[index], buffers[index], pass_seed, split_pass_seed
        )

    def one_pass(epoch):
        epoch_seed = mix_seed(base_seed, epoch)
        if len(streams) == 1:
            examples = stream_pass(0, epoch_seed)
        else:
            parts = []
            for index in range(len(streams)):
                stream_seed = mix_seed(epoch_seed, index)
                if index == longest:
                    parts.append(stream_pass(index, mix_seed(stream_seed, 0)))
                    continue
                parts.append(
                    tf.data.Dataset.counter().flat_map(
                        lambda repeat, i=index, s=stream_seed: stream_pass(
                            i, mix_seed(s, repeat)
                        )
                    )
                )
            examples = _zip_streams(parts)
        return examples.batch(batch_size, drop_remainder=drop_remainder)

    steps = steps_per_epoch(known, batch_size, drop_remainder)
    passes = keyed_epochs(one_pass, range(initial_epoch, epochs), steps)
    return passes.prefetch(tf.data.AUTOTUNE)


def _zip_streams(datasets):
    if len(datasets) == 1:
        return datasets[0]
    return tf.data.Dataset.zip(tuple(datasets))


def _offset_seed(seed, index):
    return None if seed is None else seed + index


def _cache(dataset, cache):
    if cache:
        dataset = dataset.cache("" if cache is True else str(cache))
    return dataset


def _prepare(examples, prepare):
    if prepare is None:
        return examples
    return examples.map(prepare, num_parallel_calls=tf.data.AUTOTUNE)


def _reshuffling_pass(stream, buffer, seed):
    """A pass that reshuffles and re-augments every time it is iterated."""
    examples = stream.dataset
    if buffer:
        examples = examples.shuffle(
            buffer, seed=seed, reshuffle_each_iteration=True
        )
    examples = _prepare(examples, stream.prepare)
    if stream.augment is None:
        return examples
    # `Dataset.random` draws a new sequence every epoch, but the same
    # sequences for the same `seed`.
    seeds = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True)
    return tf.data.Dataset.zip((examples, seeds.batch(2))).map(
        stream.augment, num_parallel_calls=tf.data.AUTOTUNE
    )


def _keyed_pass(stream, buffer, pass_seed, split_pass_seed):
    """One pass of `stream`: keyed shuffle, prepare, keyed augmentation."""
    examples = stream.dataset
    if buffer:
        order_seed = pass_seed
        if split_pass_seed:
            order_seed = mix_seed(pass_seed, ORDER_KEY)
        examples = keyed_shuffle(examples, buffer, order_seed)
    examples = _prepare(examples, stream.prepare)
    if stream.augment is None:
        return examples
    augment_seed = mix_seed(pass_seed, AUGMENT_KEY)
    # Example i of the pass is augmented with the seed (augment_seed, i):
    # random crops that depend on the pass and the position alone.
    return examples.enumerate().map(
        lambda i, example: stream.augment(example, tf.stack([augment_seed, i])),
        num_parallel_calls=tf.data.AUTOTUNE,
    )


def scale_images(images):
    """Maps uint8 pixels [0, 255] to float32 [-1, 1] (0 -> -1, 255 -> 1)."""
    return tf.cast(images, "float32") / 127.5 - 1.0


def scale_labelled(image, label):
    """`scale_images` of an `(image, label)` example; the label stays."""
    return scale_images(image), label


def scale_pair(a, b):
    """`scale_images` of both images of an `(a, b)` example."""
    return scale_images(a), scale_images(b)


def buffer_size(num_examples, in_memory):
    """Shuffle buffer: the whole set in memory, else up to 10,000."""
    if in_memory and num_examples:
        return num_examples
    return min(num_examples or MAX_STREAM_BUFFER, MAX_STREAM_BUFFER)


def steps_per_epoch(num_examples, batch_size, drop_remainder=True):
    """Batches in one pass over `num_examples` examples."""
    if drop_remainder:
        return num_examples // batch_size
    return -(-num_examples // batch_size)


def epoch_steps(count_a, count_b, batch_size):
    """Batches of one epoch of two streams: one pass over the larger one
    (or over the pairs), in full batches."""
    return steps_per_epoch(max(count_a, count_b), batch_size)


def keyed_epochs(make_pass, epochs, steps):
    """The passes `make_pass(epoch)` of the given epoch numbers, back to back.

    A `shuffle(reshuffle_each_iteration=True)` draws each pass's order from
    a generator that advances every time an iterator is opened, and Keras
    opens a different number of them per `fit()` on each backend; a resumed
    run would then see other orders than the run it continues. Here
    `make_pass` receives the epoch number as an int64 scalar tensor and
    builds that epoch's batches from it (with `mix_seed` and
    `keyed_shuffle`), so epoch `e` has the same batches however the
    training was split into runs. Fit the result with
    `steps_per_epoch=steps`: Keras then keeps one iterator across epochs.

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
