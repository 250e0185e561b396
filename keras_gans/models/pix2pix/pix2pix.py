"""Pix2Pix: paired image-to-image translation (Isola et al. 2017)."""

import keras
from keras import ops

from keras_gans.training.phase import Forward
from keras_gans.training.phase import Phase
from keras_gans.training.translation_model import TranslationModel
from keras_gans.training.translation_model import as_float32
from keras_gans.training.translation_model import check_network
from keras_gans.training.translation_model import check_weight
from keras_gans.training.translation_model import image_shape_of
from keras_gans.training.translation_model import mean_absolute_error
from keras_gans.utils.validation import check_image_shape
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received


@keras.saving.register_keras_serializable(package="keras_gans")
class Pix2Pix(TranslationModel):
    """Conditional GAN for aligned pairs: a U-Net against a PatchGAN.

    The generator maps an image of domain A to one of domain B; the
    discriminator judges `(a, b)` pairs, concatenated on channels, patch by
    patch. With the paper's settings:

    - D: `0.5 * [BCE(D(a, b), 1) + BCE(D(a, G(a)), 0)]`, averaged over the
      map of patch logits (the paper halves D's objective);
    - G: `BCE(D(a, G(a)), 1) + l1_weight * mean|b - G(a)|`, λ = 100;
    - Adam(2e-4, beta_1=0.5) for both, one D step per G step.

    Dropout in the U-Net's decoder is the only noise: there is no latent.
    Train on `(a, b)` batches from `keras_gans.data.load_paired`.

    Args:
        image_shape: `(H, W, C)` of domain A; needed unless `generator` and
            `discriminator` are given. H and W must be divisible by
            `2**depth` of the U-Net (by 2 at least).
        target_channels: channels of domain B (default: those of A).
        generator: a Keras model mapping A images to B images in [-1, 1];
            default `keras_gans.models.UNet(image_shape, target_channels,
            filters=filters)`.
        discriminator: a Keras model mapping `(H, W, C_A + C_B)` pairs to a
            map of logits; default `keras_gans.models.PatchGAN` (70×70
            receptive field) with `filters`.
        filters: base width of the default networks (64 in the paper).
        d_layers: stride-2 layers of the default PatchGAN (3: 70×70
            patches; images must be at least 24 pixels high and wide, use
            2 below that).
        l1_weight: λ of the L1 term.
        seed: seed of the model's random draws.
        **kwargs: passed to `keras.Model`.

    Raises:
        ValueError: for a missing `image_shape`, networks that do not fit
            together (the discriminator must take A and B channels
            concatenated), or a negative `l1_weight`.

    Example:

    ```python
    ds = keras_gans.data.load_paired("digits-edges", batch_size=16)
    model = keras_gans.Pix2Pix(image_shape=(32, 32, 1))
    model.compile()
    model.fit(ds, epochs=10)
    photos = model.translate(edges)
    ```
    """

    default_loss = "non_saturating"
    network_keys = ("generator", "discriminator")

    def __init__(
        self,
        image_shape=None,
        target_channels=None,
        generator=None,
        discriminator=None,
        filters=64,
        d_layers=3,
        l1_weight=100.0,
        seed=None,
        **kwargs,
    ):
        super().__init__(seed=seed, **kwargs)
        self.filters = check_positive_int("filters", filters)
        self.d_layers = check_positive_int("d_layers", d_layers)
        self.l1_weight = check_weight("l1_weight", l1_weight)
        if generator is None or discriminator is None:
            if image_shape is None:
                raise ValueError(
                    "Pix2Pix needs `image_shape` to build its default "
                    "networks. " + format_received(image_shape=None)
                )
            image_shape = check_image_shape(image_shape, channels=None)
        if target_channels is not None:
            target_channels = check_positive_int(
                "target_channels", target_channels
            )
        self.image_shape = None if image_shape is None else tuple(image_shape)
        self.target_channels = target_channels
        if generator is None:
            from keras_gans.models.unet import UNet

            generator = UNet(
                image_shape,
                out_channels=target_channels,
                filters=filters,
                seed=seed,
            )
        self.generator = check_network("generator", generator)
        if discriminator is None:
            from keras_gans.models.patchgan import PatchGAN

            a_shape = image_shape_of(generator, "input", "generator")
            b_shape = image_shape_of(generator, "output", "generator")
            pair_shape = a_shape[:2] + (a_shape[2] + b_shape[2],)
            discriminator = PatchGAN(
                pair_shape, filters=filters, n_layers=self.d_layers
            )
        self.discriminator = check_network("discriminator", discriminator)
        self.translators = {"a_to_b": self.generator}
        self._check_pair_channels()
        self._finish_init()

    def _check_pair_channels(self):
        pair = self.a_shape[2] + self.b_shape[2]
        d_shape = image_shape_of(self.discriminator, "input", "discriminator")
        if d_shape[:2] != self.a_shape[:2] or d_shape[2] != pair:
            raise ValueError(
                "The discriminator must take (a, b) pairs concatenated on "
                f"channels: shape {self.a_shape[:2] + (pair,)}. "
                + format_received(discriminator_input_shape=d_shape)
            )

    def tracked_metric_names(self):
        """`d_loss`, `g_loss`, its terms `g_gan` and `g_l1` (unweighted),
        and the mean patch logits `d_real`, `d_fake`."""
        return ("d_loss", "g_loss", "g_gan", "g_l1", "d_real", "d_fake")

    def train_phases(self):
        """`G(a)` once, then the D phase and the G phase on it.

        As the official code: the fakes of one forward pass (one dropout
        mask) are judged by D, then, with D updated, drive G's update.
        """
        return [
            Forward("fakes", (self.generator,), self.translate_batch),
            Phase(
                "discriminator",
                (self.discriminator,),
                "discriminator",
                self.discriminator_loss,
            ),
            Phase(
                "generator", (self.generator,), "generator", self.generator_loss
            ),
        ]

    def judge(self, a, b):
        """Patch logits of the discriminator on `(a, b)` pairs (training)."""
        pair = ops.concatenate([a, ops.cast(b, a.dtype)], axis=-1)
        return as_float32(self.discriminator(pair, training=True))

    def translate_batch(self, a, b):
        """`G(a)` in training mode (dropout on): the step's fakes."""
        return self.generator(a, training=True)

    def discriminator_loss(self, a, b):
        fakes = ops.stop_gradient(self.shared("fakes", a, b))
        real_scores = self.judge(a, b)
        fake_scores = self.judge(a, fakes)
        loss = 0.5 * self.gan_loss.discriminator_loss(real_scores, fake_scores)
        self.d_loss_tracker.update_state(loss)
        self.d_real_tracker.update_state(ops.mean(real_scores))
        self.d_fake_tracker.update_state(ops.mean(fake_scores))
        return loss

    def generator_loss(self, a, b):
        fakes = self.shared("fakes", a, b)
        adversarial = self.gan_loss.generator_loss(self.judge(a, fakes))
        l1 = mean_absolute_error(b, fakes)
        loss = adversarial + self.l1_weight * l1
        self.g_loss_tracker.update_state(loss)
        self.g_gan_tracker.update_state(adversarial)
        self.g_l1_tracker.update_state(l1)
        return loss

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "image_shape": self.image_shape,
                "target_channels": self.target_channels,
                "filters": self.filters,
                "d_layers": self.d_layers,
                "l1_weight": self.l1_weight,
            }
        )
        return config
