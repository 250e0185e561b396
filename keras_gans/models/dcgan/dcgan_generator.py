"""The deep convolutional generator (Radford et al. 2016)."""

import keras
from keras import layers

from keras_gans.layers.categorical_latent_code import CategoricalLatentCode
from keras_gans.models.dcgan.blocks import UPSAMPLING_MODES
from keras_gans.models.dcgan.blocks import attention_at
from keras_gans.models.dcgan.blocks import check_attention_resolution
from keras_gans.models.dcgan.blocks import maybe_spectral_norm
from keras_gans.models.dcgan.blocks import upsample
from keras_gans.utils.validation import check_choice
from keras_gans.utils.validation import check_divisible
from keras_gans.utils.validation import check_image_shape
from keras_gans.utils.validation import check_non_negative_int
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import check_widths
from keras_gans.utils.validation import format_received


def generator_resolutions(image_shape, g_filters):
    """Feature-map heights inside the generator (the output excluded)."""
    height = image_shape[0] // 2 ** len(g_filters)
    return tuple(height * 2**i for i in range(len(g_filters)))


@keras.saving.register_keras_serializable(package="keras_gans")
class DCGANGenerator(keras.Model):
    """The DCGAN generator: a projection, then stride-2 upsamplings.

    A bias-free `Dense` projection of the latent to
    `(H / 2**n, W / 2**n, filters[0])` (`n = len(filters)`), BatchNorm and
    ReLU; then, for each further width, a stride-2 upsampling (a
    transposed convolution, or nearest upsampling and a convolution),
    BatchNorm and ReLU; a last upsampling maps to the image channels,
    followed by tanh (float32 under mixed precision). With
    `spectral_norm` every weight layer is wrapped in
    `keras_gans.layers.SpectralNormalization`; with `attention_resolution`
    a `keras_gans.layers.SelfAttention` block follows the block whose
    feature maps have that height (SAGAN).

    Args:
        latent_dim: latent size.
        image_shape: `(H, W, C)` of the images, any C; H and W divisible
            by `2 ** len(filters)`.
        filters: widths, the first at the projection; one stride-2
            upsampling per entry.
        upsampling: `"transpose"` (a
            `keras_gans.layers.SubPixelConv2DTranspose`) or
            `"upsample_conv"` (nearest upsampling and a convolution).
        kernel_size: kernel size of the upsampling convolutions.
        spectral_norm: spectral normalization of every weight layer.
        attention_resolution: feature-map height of a `SelfAttention`
            block, one of `generator_resolutions(image_shape, filters)`;
            `None` for none.
        latent_classes: categories of a `CategoricalLatentCode` read off
            the first latent entries and appended to the latent (InfoGAN);
            0 for none.
        name: the model name.
        **kwargs: other `keras.Model` arguments (`trainable`, `dtype`).

    Raises:
        ValueError: naming the argument, for a bad shape or latent size,
            empty or non-positive widths, an unknown `upsampling`, an image
            size not divisible by `2 ** len(filters)` or an
            `attention_resolution` the generator does not have.

    Example:

    >>> generator = DCGANGenerator(100, (28, 28, 1), filters=(256, 128))
    >>> generator(np.zeros((2, 100))).shape
    (2, 28, 28, 1)
    """

    def __init__(
        self,
        latent_dim,
        image_shape,
        filters=(256, 128),
        upsampling="transpose",
        kernel_size=4,
        spectral_norm=False,
        attention_resolution=None,
        latent_classes=0,
        name="dcgan_generator",
        **kwargs,
    ):
        latent_dim = check_positive_int("latent_dim", latent_dim)
        image_shape = check_image_shape(image_shape, channels=None)
        filters = check_widths("filters", filters)
        check_choice("upsampling", upsampling, UPSAMPLING_MODES)
        kernel_size = check_positive_int("kernel_size", kernel_size)
        check_divisible(
            image_shape,
            2 ** len(filters),
            f"the generator upsamples {len(filters)} times by 2",
        )
        spectral_norm = bool(spectral_norm)
        latent_classes = check_non_negative_int(
            "latent_classes", latent_classes
        )
        if latent_classes > latent_dim:
            raise ValueError(
                "`latent_classes` reads its code from the first entries of "
                "the latent: it must be at most `latent_dim`. "
                + format_received(
                    latent_classes=latent_classes, latent_dim=latent_dim
                )
            )
        check_attention_resolution(
            attention_resolution,
            generator_resolutions(image_shape, filters),
            "generator",
        )

        height, width, channels = image_shape
        factor = 2 ** len(filters)
        h0, w0 = height // factor, width // factor
        z = keras.Input((latent_dim,), name="latent")
        x = z
        if latent_classes:
            x = CategoricalLatentCode(latent_classes, name="latent_code")(x)
        project = layers.Dense(
            h0 * w0 * filters[0], use_bias=False, name="project"
        )
        x = maybe_spectral_norm(project, spectral_norm)(x)
        x = layers.Reshape((h0, w0, filters[0]))(x)
        x = layers.BatchNormalization(name="project_bn")(x)
        x = layers.ReLU()(x)
        x = attention_at(
            x, h0, attention_resolution, spectral_norm, "attention"
        )
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
            x = layers.BatchNormalization(name=f"up{i}_bn")(x)
            x = layers.ReLU()(x)
            x = attention_at(
                x,
                h0 * 2 ** (i + 1),
                attention_resolution,
                spectral_norm,
                "attention",
            )
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
        super().__init__(inputs=z, outputs=images, name=name, **kwargs)

        self.latent_dim = latent_dim
        self.image_shape = image_shape
        self.filters = filters
        self.upsampling = upsampling
        self.kernel_size = kernel_size
        self.spectral_norm = spectral_norm
        self.attention_resolution = attention_resolution
        self.latent_classes = latent_classes

    def get_config(self):
        return {
            "latent_dim": self.latent_dim,
            "image_shape": self.image_shape,
            "filters": self.filters,
            "upsampling": self.upsampling,
            "kernel_size": self.kernel_size,
            "spectral_norm": self.spectral_norm,
            "attention_resolution": self.attention_resolution,
            "latent_classes": self.latent_classes,
            "name": self.name,
        }


def build_dcgan_generator(
    latent_dim,
    image_shape,
    g_filters=(256, 128),
    upsampling="transpose",
    kernel_size=4,
    spectral_norm=False,
    attention_resolution=None,
):
    """Alias of `DCGANGenerator` kept for compatibility.

    Earlier versions built the generator with this function, as a plain
    functional model named `"generator"`; it now returns
    `DCGANGenerator(latent_dim, image_shape, filters=g_filters, ...,
    name="generator")`, with the same layers. New code should use the
    class.
    """
    return DCGANGenerator(
        latent_dim,
        image_shape,
        filters=g_filters,
        upsampling=upsampling,
        kernel_size=kernel_size,
        spectral_norm=spectral_norm,
        attention_resolution=attention_resolution,
        name="generator",
    )
