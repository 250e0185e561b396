"""ACGAN: a GAN whose discriminator also classifies (Odena et al. 2017)."""

import keras
from keras import ops

from keras_gans.models.cgan.cgan import CGAN
from keras_gans.models.cgan.conditional_discriminator import D_CONDITIONINGS
from keras_gans.utils.validation import format_received


def class_loss(labels, logits):
    """Mean sparse categorical cross-entropy of class `logits`."""
    return ops.mean(
        ops.sparse_categorical_crossentropy(labels, logits, from_logits=True)
    )


def _check_class_weight(class_weight):
    if isinstance(class_weight, bool) or not (
        isinstance(class_weight, (int, float)) and class_weight > 0
    ):
        raise ValueError(
            "`class_weight` must be a positive number (the weight of the "
            "class loss; 1.0 in the paper). "
            + format_received(class_weight=class_weight)
        )
    return float(class_weight)


@keras.saving.register_keras_serializable(package="keras_gans")
class ACGAN(CGAN):
    """Auxiliary Classifier GAN on the conditional DCGAN networks.

    G(z|y) is CGAN's generator. D sees the image only and has two heads on
    the same features: a real/fake score and `num_classes` class logits.
    Besides the adversarial loss (non-saturating by default, any
    `keras_gans.losses` loss allowed):

    - D minimizes `class_weight * d_cls`, `d_cls = CE(y, C(x_real)) +
      CE(y_fake, C(G(z, y_fake)))`: it learns to classify real and fake
      images;
    - G minimizes `class_weight * g_cls`, `g_cls = CE(y_fake, C(G(z,
      y_fake)))`: its images must be recognisable as their class.

    `CE` is the mean sparse categorical cross-entropy. `d_cls` and `g_cls`
    are logged; `d_loss` and `g_loss` are the totals.

    Args:
        image_shape: `(H, W, C)` of the images.
        num_classes: number of label classes.
        latent_dim: latent size.
        class_weight: weight of the class losses in both players' losses.
        d_conditioning: `None` (default, the paper's D sees no label), or
            `"channels"` / `"projection"` to also condition D as in CGAN.
        **kwargs: further `CGAN` arguments (architecture, `label_encoding`,
            `g_conditional_batchnorm`, `fake_labels`, `ema_decay`, ...).

    Raises:
        ValueError: for a non-positive `class_weight`, or as `CGAN`.

    Example:

    ```python
    gan = keras_gans.ACGAN(image_shape=(28, 28, 1), num_classes=10)
    gan.compile()
    gan.fit(keras_gans.data.load("digits", with_labels=True,
                                 image_shape=(28, 28, 1)), epochs=20)
    threes = gan.generate(8, labels=3, seed=0)
    ```
    """

    d_conditioning_choices = (None,) + D_CONDITIONINGS
    discriminator_classifies = True

    def __init__(
        self,
        image_shape=(28, 28, 1),
        num_classes=10,
        latent_dim=100,
        class_weight=1.0,
        d_conditioning=None,
        **kwargs,
    ):
        class_weight = _check_class_weight(class_weight)
        super().__init__(
            image_shape=image_shape,
            num_classes=num_classes,
            latent_dim=latent_dim,
            d_conditioning=d_conditioning,
            **kwargs,
        )
        self.class_weight = class_weight

    def tracked_metric_names(self):
        return super().tracked_metric_names() + ("d_cls", "g_cls")

    def discriminator_class_loss(
        self, real_logits, labels, fake_logits, fake_labels
    ):
        loss = class_loss(labels, real_logits) + class_loss(
            fake_labels, fake_logits
        )
        self.d_cls_tracker.update_state(loss)
        return self.class_weight * loss

    def generator_class_loss(self, fake_logits, fake_labels):
        loss = class_loss(fake_labels, fake_logits)
        self.g_cls_tracker.update_state(loss)
        return self.class_weight * loss

    def get_config(self):
        config = super().get_config()
        config["class_weight"] = self.class_weight
        return config
