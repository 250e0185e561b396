"""Conditional DCGAN networks: G(z|y), D(x|y) and an auxiliary classifier D.

Labels enter as int32 class ids of shape `(N,)`. They are encoded by an
`Embedding` (learned, or a frozen identity table for one-hot codes), then:

- in G, concatenated to the latent before the projection and optionally
  used by `ConditionalBatchNormalization` after every upsampling;
- in D, either broadcast to a label map concatenated to the image channels
  (`"channels"`), or projected onto the features (`"projection"`, Miyato &
  Koyama 2018: `score = psi(phi(x)) + <embed(y), phi(x)>`), or not at all
  (`None`, for an auxiliary-classifier D).
"""

import keras
from keras import layers

from keras_gans.layers import ConditionalBatchNormalization
from keras_gans.models.dcgan.networks import discriminator_features
from keras_gans.models.dcgan.networks import maybe_spectral_norm
from keras_gans.models.dcgan.networks import upsample

LABEL_ENCODINGS = ("embedding", "one_hot")
D_CONDITIONINGS = ("channels", "projection")


def label_encoder(num_classes, label_encoding, embedding_dim, name):
    """An `Embedding` mapping class ids to codes.

    `"one_hot"` is a frozen identity table (`num_classes` wide), so it
    exports like any embedding (a gather) on every backend and in TFLite.
    """
    if label_encoding == "one_hot":
        return layers.Embedding(
            num_classes,
            num_classes,
            embeddings_initializer="identity",
            trainable=False,
            name=name,
        )
    return layers.Embedding(num_classes, embedding_dim, name=name)


def label_code_width(num_classes, label_encoding, embedding_dim):
    """Width of the codes `label_encoder` returns."""
    return num_classes if label_encoding == "one_hot" else embedding_dim


def _normalize(x, labels, conditional, num_classes, name):
    if conditional:
        return ConditionalBatchNormalization(num_classes, name=name)(
            [x, labels]
        )
    return layers.BatchNormalization(name=name)(x)


def build_conditional_generator(
    latent_dim,
    image_shape,
    num_classes,
    g_filters=(256, 128),
    upsampling="transpose",
    kernel_size=4,
    label_encoding="embedding",
    embedding_dim=32,
    conditional_batchnorm=False,
    spectral_norm=False,
):
    """The DCGAN generator on `[latent, label]`.

    The label code is concatenated to the latent; the projection to
    `(H/2^n, W/2^n, g_filters[0])` and the `n` upsamplings follow the DCGAN
    generator. With `conditional_batchnorm`, every BatchNorm is a
    `ConditionalBatchNormalization` on the label.

    Returns:
        A `keras.Model` with inputs `latent` float `(N, latent_dim)` and
        `label` int32 `(N,)`, output `images` `(N,) + image_shape` in
        [-1, 1].
    """
    height, width, channels = image_shape
    factor = 2 ** len(g_filters)
    h0, w0 = height // factor, width // factor
    z = keras.Input((latent_dim,), name="latent")
    labels = keras.Input((), dtype="int32", name="label")
    code = label_encoder(
        num_classes, label_encoding, embedding_dim, "label_code"
    )(labels)
    x = layers.Concatenate(name="latent_and_label")([z, code])
    project = layers.Dense(
        h0 * w0 * g_filters[0], use_bias=False, name="project"
    )
    x = maybe_spectral_norm(project, spectral_norm)(x)
    x = layers.Reshape((h0, w0, g_filters[0]))(x)
    x = _normalize(x, labels, conditional_batchnorm, num_classes, "project_bn")
    x = layers.ReLU()(x)
    for i, filters in enumerate(g_filters[1:]):
        x = upsample(
            x, filters, upsampling, kernel_size, False, f"up{i}", spectral_norm
        )
        x = _normalize(
            x, labels, conditional_batchnorm, num_classes, f"up{i}_bn"
        )
        x = layers.ReLU()(x)
    x = upsample(
        x, channels, upsampling, kernel_size, True, "to_image", spectral_norm
    )
    images = layers.Activation("tanh", dtype="float32", name="images")(x)
    return keras.Model([z, labels], images, name="generator")


def _label_maps(labels, image_shape, encoder, width):
    # (N, E) -> (N, H, W, E): the same code at every pixel.
    height, image_width = image_shape[:2]
    code = encoder(labels)
    maps = layers.RepeatVector(height * image_width, name="label_repeat")(code)
    return layers.Reshape((height, image_width, width), name="label_maps")(maps)


def build_conditional_discriminator(
    image_shape,
    num_classes,
    d_filters=(64, 128),
    kernel_size=4,
    batchnorm=True,
    dropout=0.0,
    spectral_norm=False,
    conditioning="channels",
    label_encoding="embedding",
    embedding_dim=32,
    class_logits=False,
):
    """The DCGAN discriminator conditioned on the label, and/or a classifier.

    Args:
        image_shape: `(H, W, C)` of the images.
        num_classes: number of classes.
        d_filters, kernel_size, batchnorm, dropout, spectral_norm: as in
            `build_dcgan_discriminator`.
        conditioning: `"channels"` (label maps concatenated to the image),
            `"projection"` (inner product of a class embedding with the
            flattened features, added to the score) or `None` (D does not
            see the label).
        label_encoding: `"embedding"` or `"one_hot"` label maps
            (`"channels"` only).
        embedding_dim: width of learned label maps.
        class_logits: also output `num_classes` class logits computed from
            the same features (ACGAN's auxiliary classifier).

    Returns:
        A `keras.Model` on `[images, label]` (or `images` alone when
        `conditioning` is `None`) returning the score `(N, 1)`, or
        `[score, class_logits]` when `class_logits`.
    """
    images = keras.Input(image_shape, name="images")
    labels = None
    if conditioning is not None:
        labels = keras.Input((), dtype="int32", name="label")
    x = images
    if conditioning == "channels":
        width = label_code_width(num_classes, label_encoding, embedding_dim)
        encoder = label_encoder(
            num_classes, label_encoding, embedding_dim, "label_code"
        )
        maps = _label_maps(labels, image_shape, encoder, width)
        x = layers.Concatenate(name="image_and_label")([images, maps])
    features = discriminator_features(
        x,
        image_shape,
        d_filters,
        kernel_size,
        batchnorm,
        dropout,
        spectral_norm,
    )
    score = layers.Dense(1, dtype="float32", name="score")
    score = maybe_spectral_norm(score, spectral_norm)(features)
    if conditioning == "projection":
        embed = layers.Embedding(
            num_classes, features.shape[-1], name="class_embedding"
        )(labels)
        projection = layers.Dot(axes=1, dtype="float32", name="projection")(
            [features, embed]
        )
        score = layers.Add(dtype="float32", name="projected_score")(
            [score, projection]
        )
    outputs = score
    if class_logits:
        logits = layers.Dense(num_classes, dtype="float32", name="class_logits")
        logits = maybe_spectral_norm(logits, spectral_norm)(features)
        outputs = [score, logits]
    inputs = images if conditioning is None else [images, labels]
    return keras.Model(inputs, outputs, name="discriminator")
