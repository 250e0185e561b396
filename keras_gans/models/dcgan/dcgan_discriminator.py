"""The deep convolutional discriminator (Radford et al. 2016)."""

import numbers
import random

import keras
from keras import layers

from keras_gans.layers.cluster_score import ClusterScore
from keras_gans.layers.minibatch_std_dev import MinibatchStdDev
from keras_gans.models.dcgan.blocks import attention_at
from keras_gans.models.dcgan.blocks import check_attention_resolution
from keras_gans.models.dcgan.blocks import maybe_spectral_norm
from keras_gans.utils.validation import check_image_shape
from keras_gans.utils.validation import check_non_negative_int
from keras_gans.utils.validation import check_rate
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import check_widths
from keras_gans.utils.validation import format_received


def discriminator_resolutions(image_shape, d_filters):
    """Feature-map heights after each discriminator convolution."""
    return tuple(image_shape[0] // 2 ** (i + 1) for i in range(len(d_filters)))


def check_seed(seed):
    """Raises unless `seed` is `None` or a non-negative int; returns it."""
    if seed is not None and (
        isinstance(seed, bool)
        or not isinstance(seed, numbers.Integral)
        or seed < 0
    ):
        raise ValueError(
            "`seed` must be None or a non-negative integer. "
            + format_received(seed=seed)
        )
    return None if seed is None else int(seed)


def discriminator_features(
    x,
    image_shape,
    d_filters,
    kernel_size=4,
    batchnorm=True,
    dropout=0.0,
    spectral_norm=False,
    attention_resolution=None,
    seed=None,
    minibatch_std=0,
):
    """The DCGAN discriminator's convolutions, flattened (no score layer).

    `x` is the symbolic input of shape `image_shape[:2] + (channels,)`;
    the other arguments are those of `DCGANDiscriminator` (`d_filters` is
    its `filters`). Shared with the conditional discriminator.
    """
    for i, filters in enumerate(d_filters):
        conv = layers.Conv2D(
            filters,
            kernel_size,
            strides=2,
            padding="same",
            use_bias=not (batchnorm and i > 0),
            name=f"down{i}",
        )
        x = maybe_spectral_norm(conv, spectral_norm)(x)
        if batchnorm and i > 0:
            x = layers.BatchNormalization(name=f"down{i}_bn")(x)
        x = layers.LeakyReLU(0.2)(x)
        if dropout:
            # An explicit seed: unseeded Dropout on torch draws from torch's
            # global RNG, which no checkpoint saves, so a resumed run would
            # drop other units. Seeded, its SeedGenerator state is saved;
            # Python's `random` is what keras.utils.set_random_seed seeds
            # and what Keras draws its own default seeds from.
            layer_seed = (
                random.randint(1, 2**31 - 1) if seed is None else seed + i
            )
            x = layers.Dropout(dropout, seed=layer_seed)(x)
        x = attention_at(
            x,
            image_shape[0] // 2 ** (i + 1),
            attention_resolution,
            spectral_norm,
            "attention",
        )
    if minibatch_std:
        x = MinibatchStdDev(group_size=minibatch_std, name="minibatch_std")(x)
    return layers.Flatten()(x)


def code_head(features, code_classes):
    """InfoGAN's Q head: the code's logits from D's flattened features."""
    x = layers.Dense(128, name="code_hidden")(features)
    x = layers.LeakyReLU(0.2)(x)
    return layers.Dense(code_classes, dtype="float32", name="code_logits")(x)


@keras.saving.register_keras_serializable(package="keras_gans")
class DCGANDiscriminator(keras.Model):
    """The DCGAN discriminator: stride-2 convolutions and one raw score.

    One 4x4 (`kernel_size`) stride-2 `"same"` convolution per width, each
    followed by LeakyReLU(0.2), no pooling; BatchNorm after every
    convolution but the first (as in the paper), optional dropout after
    each block; the flattened features go to a `Dense(1)` score (a logit,
    float32 under mixed precision). With `spectral_norm` every convolution
    and the score layer are wrapped in
    `keras_gans.layers.SpectralNormalization` (SNGAN); with
    `attention_resolution` a `keras_gans.layers.SelfAttention` block
    follows the convolution producing that height (SAGAN).

    Args:
        image_shape: `(H, W, C)` of the images, any C.
        filters: widths, one stride-2 convolution each.
        kernel_size: convolution kernel size.
        batchnorm: BatchNorm after the convolutions but the first; `False`
            for gradient-penalty critics.
        dropout: dropout rate after each block, in [0, 1) (active only in
            training).
        spectral_norm: spectral normalization of every weight layer.
        attention_resolution: feature-map height of a `SelfAttention`
            block, one of `discriminator_resolutions(image_shape,
            filters)`; `None` for none.
        seed: seed of the dropout masks; block `i` uses `seed + i`. With
            `None` each dropout layer draws its seed from Python's
            `random` (which `keras.utils.set_random_seed` seeds), so its
            state is saved with the weights on every backend either way.
        minibatch_std: group size of a `keras_gans.layers.MinibatchStdDev`
            channel appended after the last block (the batch's spread,
            against mode collapse); 0 for none.
        code_classes: with > 0, a second output: the logits of the
            generator's categorical latent code (InfoGAN's Q head, on the
            shared features: Dense(128), LeakyReLU(0.2), Dense); the model
            is then called to `[score, code_logits]`.
        name: the model name.
        **kwargs: other `keras.Model` arguments (`trainable`, `dtype`).

    Raises:
        ValueError: naming the argument, for a bad shape, empty or
            non-positive widths, a bad `kernel_size` or `seed`, a
            `dropout` outside [0, 1) or an `attention_resolution` the
            discriminator does not have, or a negative `minibatch_std` or
            `code_classes`.

    Example:

    >>> discriminator = DCGANDiscriminator((28, 28, 1), filters=(64, 128))
    >>> discriminator(np.zeros((2, 28, 28, 1))).shape
    (2, 1)
    """

    def __init__(
        self,
        image_shape,
        filters=(64, 128),
        kernel_size=4,
        batchnorm=True,
        dropout=0.0,
        spectral_norm=False,
        attention_resolution=None,
        seed=None,
        minibatch_std=0,
        code_classes=0,
        cluster_scores=False,
        name="dcgan_discriminator",
        **kwargs,
    ):
        image_shape = check_image_shape(image_shape, channels=None)
        filters = check_widths("filters", filters)
        kernel_size = check_positive_int("kernel_size", kernel_size)
        batchnorm = bool(batchnorm)
        dropout = check_rate("dropout", dropout)
        spectral_norm = bool(spectral_norm)
        check_attention_resolution(
            attention_resolution,
            discriminator_resolutions(image_shape, filters),
            "discriminator",
        )
        seed = check_seed(seed)
        minibatch_std = check_non_negative_int("minibatch_std", minibatch_std)
        code_classes = check_non_negative_int("code_classes", code_classes)
        cluster_scores = bool(cluster_scores)
        if cluster_scores and not code_classes:
            raise ValueError(
                "`cluster_scores` reads each image's category off the code "
                "head: give code_classes > 0 with it. "
                + format_received(
                    cluster_scores=cluster_scores, code_classes=code_classes
                )
            )

        images = keras.Input(image_shape, name="images")
        x = discriminator_features(
            images,
            image_shape,
            filters,
            kernel_size,
            batchnorm,
            dropout,
            spectral_norm,
            attention_resolution,
            seed=seed,
            minibatch_std=minibatch_std,
        )
        units = code_classes if cluster_scores else 1
        score = layers.Dense(units, dtype="float32", name="score")
        outputs = maybe_spectral_norm(score, spectral_norm)(x)
        if code_classes:
            code_logits = code_head(x, code_classes)
            if cluster_scores:
                outputs = ClusterScore(dtype="float32", name="cluster_score")(
                    [outputs, code_logits]
                )
            outputs = [outputs, code_logits]
        super().__init__(inputs=images, outputs=outputs, name=name, **kwargs)

        self.image_shape = image_shape
        self.filters = filters
        self.kernel_size = kernel_size
        self.batchnorm = batchnorm
        self.dropout = dropout
        self.spectral_norm = spectral_norm
        self.attention_resolution = attention_resolution
        self.seed = seed
        self.minibatch_std = minibatch_std
        self.code_classes = code_classes
        self.cluster_scores = cluster_scores

    def get_config(self):
        return {
            "image_shape": self.image_shape,
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "batchnorm": self.batchnorm,
            "dropout": self.dropout,
            "spectral_norm": self.spectral_norm,
            "attention_resolution": self.attention_resolution,
            "seed": self.seed,
            "minibatch_std": self.minibatch_std,
            "code_classes": self.code_classes,
            "cluster_scores": self.cluster_scores,
            "name": self.name,
        }


def build_dcgan_discriminator(
    image_shape,
    d_filters=(64, 128),
    kernel_size=4,
    batchnorm=True,
    dropout=0.0,
    spectral_norm=False,
    attention_resolution=None,
):
    """Alias of `DCGANDiscriminator` kept for compatibility.

    Earlier versions built the discriminator with this function, as a
    plain functional model named `"discriminator"`; it now returns
    `DCGANDiscriminator(image_shape, filters=d_filters, ...,
    name="discriminator")`, with the same layers. New code should use the
    class.
    """
    return DCGANDiscriminator(
        image_shape,
        filters=d_filters,
        kernel_size=kernel_size,
        batchnorm=batchnorm,
        dropout=dropout,
        spectral_norm=spectral_norm,
        attention_resolution=attention_resolution,
        name="discriminator",
    )
