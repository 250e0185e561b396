"""Differentiable augmentation (DiffAugment) with an ADA-style probability."""

import numbers

import keras
from keras import ops

from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received

AUGMENTATIONS = ("color", "translation", "cutout")


def _normalize_policy(policy):
    """Returns `policy` as a tuple of known augmentation names."""
    if isinstance(policy, str):
        names = tuple(name.strip() for name in policy.split(",") if name.strip())
    else:
        try:
            names = tuple(policy)
        except TypeError:
            names = None
    if names is None or any(name not in AUGMENTATIONS for name in names):
        raise ValueError(
            f"`policy` must be names from {list(AUGMENTATIONS)}, as a tuple or "
            "a comma-separated string. " + format_received(policy=policy)
        )
    return names


def _check_fraction(name, value, low_open=False, high_open=False):
    """Raises unless `value` is a real number in [0, 1] (open ends as asked)."""
    valid = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if valid:
        valid = (0.0 < value if low_open else 0.0 <= value) and (
            value < 1.0 if high_open else value <= 1.0
        )
    if not valid:
        interval = ("(" if low_open else "[") + "0, 1" + (")" if high_open else "]")
        raise ValueError(
            f"`{name}` must be a number in {interval}. "
            + format_received(**{name: value})
        )
    return float(value)


def _per_image(values):
    """Reshapes a `(batch,)` tensor to broadcast against NHWC images."""
    return ops.reshape(values, (-1, 1, 1, 1))


def _shift_along(images, shift, axis):
    """Returns `out[b, ..., i, ...] = images[b, ..., i + shift[b], ...]`.

    Positions that read outside the image become zero, as the reference's
    one-pixel zero padding does. A gather (not a one-hot matmul) keeps the
    copy exact on accelerators that round float32 matmuls.
    """
    size = images.shape[axis]
    source = ops.arange(size, dtype="int32")[None, :] + shift[:, None]
    index_shape = [-1, 1, 1, 1]
    index_shape[axis] = size
    inside = ops.logical_and(source >= 0, source < size)
    inside = ops.reshape(inside, index_shape)
    source = ops.reshape(ops.clip(source, 0, size - 1), index_shape)
    shifted = ops.take_along_axis(images, source, axis=axis)
    return ops.where(inside, shifted, ops.zeros_like(shifted))


def shift_images(images, max_shift, seed_generator, fill=0.0):
    """Shifts each image by a random whole number of pixels along H and W.

    Args:
        images: `(N, H, W, C)` images.
        max_shift: the largest shift along each axis; each image draws
            its own in `[-max_shift, max_shift]`.
        seed_generator: the `keras.random.SeedGenerator` of the draws.
        fill: the value of the pixels shifted in (the background).

    Returns:
        The shifted images, of the input's shape.
    """
    offset = images - fill
    for axis in (1, 2):
        shift = keras.random.randint(
            (ops.shape(images)[0],),
            minval=-max_shift,
            maxval=max_shift + 1,
            dtype="int32",
            seed=seed_generator,
        )
        offset = _shift_along(offset, shift, axis)
    return offset + fill


def _span_mask(start, length, size):
    """Returns a `(batch, size)` bool mask of `[start, start + length)`."""
    positions = ops.arange(size, dtype="int32")[None, :]
    start = start[:, None]
    return ops.logical_and(positions >= start, positions < start + length)


@keras.saving.register_keras_serializable(package="keras_gans")
class DiffAugment(keras.layers.Layer):
    """Differentiable augmentation for data-efficient GAN training.

    Applies the augmentations of Zhao et al. (2020), "Differentiable
    Augmentation for Data-Efficient GAN Training", to a batch of NHWC images
    in [-1, 1], following the reference `DiffAugment_pytorch.py`:

    - `"color"`: brightness (add U(-0.5, 0.5)), saturation (scale the
      deviation from the channel mean by U(0, 2)) and contrast (scale the
      deviation from the image mean by U(0.5, 1.5)).
    - `"translation"`: shift by whole pixels, up to `translation_ratio` of
      the height and width, filling with zeros.
    - `"cutout"`: zero a square of `cutout_ratio` of the height and width at
      a random centre (clipped at the borders).

    Every random parameter is drawn per image. Each of the five operations
    (brightness, saturation, contrast, translation, cutout) is applied to
    each image independently with probability `probability`, as in
    StyleGAN2-ADA (Karras et al., 2020); `probability=1` is the original
    DiffAugment. The probability lives in a non-trainable float32 variable,
    so it is saved with the model and carried in the training state. With a
    `target`, `update_probability()` adapts it from the discriminator's
    scores on real images.

    Apply the same layer to real and generated images in both the
    discriminator and the generator loss; every operation is differentiable
    with respect to the images, so gradients reach the generator.

    Args:
        policy: augmentation names, a tuple/list or a comma-separated string
            such as `"translation,cutout,color"`, applied in that order.
        probability: initial probability in [0, 1] of applying each
            operation to each image.
        target: `None` for a fixed probability, or the target in (0, 1) of
            the overfitting heuristic `r_t = mean(sign(real_scores))`
            (StyleGAN2-ADA uses 0.6).
        adjustment_images: how many images it takes `update_probability()`
            to move the probability by 1.
        translation_ratio: largest shift, as a fraction in [0, 1] of the
            height and width.
        cutout_ratio: side of the cutout square, as a fraction in [0, 1] of
            the height and width.
        seed: seed of the layer's `keras.random.SeedGenerator`.
        **kwargs: base `keras.layers.Layer` arguments (`name`, `dtype`, ...).

    Raises:
        ValueError: naming the argument, for an unknown policy name or an
            out-of-range number; at build, for inputs that are not rank 4
            with known height and width.

    Example:

    ```python
    augment = keras_gans.layers.DiffAugment(
        policy="translation,cutout,color", probability=0.0, target=0.6
    )
    real_scores = discriminator(augment(real_images))
    fake_scores = discriminator(augment(generator(latents)))
    augment.update_probability(real_scores)
    ```
    """

    def __init__(
        self,
        policy=("translation", "cutout", "color"),
        probability=1.0,
        target=None,
        adjustment_images=100_000,
        translation_ratio=0.125,
        cutout_ratio=0.5,
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.policy = _normalize_policy(policy)
        self.initial_probability = _check_fraction("probability", probability)
        self.target = (
            None
            if target is None
            else _check_fraction("target", target, low_open=True, high_open=True)
        )
        self.adjustment_images = check_positive_int(
            "adjustment_images", adjustment_images
        )
        self.translation_ratio = _check_fraction(
            "translation_ratio", translation_ratio
        )
        self.cutout_ratio = _check_fraction("cutout_ratio", cutout_ratio)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        # Created here rather than in `build` so the probability can be read
        # or adapted before the layer first sees images. `autocast=False`
        # keeps it float32 under mixed precision.
        self.probability = self.add_weight(
            shape=(),
            initializer=keras.initializers.Constant(self.initial_probability),
            dtype="float32",
            trainable=False,
            autocast=False,
            name="probability",
        )

    def build(self, input_shape):
        if len(input_shape) != 4 or None in tuple(input_shape[1:3]):
            raise ValueError(
                "`DiffAugment` expects rank-4 images (batch, height, width, "
                "channels) with known height and width. "
                + format_received(input_shape=tuple(input_shape))
            )
        self.built = True

    def call(self, images, training=True):
        if not training:
            return images
        operations = {
            "color": (self._brightness, self._saturation, self._contrast),
            "translation": (self._translation,),
            "cutout": (self._cutout,),
        }
        for name in self.policy:
            for operation in operations[name]:
                images = self._maybe_apply(operation, images)
        return images

    def update_probability(self, real_scores):
        """Adapts the probability from the discriminator's real scores.

        Computes `r_t = mean(sign(real_scores))` and moves the probability
        by `batch_size / adjustment_images` towards more augmentation when
        `r_t > target` (the discriminator is overconfident on reals) and
        towards less when `r_t < target`, clipped to [0, 1]. Uses only
        `keras.ops` and `Variable.assign`, so it works inside a traced
        training step and a JAX `StatelessScope`.

        Args:
            real_scores: discriminator outputs (logits) on the real batch,
                shape `(batch_size, ...)`.

        Returns:
            The new probability, a float32 scalar tensor.

        Raises:
            RuntimeError: if the layer was built without a `target`.
        """
        if self.target is None:
            raise RuntimeError(
                "`update_probability()` needs the adaptive mode: build "
                "`DiffAugment` with a `target` in (0, 1). "
                + format_received(target=self.target)
            )
        real_scores = ops.cast(real_scores, "float32")
        overfitting = ops.mean(ops.sign(real_scores))
        batch_size = ops.cast(ops.shape(real_scores)[0], "float32")
        step = ops.sign(overfitting - self.target) * (
            batch_size / self.adjustment_images
        )
        probability = ops.clip(
            ops.convert_to_tensor(self.probability) + step, 0.0, 1.0
        )
        self.probability.assign(probability)
        return probability

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        # The initial probability, as passed; the adapted value is a weight
        # and travels with the saved variables.
        config = super().get_config()
        config.update(
            {
                "policy": list(self.policy),
                "probability": self.initial_probability,
                "target": self.target,
                "adjustment_images": self.adjustment_images,
                "translation_ratio": self.translation_ratio,
                "cutout_ratio": self.cutout_ratio,
                "seed": self.seed,
            }
        )
        return config

    def _maybe_apply(self, operation, images):
        """Applies `operation` to each image with the current probability."""
        batch_size = ops.shape(images)[0]
        draws = keras.random.uniform((batch_size,), seed=self.seed_generator)
        applied = draws < ops.convert_to_tensor(self.probability)
        # Selecting (rather than blending) keeps skipped images bit-exact.
        return ops.where(_per_image(applied), operation(images), images)

    def _uniform(self, images, minval, maxval):
        """Draws one value per image in [minval, maxval), in images' dtype."""
        values = keras.random.uniform(
            (ops.shape(images)[0],),
            minval=minval,
            maxval=maxval,
            dtype=images.dtype,
            seed=self.seed_generator,
        )
        return _per_image(values)

    def _randint(self, images, minval, maxval):
        """Draws one int32 per image in [minval, maxval)."""
        return keras.random.randint(
            (ops.shape(images)[0],),
            minval=minval,
            maxval=maxval,
            dtype="int32",
            seed=self.seed_generator,
        )

    def _brightness(self, images):
        return images + self._uniform(images, -0.5, 0.5)

    def _saturation(self, images):
        mean = ops.mean(images, axis=-1, keepdims=True)
        return (images - mean) * self._uniform(images, 0.0, 2.0) + mean

    def _contrast(self, images):
        mean = ops.mean(images, axis=(1, 2, 3), keepdims=True)
        return (images - mean) * self._uniform(images, 0.5, 1.5) + mean

    def _translation(self, images):
        for axis in (1, 2):
            # Rounded as in the reference: int(size * ratio + 0.5).
            limit = int(images.shape[axis] * self.translation_ratio + 0.5)
            shift = self._randint(images, -limit, limit + 1)
            images = _shift_along(images, shift, axis)
        return images

    def _cutout(self, images):
        spans = []
        for axis in (1, 2):
            size = images.shape[axis]
            length = int(size * self.cutout_ratio + 0.5)
            # The reference's centre range: odd squares stay centred on a
            # pixel of the image, even ones may hang one pixel further out.
            centre = self._randint(images, 0, size + 1 - length % 2)
            spans.append(_span_mask(centre - length // 2, length, size))
        rows, columns = spans
        inside = ops.logical_and(rows[:, :, None, None], columns[:, None, :, None])
        return ops.where(inside, ops.zeros_like(images), images)
