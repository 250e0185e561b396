"""The conditional DCGAN discriminator D(x|y), with an optional classifier."""

import keras
from keras import layers

from keras_gans.models.cgan.blocks import LABEL_ENCODINGS
from keras_gans.models.cgan.blocks import label_code_width
from keras_gans.models.cgan.blocks import label_encoder
from keras_gans.models.dcgan.blocks import maybe_spectral_norm
from keras_gans.models.dcgan.dcgan_discriminator import check_seed
from keras_gans.models.dcgan.dcgan_discriminator import discriminator_features
from keras_gans.utils.labels import check_num_classes
from keras_gans.utils.validation import check_choice
from keras_gans.utils.validation import check_image_shape
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import check_rate
from keras_gans.utils.validation import check_widths

# How the discriminator sees the label; `None` (not at all) is allowed too.
D_CONDITIONINGS = ("channels", "projection")


def _label_maps(labels, image_shape, encoder, width):
    # (N, E) -> (N, H, W, E): the same code at every pixel.
    height, image_width = image_shape[:2]
    code = encoder(labels)
    maps = layers.RepeatVector(height * image_width, name="label_repeat")(code)
    return layers.Reshape((height, image_width, width), name="label_maps")(maps)


@keras.saving.register_keras_serializable(package="keras_gans")
class ConditionalDiscriminator(keras.Model):
    """The DCGAN discriminator conditioned on the label, and/or a classifier.

    The convolutions are those of `keras_gans.models.dcgan.DCGANDiscriminator`
    (without attention). The label (int32 class ids of shape `(N,)`)
    enters in one of three ways (`conditioning`):

    - `"channels"`: its code (a learned `Embedding` or a frozen one-hot
      table) is broadcast over every pixel and concatenated to the image
      channels;
    - `"projection"` (Miyato & Koyama 2018): `score = psi(phi(x)) +
      <embed(y), phi(x)>`, with `phi(x)` the flattened convolution
      features and `embed` a learned class embedding;
    - `None`: the discriminator does not see the label (ACGAN's).

    With `class_logits` a second head computes `num_classes` class logits
    from the same features (ACGAN's auxiliary classifier).

    The model's inputs are `[images, label]` (`images` alone when
    `conditioning` is `None`); its output is the raw score `(N, 1)`, or
    `[score, class_logits]` when `class_logits` (float32 under mixed
    precision).

    Args:
        image_shape: `(H, W, C)` of the images, any C.
        num_classes: number of label classes (>= 2).
        filters: widths, one stride-2 convolution each.
        kernel_size: convolution kernel size.
        batchnorm: BatchNorm after the convolutions but the first.
        dropout: dropout rate after each block, in [0, 1).
        spectral_norm: spectral normalization of every convolution and
            dense head (not of the label embeddings).
        conditioning: `"channels"`, `"projection"` or `None`.
        label_encoding: `"embedding"` or `"one_hot"` label maps
            (`"channels"` only).
        embedding_dim: width of learned label maps (`"channels"` only).
        class_logits: also output `num_classes` class logits.
        seed: seed of the dropout masks, as in `DCGANDiscriminator`.
        name: the model name.
        **kwargs: other `keras.Model` arguments (`trainable`, `dtype`).

    Raises:
        ValueError: naming the argument, for a bad shape or class count,
            empty or non-positive widths, a bad `kernel_size`,
            `embedding_dim` or `seed`, a `dropout` outside [0, 1), or an
            unknown `conditioning` or `label_encoding`.

    Example:

    >>> discriminator = ConditionalDiscriminator((28, 28, 1), num_classes=10)
    >>> discriminator([np.zeros((2, 28, 28, 1)), np.array([3, 7])]).shape
    (2, 1)
    """

    def __init__(
        self,
        image_shape,
        num_classes,
        filters=(64, 128),
        kernel_size=4,
        batchnorm=True,
        dropout=0.0,
        spectral_norm=False,
        conditioning="channels",
        label_encoding="embedding",
        embedding_dim=32,
        class_logits=False,
        seed=None,
        name="conditional_discriminator",
        **kwargs,
    ):
        image_shape = check_image_shape(image_shape, channels=None)
        num_classes = check_num_classes(num_classes)
        filters = check_widths("filters", filters)
        kernel_size = check_positive_int("kernel_size", kernel_size)
        batchnorm = bool(batchnorm)
        dropout = check_rate("dropout", dropout)
        spectral_norm = bool(spectral_norm)
        check_choice("conditioning", conditioning, (None,) + D_CONDITIONINGS)
        check_choice("label_encoding", label_encoding, LABEL_ENCODINGS)
        embedding_dim = check_positive_int("embedding_dim", embedding_dim)
        class_logits = bool(class_logits)
        seed = check_seed(seed)

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
            filters,
            kernel_size,
            batchnorm,
            dropout,
            spectral_norm,
            seed=seed,
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
            logits = layers.Dense(
                num_classes, dtype="float32", name="class_logits"
            )
            logits = maybe_spectral_norm(logits, spectral_norm)(features)
            outputs = [score, logits]
        inputs = images if conditioning is None else [images, labels]
        super().__init__(inputs=inputs, outputs=outputs, name=name, **kwargs)

        self.image_shape = image_shape
        self.num_classes = num_classes
        self.filters = filters
        self.kernel_size = kernel_size
        self.batchnorm = batchnorm
        self.dropout = dropout
        self.spectral_norm = spectral_norm
        self.conditioning = conditioning
        self.label_encoding = label_encoding
        self.embedding_dim = embedding_dim
        self.class_logits = class_logits
        self.seed = seed

    def get_config(self):
        return {
            "image_shape": self.image_shape,
            "num_classes": self.num_classes,
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "batchnorm": self.batchnorm,
            "dropout": self.dropout,
            "spectral_norm": self.spectral_norm,
            "conditioning": self.conditioning,
            "label_encoding": self.label_encoding,
            "embedding_dim": self.embedding_dim,
            "class_logits": self.class_logits,
            "seed": self.seed,
            "name": self.name,
        }


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
    """Alias of `ConditionalDiscriminator` kept for compatibility.

    Earlier versions built the discriminator with this function, as a
    plain functional model named `"discriminator"`; it now returns
    `ConditionalDiscriminator(image_shape, num_classes, filters=d_filters,
    ..., name="discriminator")`, with the same layers. New code should use
    the class.
    """
    return ConditionalDiscriminator(
        image_shape,
        num_classes,
        filters=d_filters,
        kernel_size=kernel_size,
        batchnorm=batchnorm,
        dropout=dropout,
        spectral_norm=spectral_norm,
        conditioning=conditioning,
        label_encoding=label_encoding,
        embedding_dim=embedding_dim,
        class_logits=class_logits,
        name="discriminator",
    )
