"""`ImagePool`: a history buffer of generated images for the discriminator."""

import keras
from keras import ops

from keras_gans.utils.validation import check_probability
from keras_gans.utils.validation import format_received


def _check_pool_size(pool_size):
    if isinstance(pool_size, bool) or not isinstance(pool_size, int) or (
        pool_size < 0
    ):
        raise ValueError(
            "`pool_size` must be an int >= 0 (0 disables the pool). "
            + format_received(pool_size=pool_size)
        )
    return pool_size


@keras.saving.register_keras_serializable(package="keras_gans")
class ImagePool(keras.layers.Layer):
    """A buffer of past generated images shown to a discriminator.

    Shrivastava et al. (2017) and CycleGAN update the discriminator on a
    history of generated images rather than only the latest ones, which
    damps the oscillation between the players. In training, each image of
    a batch is handled like CycleGAN's `ImagePool.query`: while the pool
    has free slots the image is stored and returned; once it is full, with
    probability `probability` a random stored image is returned and the new
    image takes its slot, otherwise the new image is returned unchanged.
    When several images of one batch pick the same slot, the last one is
    stored. In inference (`training=False`) images pass through.

    The pool and its fill count are non-trainable variables, so they are
    saved in `.keras` files, restored for resuming, and carried in JAX's
    training state; its random draws come from its own `SeedGenerator`.
    Under `tf.distribute`, the first replica's update is kept.

    Args:
        pool_size: number of stored images (50 in CycleGAN); 0 disables
            the pool.
        probability: chance that a full pool swaps an image (0.5).
        seed: seed of the pool's random draws.
        **kwargs: passed to `keras.layers.Layer`.

    Raises:
        ValueError: for a negative `pool_size`, a `probability` outside
            [0, 1], or inputs whose image shape is not fully known.

    Example:

    ```python
    pool = keras_gans.layers.ImagePool(pool_size=50, seed=0)
    fakes_for_d = pool(ops.stop_gradient(fakes), training=True)
    ```
    """

    def __init__(self, pool_size=50, probability=0.5, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.pool_size = _check_pool_size(pool_size)
        self.probability = check_probability("probability", probability)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def build(self, input_shape):
        image_shape = tuple(input_shape[1:])
        if len(image_shape) != 3 or any(d is None for d in image_shape):
            raise ValueError(
                "ImagePool needs image batches of a fully known shape "
                "(N, H, W, C). " + format_received(input_shape=input_shape)
            )
        # autocast=False: under mixed precision a read would otherwise be
        # a float16 copy, and on torch `assign` writes into that copy.
        self.images = self.add_weight(
            shape=(max(self.pool_size, 1),) + image_shape,
            initializer="zeros",
            trainable=False,
            autocast=False,
            name="images",
            aggregation="only_first_replica",
        )
        self.count = self.add_weight(
            shape=(),
            initializer="zeros",
            dtype="int32",
            trainable=False,
            name="count",
            aggregation="only_first_replica",
        )
        self.built = True

    def call(self, images, training=False):
        if not training or self.pool_size == 0:
            return images
        dtype = images.dtype
        images = ops.cast(images, self.images.dtype)
        batch_size = ops.shape(images)[0]
        fill_pos = self.count + ops.arange(batch_size, dtype="int32")
        fills = fill_pos < self.pool_size
        draw = keras.random.uniform((batch_size,), seed=self.seed_generator)
        slots = keras.random.randint(
            (batch_size,), 0, self.pool_size, seed=self.seed_generator,
            dtype="int32",
        )
        swaps = ops.logical_and(
            ops.logical_not(fills), draw < self.probability
        )
        targets = ops.where(fills, fill_pos, slots)
        # Fill first: an image that swaps with a slot filled by this very
        # batch must get that batch-mate, not the empty slot's zeros.
        self._store(images, targets, fills)
        stored = ops.take(self.images, targets, axis=0)
        outputs = ops.where(_per_image(swaps), stored, images)
        self._store(images, targets, swaps)
        self.count.assign(
            ops.minimum(self.count + ops.cast(batch_size, "int32"),
                        self.pool_size)
        )
        return ops.cast(outputs, dtype)

    def _store(self, images, targets, writes):
        # A one-hot write matrix instead of a scatter: scatter semantics for
        # repeated indices differ between backends; here the last image
        # aimed at a slot wins everywhere.
        hits = ops.one_hot(targets, self.pool_size, dtype=images.dtype)
        hits = hits * ops.cast(writes, images.dtype)[:, None]
        later = ops.sum(hits, axis=0) - ops.cumsum(hits, axis=0)
        hits = hits * ops.cast(ops.equal(later, 0.0), images.dtype)
        written = ops.sum(hits, axis=0)
        flat = ops.reshape(images, (ops.shape(images)[0], -1))
        new = ops.reshape(
            ops.matmul(ops.transpose(hits), flat), ops.shape(self.images)
        )
        keep = ops.reshape(1.0 - written, (self.pool_size, 1, 1, 1))
        self.images.assign(self.images * keep + new)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "pool_size": self.pool_size,
                "probability": self.probability,
                "seed": self.seed,
            }
        )
        return config


def _per_image(flags):
    """Reshapes per-image booleans `(N,)` to broadcast over `(N, H, W, C)`."""
    return ops.reshape(flags, (-1, 1, 1, 1))
