"""The conditional DCGAN generator G(z|y) (Mirza and Osindero 2014)."""

import keras
from keras import layers

from keras_gans.layers import ConditionalBatchNormalization
from keras_gans.models.cgan.blocks import LABEL_ENCODINGS
from keras_gans.models.cgan.blocks import label_encoder
from keras_gans.models.dcgan.blocks import UPSAMPLING_MODES
from keras_gans.models.dcgan.blocks import maybe_spectral_norm
from keras_gans.models.dcgan.blocks import upsample
from keras_gans.utils.labels import check_num_classes
from keras_gans.utils.validation import check_choice
from keras_gans.utils.validation import check_divisible
from keras_gans.utils.validation import check_image_shape
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import check_widths


def _normalize(x, labels, conditional, num_classes, name):
    if conditional:
        return ConditionalBatchNormalization(num_classes, name=name)(
            [x, labels]
        )
    return layers.BatchNormalization(name=name)(x)


@keras.saving.register_keras_serializable(package="keras_gans")
class ConditionalGenerator(keras.Model):
    """The DCGAN generator on `[latent, label]`.

    The label (int32 class ids of shape `(N,)`) is encoded by an
    `Embedding` (learned, or a frozen identity table for `"one_hot"`
    codes) and concatenated to the latent; the projection to
    `(H / 2**n, W / 2**n, filters[0])` (`n = len(filters)`) and the `n`
    upsamplings follow `keras_gans.models.dcgan.DCGANGenerator`. With
    `conditional_batchnorm`, every BatchNorm is a
    `keras_gans.layers.ConditionalBatchNormalization` on the label.

    The model's inputs are `latent` float `(N, latent_dim)` and `label`
    int32 `(N,)`; its output is `images` `(N,) + image_shape` in [-1, 1]
    (float32 under mixed precision).

    Args:
        latent_dim: latent size.
        image_shape: `(H, W, C)` of the images, any C; H and W divisible
            by `2 ** len(filters)`.
        num_classes: number of label classes (>= 2).
        filters: widths, the first at the projection; one stride-2
            upsampling per entry.
        upsampling: `"transpose"` or `"upsample_conv"`.
        kernel_size: kernel size of the upsampling convolutions.
        label_encoding: `"embedding"` (learned codes of `embedding_dim`)
            or `"one_hot"`.
        embedding_dim: width of learned label codes.
        conditional_batchnorm: class-conditional BatchNorm.
        spectral_norm: spectral normalization of every weight layer (not
            of the label embedding).
        name: the model name.
        **kwargs: other `keras.Model` arguments (`trainable`, `dtype`).

    Raises:
        ValueError: naming the argument, for a bad shape, latent size or
            class count, empty or non-positive widths, an unknown
            `upsampling` or `label_encoding`, or an image size not
            divisible by `2 ** len(filters)`.

    Example:

    >>> generator = ConditionalGenerator(100, (28, 28, 1), num_classes=10)
    >>> generator([np.zeros((2, 100)), np.array([3, 7])]).shape
    (2, 28, 28, 1)
    """

    def __init__(
        self,
        latent_dim,
        image_shape,
        num_classes,
        filters=(256, 128),
        upsampling="transpose",
        kernel_size=4,
        label_encoding="embedding",
        embedding_dim=32,
        conditional_batchnorm=False,
        spectral_norm=False,
        name="conditional_generator",
        **kwargs,
    ):
        latent_dim = check_positive_int("latent_dim", latent_dim)
        image_shape = check_image_shape(image_shape, channels=None)
        num_classes = check_num_classes(num_classes)
        filters = check_widths("filters", filters)
        check_choice("upsampling", upsampling, UPSAMPLING_MODES)
        kernel_size = check_positive_int("kernel_size", kernel_size)
        check_choice("label_encoding", label_encoding, LABEL_ENCODINGS)
        embedding_dim = check_positive_int("embedding_dim", embedding_dim)
        check_divisible(
            image_shape,
            2 ** len(filters),
            f"the generator upsamples {len(filters)} times by 2",
        )
        conditional_batchnorm = bool(conditional_batchnorm)
        spectral_norm = bool(spectral_norm)

        height, width, channels = image_shape
        factor = 2 ** len(filters)
        h0, w0 = height // factor, width // factor
        z = keras.Input((latent_dim,), name="latent")
        labels = keras.Input((), dtype="int32", name="label")
        code = label_encoder(
            num_classes, label_encoding, embedding_dim, "label_code"
        )(labels)
        x = layers.Concatenate(name="latent_and_label")([z, code])
        project = layers.Dense(
            h0 * w0 * filters[0], use_bias=False, name="project"
        )
        x = maybe_spectral_norm(project, spectral_norm)(x)
        x = layers.Reshape((h0, w0, filters[0]))(x)
        x = _normalize(
            x, labels, conditional_batchnorm, num_classes, "project_bn"
        )
        x = layers.ReLU()(x)
        for i, width_i in enumerate(filters[1:]):
            x = upsample(
                x,
                width_i,
                upsampling,
                kernel_size,
                False,
                f"up{i}",
                spectral_norm,
            )
            x = _normalize(
                x, labels, conditional_batchnorm, num_classes, f"up{i}_bn"
            )
            x = layers.ReLU()(x)
        x = upsample(
            x,
            channels,
            upsampling,
            kernel_size,
            True,
            "to_image",
            spectral_norm,
        )
        images = layers.Activation("tanh", dtype="float32", name="images")(x)
        super().__init__(
            inputs=[z, labels], outputs=images, name=name, **kwargs
        )

        self.latent_dim = latent_dim
        self.image_shape = image_shape
        self.num_classes = num_classes
        self.filters = filters
        self.upsampling = upsampling
        self.kernel_size = kernel_size
        self.label_encoding = label_encoding
        self.embedding_dim = embedding_dim
        self.conditional_batchnorm = conditional_batchnorm
        self.spectral_norm = spectral_norm

    def get_config(self):
        return {
            "latent_dim": self.latent_dim,
            "image_shape": self.image_shape,
            "num_classes": self.num_classes,
            "filters": self.filters,
            "upsampling": self.upsampling,
            "kernel_size": self.kernel_size,
            "label_encoding": self.label_encoding,
            "embedding_dim": self.embedding_dim,
            "conditional_batchnorm": self.conditional_batchnorm,
            "spectral_norm": self.spectral_norm,
            "name": self.name,
        }


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
    """Alias of `ConditionalGenerator` kept for compatibility.

    Earlier versions built the generator with this function, as a plain
    functional model named `"generator"`; it now returns
    `ConditionalGenerator(latent_dim, image_shape, num_classes,
    filters=g_filters, ..., name="generator")`, with the same layers. New
    code should use the class.
    """
    return ConditionalGenerator(
        latent_dim,
        image_shape,
        num_classes,
        filters=g_filters,
        upsampling=upsampling,
        kernel_size=kernel_size,
        label_encoding=label_encoding,
        embedding_dim=embedding_dim,
        conditional_batchnorm=conditional_batchnorm,
        spectral_norm=spectral_norm,
        name="generator",
    )
