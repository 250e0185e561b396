"""CGAN: the conditional GAN of Mirza and Osindero (2014), DCGAN networks."""

import keras

from keras_gans.models.cgan.blocks import LABEL_ENCODINGS
from keras_gans.models.cgan.conditional_discriminator import D_CONDITIONINGS
from keras_gans.models.cgan.conditional_discriminator import (
    ConditionalDiscriminator,
)
from keras_gans.models.cgan.conditional_generator import ConditionalGenerator
from keras_gans.models.dcgan.dcgan import resolve_architecture
from keras_gans.training.adversarial_model import AdversarialModel
from keras_gans.utils.labels import check_num_classes
from keras_gans.utils.validation import check_choice
from keras_gans.utils.validation import check_image_shape
from keras_gans.utils.validation import check_positive_int


@keras.saving.register_keras_serializable(package="keras_gans")
class CGAN(AdversarialModel):
    """Conditional GAN: G(z|y) and D(x|y) on the DCGAN networks.

    The class label `y` is encoded by an `Embedding` (`label_encoding=
    "embedding"`) or as a one-hot code (`"one_hot"`). G concatenates the
    code to the latent before the DCGAN projection (and, with
    `g_conditional_batchnorm`, modulates every BatchNorm with a
    `keras_gans.layers.ConditionalBatchNormalization`). D sees the label
    as extra image channels, the code broadcast over every pixel
    (`d_conditioning="channels"`), or through a projection discriminator
    (`"projection"`, Miyato & Koyama 2018): `D(x, y) = psi(phi(x)) +
    <embed(y), phi(x)>` with `phi` the flattened convolution features.
    Trained with the non-saturating (BCE) loss and Adam(2e-4, 0.5) by
    default; `compile(loss=...)` takes any `keras_gans.losses` loss.

    Training data are `(images, labels)` batches with int labels in
    `[0, num_classes)` (`keras_gans.data.load(..., with_labels=True)`, or
    `fit(images, labels)`). The fake half of each batch uses the real
    batch's labels by default (`fake_labels="real"`; see
    `AdversarialModel`). `generate(n, labels=..., seed=...)` draws images
    of given classes.

    Args:
        image_shape: `(H, W, C)`, C in {1, 3}; H and W divisible by
            `2 ** len(g_filters)`.
        num_classes: number of label classes (>= 2).
        latent_dim: latent size.
        g_filters: generator widths, one stride-2 upsampling per entry
            (default for this and the next three: the DCGAN preset of the
            image size, e.g. `mnist_28`).
        d_filters: discriminator widths, one stride-2 convolution each.
        upsampling: `"transpose"` or `"upsample_conv"`.
        kernel_size: convolution kernel size.
        label_encoding: `"embedding"` (learned codes of `embedding_dim`)
            or `"one_hot"`; used by G and by D's label channels.
        embedding_dim: width of learned label codes.
        d_conditioning: `"channels"` or `"projection"`.
        g_conditional_batchnorm: class-conditional BatchNorm in G.
        d_batchnorm: BatchNorm in D (not on its first convolution).
        d_dropout: dropout rate after each D block.
        d_spectral_norm: spectral normalization of D's weight layers (not
            of its label embeddings).
        g_spectral_norm: spectral normalization of G's weight layers.
        d_steps: discriminator updates per generator update.
        seed: seed of the training latents (and of uniform fake labels).
        fake_labels: `"real"` or `"uniform"` (see `AdversarialModel`).
        **kwargs: further `AdversarialModel` arguments (`ema_decay`,
            `gp_weight`, `r1_gamma`, `augment`, `name`, ...).

    Raises:
        ValueError: naming the argument, for invalid shapes, widths,
            classes or options.

    Example:

    ```python
    ds = keras_gans.data.load("mnist-idx", data_dir="mnist", with_labels=True)
    gan = keras_gans.CGAN(image_shape=(28, 28, 1), num_classes=10)
    gan.compile()
    gan.fit(ds, epochs=20)
    sevens = gan.generate(16, labels=7, seed=0)
    ```
    """

    # What D may see of the label; ACGAN adds `None` (the image alone).
    d_conditioning_choices = D_CONDITIONINGS
    # Whether D also outputs class logits (ACGAN).
    discriminator_classifies = False

    def __init__(
        self,
        image_shape=(28, 28, 1),
        num_classes=10,
        latent_dim=100,
        g_filters=None,
        d_filters=None,
        upsampling=None,
        kernel_size=None,
        label_encoding="embedding",
        embedding_dim=32,
        d_conditioning="channels",
        g_conditional_batchnorm=False,
        d_batchnorm=True,
        d_dropout=0.0,
        d_spectral_norm=False,
        g_spectral_norm=False,
        d_steps=1,
        seed=None,
        fake_labels="real",
        **kwargs,
    ):
        image_shape = check_image_shape(image_shape)
        num_classes = check_num_classes(num_classes)
        latent_dim = check_positive_int("latent_dim", latent_dim)
        g_filters, d_filters, upsampling, kernel_size = resolve_architecture(
            image_shape,
            g_filters,
            d_filters,
            upsampling,
            kernel_size,
            d_dropout,
        )
        check_choice("label_encoding", label_encoding, LABEL_ENCODINGS)
        embedding_dim = check_positive_int("embedding_dim", embedding_dim)
        check_choice(
            "d_conditioning", d_conditioning, self.d_conditioning_choices
        )
        kwargs.pop("generator", None)
        kwargs.pop("discriminator", None)
        super().__init__(
            generator=ConditionalGenerator(
                latent_dim,
                image_shape,
                num_classes,
                filters=g_filters,
                upsampling=upsampling,
                kernel_size=kernel_size,
                label_encoding=label_encoding,
                embedding_dim=embedding_dim,
                conditional_batchnorm=bool(g_conditional_batchnorm),
                spectral_norm=bool(g_spectral_norm),
                name="generator",
            ),
            discriminator=ConditionalDiscriminator(
                image_shape,
                num_classes,
                filters=d_filters,
                kernel_size=kernel_size,
                batchnorm=bool(d_batchnorm),
                dropout=float(d_dropout),
                spectral_norm=bool(d_spectral_norm),
                conditioning=d_conditioning,
                label_encoding=label_encoding,
                embedding_dim=embedding_dim,
                class_logits=self.discriminator_classifies,
                name="discriminator",
            ),
            latent_dim=latent_dim,
            d_steps=d_steps,
            seed=seed,
            num_classes=num_classes,
            fake_labels=fake_labels,
            **kwargs,
        )
        self.g_filters = g_filters
        self.d_filters = d_filters
        self.upsampling = upsampling
        self.kernel_size = kernel_size
        self.label_encoding = label_encoding
        self.embedding_dim = embedding_dim
        self.d_conditioning = d_conditioning
        self.g_conditional_batchnorm = bool(g_conditional_batchnorm)
        self.d_batchnorm = bool(d_batchnorm)
        self.d_dropout = float(d_dropout)
        self.d_spectral_norm = bool(d_spectral_norm)
        self.g_spectral_norm = bool(g_spectral_norm)

    def discriminator_inputs(self, images, labels):
        if self.d_conditioning is None:
            return images
        return [images, labels]

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
                "label_encoding": self.label_encoding,
                "embedding_dim": self.embedding_dim,
                "d_conditioning": self.d_conditioning,
                "g_conditional_batchnorm": self.g_conditional_batchnorm,
                "d_batchnorm": self.d_batchnorm,
                "d_dropout": self.d_dropout,
                "d_spectral_norm": self.d_spectral_norm,
                "g_spectral_norm": self.g_spectral_norm,
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)
