"""DCGAN: the convolutional GAN of Radford, Metz and Chintala (2016)."""

import keras
from keras import ops

from keras_gans.layers.categorical_latent_code import code_loss
from keras_gans.layers.categorical_latent_code import code_mutual_information
from keras_gans.models.dcgan.blocks import UPSAMPLING_MODES
from keras_gans.models.dcgan.dcgan_discriminator import DCGANDiscriminator
from keras_gans.models.dcgan.dcgan_discriminator import (
    discriminator_resolutions,
)
from keras_gans.models.dcgan.dcgan_generator import DCGANGenerator
from keras_gans.models.dcgan.dcgan_generator import generator_resolutions
from keras_gans.models.dcgan.presets import DCGAN_PRESETS
from keras_gans.training.adversarial_model import AdversarialModel
from keras_gans.utils.validation import check_choice
from keras_gans.utils.validation import check_divisible
from keras_gans.utils.validation import check_image_shape
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received


def default_architecture(image_shape):
    """Preset widths for a known size, else a 64-based pyramid."""
    for preset in DCGAN_PRESETS.values():
        if tuple(preset["image_shape"][:2]) == tuple(image_shape[:2]):
            return preset
    height, width = image_shape[:2]
    depth = 0
    while (
        depth < 4
        and height % 2 ** (depth + 1) == 0
        and width % 2 ** (depth + 1) == 0
        and height // 2 ** (depth + 1) >= 3
    ):
        depth += 1
    if depth == 0:
        raise ValueError(
            "`image_shape` height and width must be even (the generator "
            "upsamples by 2) and at least 6. "
            + format_received(image_shape=image_shape)
        )
    return {
        "g_filters": tuple(64 * 2 ** (depth - 1 - i) for i in range(depth)),
        "d_filters": tuple(64 * 2**i for i in range(depth)),
        "upsampling": "transpose",
        "kernel_size": 4,
    }


def _check_weight(name, value):
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = -1.0
    if isinstance(value, bool) or not number >= 0.0:
        raise ValueError(
            f"`{name}` must be a non-negative number. "
            + format_received(**{name: value})
        )
    return number


def _check_attention_resolution(resolution, image_shape, g_filters, d_filters):
    if resolution is None:
        return
    allowed = sorted(
        set(generator_resolutions(image_shape, g_filters))
        & set(discriminator_resolutions(image_shape, d_filters))
    )
    if resolution not in allowed:
        raise ValueError(
            "`attention_resolution` must be a feature-map height that both "
            f"networks have; for this architecture one of {allowed}. "
            + format_received(attention_resolution=resolution)
        )


def resolve_architecture(
    image_shape,
    g_filters=None,
    d_filters=None,
    upsampling=None,
    kernel_size=None,
    d_dropout=0.0,
    attention_resolution=None,
):
    """Fills and validates the DCGAN architecture arguments.

    Unset widths, upsampling mode and kernel size come from
    `default_architecture(image_shape)`.

    Returns:
        `(g_filters, d_filters, upsampling, kernel_size)`, widths as tuples.

    Raises:
        ValueError: naming the argument, for empty or non-positive widths,
            an unknown `upsampling`, a bad `kernel_size`, an image size not
            divisible by `2 ** len(g_filters)`, `d_dropout` outside [0, 1)
            or an `attention_resolution` neither network has.
    """
    defaults = default_architecture(image_shape)
    g_filters = tuple(defaults["g_filters"] if g_filters is None else g_filters)
    d_filters = tuple(defaults["d_filters"] if d_filters is None else d_filters)
    upsampling = upsampling or defaults["upsampling"]
    kernel_size = kernel_size or defaults["kernel_size"]
    for name, widths in (("g_filters", g_filters), ("d_filters", d_filters)):
        if not widths:
            raise ValueError(
                f"`{name}` needs at least one width. "
                + format_received(**{name: widths})
            )
        for width in widths:
            check_positive_int(name, width)
    check_choice("upsampling", upsampling, UPSAMPLING_MODES)
    check_positive_int("kernel_size", kernel_size)
    check_divisible(
        image_shape,
        2 ** len(g_filters),
        f"the generator upsamples {len(g_filters)} times by 2",
    )
    if not 0.0 <= float(d_dropout) < 1.0:
        raise ValueError(
            "`d_dropout` must be in [0, 1). "
            + format_received(d_dropout=d_dropout)
        )
    _check_attention_resolution(
        attention_resolution, image_shape, g_filters, d_filters
    )
    return g_filters, d_filters, upsampling, kernel_size


@keras.saving.register_keras_serializable(package="keras_gans")
class DCGAN(AdversarialModel):
    """Deep convolutional GAN.

    D: stride-2 convolutions, LeakyReLU(0.2), BatchNorm (not on the first
    layer), no pooling. G: a linear projection followed by stride-2
    transposed convolutions (or upsample+conv), BatchNorm and ReLU, tanh
    output. Widths default to the preset of the image size
    (`DCGAN.presets`: `mnist_28`, `upsample_32`, `radford_64`), else a
    64-based pyramid.

    Args:
        image_shape: `(H, W, C)`, C in {1, 3}; H and W divisible by
            `2 ** len(g_filters)`.
        latent_dim: latent size (> 0).
        g_filters: generator widths, the first at the projection; one
            stride-2 upsampling per entry.
        d_filters: discriminator widths, one stride-2 convolution each.
        upsampling: `"transpose"` or `"upsample_conv"`.
        kernel_size: convolution kernel size.
        d_batchnorm: BatchNorm in D (off for gradient-penalty critics).
        d_dropout: dropout rate after each D block.
        d_spectral_norm: spectral normalization of every D weight layer.
        g_spectral_norm: spectral normalization of every G weight layer.
        attention_resolution: feature-map height at which a
            `SelfAttention` block is inserted in both networks (SAGAN);
            `None` for none.
        d_minibatch_std: group size of a minibatch standard deviation
            channel at the end of D (`keras_gans.layers.MinibatchStdDev`,
            against mode collapse); 0 for none.
        latent_classes: with > 0, InfoGAN's categorical latent code (Chen
            et al. 2016): the generator appends the one-hot arg-max of the
            first `latent_classes` latent entries to the latent (a uniform
            category for normal latents; `keras_gans.layers.
            CategoricalLatentCode`), and a head on D must recover it from
            the image. Unconditional data made of separate modes (digits)
            then get a category per mode, drawn in equal shares. 0 for none.
        info_weight: weight of the code's cross-entropy (logged as `info`)
            in both players' losses (InfoGAN's lambda; 1 for discrete codes).
        cluster_weight: with a code, weight of a discriminator term that
            makes its code head cluster the real images too: it maximizes
            the mutual information between real images and the categories
            (entropy of the batch's mean prediction minus the mean
            entropy; IMSAT, Hu et al. 2017). Reading the fakes' codes with
            the same head then ties each category to one mode of the data,
            in the data's shares, instead of letting one category draw two
            digits. 0 for none.
        cluster_scores: with a code, D gives one score per category and
            judges each image, real or fake, by the score of the category
            its code head reads (`keras_gans.layers.ClusterScore`; a
            discriminator conditioned on self-found clusters, Liu et al.
            2020). A category that draws only part of its mode (the 9s of
            a 4-and-9 cluster) is then penalised for it.
        d_steps: discriminator updates per generator update.
        seed: seed of the training latents.
        **kwargs: `AdversarialModel` arguments (`ema_decay`, `gp_weight`,
            `r1_gamma`, `r1_interval`, `clip_value`, `augment`, `name`).

    Raises:
        ValueError: naming the argument for invalid shapes or widths.

    Example:

    ```python
    gan = keras_gans.DCGAN(image_shape=(28, 28, 1), latent_dim=100)
    gan.compile()
    gan.fit(keras_gans.data.load("mnist-idx", data_dir="mnist"), epochs=20)
    ```
    """

    presets = DCGAN_PRESETS

    def __init__(
        self,
        image_shape=(28, 28, 1),
        latent_dim=100,
        g_filters=None,
        d_filters=None,
        upsampling=None,
        kernel_size=None,
        d_batchnorm=True,
        d_dropout=0.0,
        d_spectral_norm=False,
        g_spectral_norm=False,
        attention_resolution=None,
        d_minibatch_std=0,
        latent_classes=0,
        info_weight=1.0,
        cluster_weight=0.0,
        cluster_scores=False,
        d_steps=1,
        seed=None,
        **kwargs,
    ):
        image_shape = check_image_shape(image_shape)
        latent_dim = check_positive_int("latent_dim", latent_dim)
        g_filters, d_filters, upsampling, kernel_size = resolve_architecture(
            image_shape,
            g_filters,
            d_filters,
            upsampling,
            kernel_size,
            d_dropout,
            attention_resolution,
        )
        kwargs.pop("generator", None)
        kwargs.pop("discriminator", None)
        super().__init__(
            generator=DCGANGenerator(
                latent_dim,
                image_shape,
                filters=g_filters,
                upsampling=upsampling,
                kernel_size=kernel_size,
                spectral_norm=bool(g_spectral_norm),
                attention_resolution=attention_resolution,
                latent_classes=latent_classes,
                name="generator",
            ),
            discriminator=DCGANDiscriminator(
                image_shape,
                filters=d_filters,
                kernel_size=kernel_size,
                batchnorm=d_batchnorm,
                dropout=d_dropout,
                spectral_norm=bool(d_spectral_norm),
                attention_resolution=attention_resolution,
                minibatch_std=d_minibatch_std,
                code_classes=latent_classes,
                cluster_scores=cluster_scores,
                name="discriminator",
            ),
            latent_dim=latent_dim,
            d_steps=d_steps,
            seed=seed,
            **kwargs,
        )
        self.g_filters = g_filters
        self.d_filters = d_filters
        self.upsampling = upsampling
        self.kernel_size = kernel_size
        self.d_batchnorm = bool(d_batchnorm)
        self.d_dropout = float(d_dropout)
        self.d_spectral_norm = bool(d_spectral_norm)
        self.g_spectral_norm = bool(g_spectral_norm)
        self.attention_resolution = attention_resolution
        self.d_minibatch_std = self.discriminator.minibatch_std
        self.latent_classes = self.generator.latent_classes
        self.info_weight = _check_weight("info_weight", info_weight)
        self.cluster_weight = _check_weight("cluster_weight", cluster_weight)
        self.cluster_scores = self.discriminator.cluster_scores
        if self.cluster_weight and not self.latent_classes:
            raise ValueError(
                "`cluster_weight` trains the code head of `latent_classes` "
                "on the real images: give latent_classes > 0 with it. "
                + format_received(
                    cluster_weight=cluster_weight,
                    latent_classes=latent_classes,
                )
            )

    def latent_code_loss(self, fake_logits, z):
        """InfoGAN's term: cross-entropy of D's code logits on the fakes
        against the code their latents carry (`None` without a code)."""
        if not self.latent_classes:
            return None
        return self.info_weight * code_loss(z, fake_logits, self.latent_classes)

    def discriminator_class_loss(
        self, real_logits, labels, fake_logits, fake_labels
    ):
        """With `cluster_weight`, D's code head also clusters the real
        images: it maximizes their mutual information with its categories
        (`code_mutual_information`). The head must read each fake's code
        too, so each category of the generator is pulled to one equally
        frequent mode of the data; `None` (nothing) otherwise."""
        if not self.cluster_weight:
            return None
        return -self.cluster_weight * code_mutual_information(real_logits)

    @classmethod
    def from_preset(cls, preset, **overrides):
        """Builds a DCGAN from a named preset, with argument overrides."""
        check_choice("preset", preset, cls.presets)
        return cls(**{**cls.presets[preset], **overrides})

    def get_config(self):
        config = super().get_config()
        del config["generator"], config["discriminator"]
        config.update(
            {
                "image_shape": self.image_shape,
                "g_filters": self.g_filters,
                "d_filters": self.d_filters,
                "upsampling": self.upsampling,
                "kernel_size": self.kernel_size,
                "d_batchnorm": self.d_batchnorm,
                "d_dropout": self.d_dropout,
                "d_spectral_norm": self.d_spectral_norm,
                "g_spectral_norm": self.g_spectral_norm,
                "attention_resolution": self.attention_resolution,
                "d_minibatch_std": self.d_minibatch_std,
                "latent_classes": self.latent_classes,
                "info_weight": self.info_weight,
                "cluster_weight": self.cluster_weight,
                "cluster_scores": self.cluster_scores,
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)
