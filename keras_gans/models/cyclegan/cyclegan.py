"""CycleGAN: unpaired translation with cycle consistency (Zhu et al. 2017)."""

import keras
from keras import ops

from keras_gans.layers.image_pool import ImagePool
from keras_gans.training.phase import Forward
from keras_gans.training.phase import Phase
from keras_gans.training.translation_model import TranslationModel
from keras_gans.training.translation_model import as_float32
from keras_gans.training.translation_model import check_network
from keras_gans.training.translation_model import check_weight
from keras_gans.training.translation_model import image_shape_of
from keras_gans.utils.validation import check_choice
from keras_gans.utils.validation import check_image_shape
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received

RECONSTRUCTION_LOSSES = ("l1", "mse")


def reconstruction_error(kind, x, y):
    """Mean absolute (`"l1"`) or squared (`"mse"`) error, in float32."""
    difference = as_float32(x) - as_float32(y)
    if kind == "l1":
        return ops.mean(ops.abs(difference))
    return ops.mean(ops.square(difference))


def _or_default(network, build, *args):
    return build(*args) if network is None else network


def _offset(seed, offset):
    return None if seed is None else seed + offset


@keras.saving.register_keras_serializable(package="keras_gans")
class CycleGAN(TranslationModel):
    """Two generators and two discriminators trained on unpaired domains.

    `generator_ab` maps domain A to B and `generator_ba` maps B to A;
    `discriminator_a` and `discriminator_b` judge each domain. Training
    batches are `(a, b)` with independent images of each domain
    (`keras_gans.data.load_unpaired`). One `train_step` is, as in the
    official code, one forward pass of both generators, a generator phase
    (both generators, one optimizer) and then a discriminator phase (both
    discriminators, one optimizer) on the same fakes — six generator
    forwards per step, as the official code:

    - G: `adv(D_B(G_AB(a))) + adv(D_A(G_BA(b)))`
      `+ cycle_weight * (|G_BA(G_AB(a)) - a| + |G_AB(G_BA(b)) - b|)`
      `+ cycle_weight * identity_weight * (|G_AB(b) - b| + |G_BA(a) - a|)`,
      each `|.|` a mean absolute error (`reconstruction="l1"`);
    - D: `d(D_B(b), D_B(pool_B(G_AB(a)))) + d(D_A(a), D_A(pool_A(G_BA(b))))`
      where `adv`/`d` are the `compile(loss=...)` terms (least squares by
      default: `d = 0.5 * [mean (real - 1)^2 + mean fake^2]`, and
      `adv = 0.5 * mean (fake - 1)^2`, LSGAN's ½ included) and each pool is
      an `ImagePool` of the 50 last fakes, saved with the model.

    The paper's schedule (Adam 2e-4, beta_1 = 0.5, constant for half the
    run, then linear decay to zero) is `default_optimizers(total_steps)`.

    Args:
        image_shape: `(H, W, C)` of domain A; needed unless all four
            networks are given. H and W must be divisible by 4.
        b_channels: channels of domain B (default: those of A).
        generator_ab: Keras model A -> B; default `ResNetGenerator`.
        generator_ba: Keras model B -> A; default `ResNetGenerator`.
        discriminator_a: Keras model judging A images (a logit map);
            default `PatchGAN` with instance normalization.
        discriminator_b: the same for B.
        filters: base width of the default networks (64 in the paper).
        num_blocks: residual blocks of the default generators (default 9
            for 256×256 and larger, else 6).
        d_layers: stride-2 layers of the default PatchGANs (3: 70×70
            patches, for images of at least 24×24; 2 below that).
        cycle_weight: λ of the cycle-consistency terms (10).
        identity_weight: weight of the identity terms relative to λ (0.5);
            needs as many channels in A as in B, or 0.
        reconstruction: `"l1"` (CycleGAN) or `"mse"` distance of the cycle
            and identity terms.
        pool_size: fakes kept per discriminator (50); 0 shows D only the
            latest fakes.
        seed: seed of the model's random draws (the pools' too).
        **kwargs: passed to `keras.Model`.

    Raises:
        ValueError: for a missing `image_shape`, networks whose shapes do
            not chain (A -> B -> A), an identity term between domains with
            different channel counts, or bad weights.

    Example:

    ```python
    ds = keras_gans.data.load_unpaired("digits-inverted", batch_size=8)
    model = keras_gans.CycleGAN(image_shape=(32, 32, 1), filters=32)
    model.compile()
    model.fit(ds, epochs=10)
    inverted = model.translate(digits, direction="a_to_b")
    ```
    """

    default_loss = "least_squares"
    network_keys = (
        "generator_ab",
        "generator_ba",
        "discriminator_a",
        "discriminator_b",
    )

    def __init__(
        self,
        image_shape=None,
        b_channels=None,
        generator_ab=None,
        generator_ba=None,
        discriminator_a=None,
        discriminator_b=None,
        filters=64,
        num_blocks=None,
        d_layers=3,
        cycle_weight=10.0,
        identity_weight=0.5,
        reconstruction="l1",
        pool_size=50,
        seed=None,
        **kwargs,
    ):
        super().__init__(seed=seed, **kwargs)
        self.filters = check_positive_int("filters", filters)
        self.num_blocks = (
            None if num_blocks is None
            else check_positive_int("num_blocks", num_blocks)
        )
        self.d_layers = check_positive_int("d_layers", d_layers)
        self.cycle_weight = check_weight("cycle_weight", cycle_weight)
        self.identity_weight = check_weight("identity_weight", identity_weight)
        self.reconstruction = check_choice(
            "reconstruction", reconstruction, RECONSTRUCTION_LOSSES
        )
        self.image_shape = self._check_build_shape(
            image_shape, generator_ab, generator_ba, discriminator_a,
            discriminator_b,
        )
        self.b_channels = (
            None if b_channels is None
            else check_positive_int("b_channels", b_channels)
        )
        a_shape = self.image_shape
        b_shape = None
        if a_shape is not None:
            b_shape = a_shape[:2] + (self.b_channels or a_shape[2],)
        self.generator_ab = check_network(
            "generator_ab",
            _or_default(generator_ab, self.build_generator, a_shape, b_shape,
                        "ab"),
        )
        self.generator_ba = check_network(
            "generator_ba",
            _or_default(generator_ba, self.build_generator, b_shape, a_shape,
                        "ba"),
        )
        self.discriminator_a = check_network(
            "discriminator_a",
            _or_default(discriminator_a, self.build_discriminator, a_shape,
                        "a"),
        )
        self.discriminator_b = check_network(
            "discriminator_b",
            _or_default(discriminator_b, self.build_discriminator, b_shape,
                        "b"),
        )
        self.translators = {
            "a_to_b": self.generator_ab,
            "b_to_a": self.generator_ba,
        }
        self._check_chain()
        self.pool_size = pool_size
        # Distinct seeds: the two pools must not draw the same slots.
        self.pool_a = ImagePool(pool_size, seed=_offset(seed, 1), name="pool_a")
        self.pool_b = ImagePool(pool_size, seed=_offset(seed, 2), name="pool_b")
        self.pool_a.build((None,) + self.a_shape)
        self.pool_b.build((None,) + self.b_shape)
        self._finish_init()

    # -------------------------------------------------------- construction

    def build_generator(self, source_shape, target_shape, direction):
        """The default generator of one direction (a `ResNetGenerator`)."""
        from keras_gans.models.cyclegan.resnet_generator import ResNetGenerator

        return ResNetGenerator(
            source_shape,
            out_channels=target_shape[2],
            filters=self.filters,
            num_blocks=self.num_blocks,
            name=f"generator_{direction}",
        )

    def build_discriminator(self, image_shape, domain):
        """The default discriminator of one domain (a 70×70 PatchGAN)."""
        from keras_gans.models.patchgan import PatchGAN

        return PatchGAN(
            image_shape,
            filters=self.filters,
            n_layers=self.d_layers,
            norm="instance",
            name=f"discriminator_{domain}",
        )

    def _check_build_shape(self, image_shape, *networks):
        if image_shape is not None:
            return tuple(check_image_shape(image_shape, channels=None))
        if any(network is None for network in networks):
            raise ValueError(
                f"{type(self).__name__} needs `image_shape` to build its "
                "default networks (or all four networks). "
                + format_received(image_shape=None)
            )
        return None

    def _check_chain(self):
        shapes = {
            "generator_ab output": self.b_shape,
            "generator_ba input": image_shape_of(
                self.generator_ba, "input", "generator_ba"
            ),
            "discriminator_b input": image_shape_of(
                self.discriminator_b, "input", "discriminator_b"
            ),
        }
        for what, shape in shapes.items():
            if shape != self.b_shape:
                raise ValueError(
                    f"Domain B images have shape {self.b_shape} (the output "
                    f"of generator_ab); {what} must match. "
                    + format_received(**{what.replace(" ", "_"): shape})
                )
        for what, shape in {
            "generator_ba output": image_shape_of(
                self.generator_ba, "output", "generator_ba"
            ),
            "discriminator_a input": image_shape_of(
                self.discriminator_a, "input", "discriminator_a"
            ),
        }.items():
            if shape != self.a_shape:
                raise ValueError(
                    f"Domain A images have shape {self.a_shape} (the input "
                    f"of generator_ab); {what} must match. "
                    + format_received(**{what.replace(" ", "_"): shape})
                )
        if self.identity_weight and self.a_shape[2] != self.b_shape[2]:
            raise ValueError(
                "The identity terms feed B images to generator_ab, which "
                f"needs as many channels in A ({self.a_shape[2]}) as in B "
                f"({self.b_shape[2]}); pass identity_weight=0. "
                + format_received(identity_weight=self.identity_weight)
            )

    # ------------------------------------------------------------ training

    def default_optimizers(self, total_steps=None, learning_rate=2e-4):
        """Adam(learning_rate, beta_1=0.5) for both sides.

        Args:
            total_steps: if given, both learning rates are constant for
                the first half of the run and decay linearly to zero at
                `total_steps` (`keras_gans.schedules.LinearDecay`).
            learning_rate: the (initial) learning rate.

        Returns:
            A fresh dict `{"discriminator": ..., "generator": ...}`.
        """
        from keras_gans.schedules import LinearDecay

        def adam():
            rate = learning_rate
            if total_steps is not None:
                rate = LinearDecay(rate, total_steps)
            return keras.optimizers.Adam(learning_rate=rate, beta_1=0.5)

        return {"discriminator": adam(), "generator": adam()}

    def tracked_metric_names(self):
        """`d_loss`, `g_loss` and its unweighted terms `g_gan`, `cycle`,
        `identity`; `d_a` and `d_b` (each discriminator's loss)."""
        return ("d_loss", "g_loss", "g_gan", "cycle", "identity", "d_a", "d_b")

    def train_phases(self):
        """`G_AB(a)`, `G_BA(b)` once; the G phase; the D phase on those fakes.

        The D phase judges the fakes of the generators before their update
        (the official code's `fake_B.detach()`), so it regenerates nothing.
        """
        return [
            Forward(
                "fakes",
                (self.generator_ab, self.generator_ba),
                self.translate_batch,
            ),
            Phase(
                "generator",
                (self.generator_ab, self.generator_ba),
                "generator",
                self.generator_loss,
            ),
            Phase(
                "discriminator",
                (self.discriminator_a, self.discriminator_b),
                "discriminator",
                self.discriminator_loss,
            ),
        ]

    def judge(self, discriminator, images):
        return as_float32(discriminator(images, training=True))

    def translate_batch(self, a, b):
        """`(G_AB(a), G_BA(b))` in training mode: the step's fakes."""
        return (
            self.generator_ab(a, training=True),
            self.generator_ba(b, training=True),
        )

    def generator_loss(self, a, b):
        fake_b, fake_a = self.shared("fakes", a, b)
        adversarial = self.gan_loss.generator_loss(
            self.judge(self.discriminator_b, fake_b)
        ) + self.gan_loss.generator_loss(
            self.judge(self.discriminator_a, fake_a)
        )
        cycle = self._distance(
            self.generator_ba(fake_b, training=True), a
        ) + self._distance(self.generator_ab(fake_a, training=True), b)
        loss = adversarial + self.cycle_weight * cycle
        identity = ops.zeros((), "float32")
        if self.identity_weight:
            identity = self._distance(
                self.generator_ab(b, training=True), b
            ) + self._distance(self.generator_ba(a, training=True), a)
            loss = loss + self.cycle_weight * self.identity_weight * identity
        self.g_loss_tracker.update_state(loss)
        self.g_gan_tracker.update_state(adversarial)
        self.cycle_tracker.update_state(cycle)
        self.identity_tracker.update_state(identity)
        return loss

    def discriminator_loss(self, a, b):
        fake_b, fake_a = (ops.stop_gradient(x) for x in self.shared("fakes", a, b))
        loss_b = self._discriminator_term(
            self.discriminator_b, b, self.pool_b(fake_b, training=True)
        )
        loss_a = self._discriminator_term(
            self.discriminator_a, a, self.pool_a(fake_a, training=True)
        )
        loss = loss_a + loss_b
        self.d_loss_tracker.update_state(loss)
        self.d_a_tracker.update_state(loss_a)
        self.d_b_tracker.update_state(loss_b)
        return loss

    def _discriminator_term(self, discriminator, reals, fakes):
        return self.gan_loss.discriminator_loss(
            self.judge(discriminator, reals), self.judge(discriminator, fakes)
        )

    def _distance(self, x, y):
        return reconstruction_error(self.reconstruction, x, y)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "image_shape": self.image_shape,
                "b_channels": self.b_channels,
                "filters": self.filters,
                "num_blocks": self.num_blocks,
                "d_layers": self.d_layers,
                "cycle_weight": self.cycle_weight,
                "identity_weight": self.identity_weight,
                "reconstruction": self.reconstruction,
                "pool_size": self.pool_size,
            }
        )
        return config
