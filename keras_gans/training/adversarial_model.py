"""The adversarial base model every keras-gans variant extends."""

import keras
import numpy as np
from keras import ops

from keras_gans.regularizers.weight_clip import WeightClip
from keras_gans.training.ema import EMA
from keras_gans.training.phase import Phase
from keras_gans.training.two_player_model import TwoPlayerModel
from keras_gans.utils import data_checks
from keras_gans.utils.labels import check_labels
from keras_gans.utils.labels import check_num_classes
from keras_gans.utils.validation import check_choice
from keras_gans.utils.validation import check_image_shape
from keras_gans.utils.validation import check_non_negative
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received


FAKE_LABEL_MODES = ("real", "uniform")


def _check_ema_decay(ema_decay):
    if ema_decay is None:
        return None
    if isinstance(ema_decay, bool) or not (
        isinstance(ema_decay, (int, float)) and 0.0 < ema_decay < 1.0
    ):
        raise ValueError(
            "`ema_decay` must be None or a float in (0, 1), e.g. 0.999. "
            + format_received(ema_decay=ema_decay)
        )
    return float(ema_decay)


def _resolve_ema(ema, ema_decay):
    """The `EMA` object of `ema=` or of the `ema_decay=` shortcut."""
    ema_decay = _check_ema_decay(ema_decay)
    if isinstance(ema, dict):
        ema = keras.saving.deserialize_keras_object(ema)
    if ema is not None and not isinstance(ema, EMA):
        raise ValueError(
            "`ema` must be None or a keras_gans.EMA, e.g. EMA(decay=0.999). "
            + format_received(ema=ema)
        )
    if ema is not None and ema_decay is not None:
        raise ValueError(
            "Give `ema` or its shortcut `ema_decay`, not both. "
            + format_received(ema=ema, ema_decay=ema_decay)
        )
    if ema_decay is not None:
        return EMA(decay=ema_decay)
    return ema


def _resolve_penalties(name, penalties, player):
    """A list of `Penalty` objects of `player` (configs are deserialized)."""
    from keras_gans.regularizers.penalty import Penalty

    if penalties is None:
        return []
    if not isinstance(penalties, (list, tuple)):
        penalties = [penalties]
    resolved = []
    for penalty in penalties:
        if isinstance(penalty, dict):
            penalty = keras.saving.deserialize_keras_object(penalty)
        if not isinstance(penalty, Penalty) or penalty.player != player:
            raise ValueError(
                f"`{name}` must be a list of {player} penalties "
                "(keras_gans.regularizers: GradientPenalty, R1 for the "
                "discriminator; PathLength, ModeSeeking for the generator). "
                + format_received(**{name: penalty})
            )
        resolved.append(penalty)
    return resolved


def _shortcut_penalties(gp_weight, r1_gamma, r1_interval):
    """The penalties of the `gp_weight` and `r1_gamma` shortcuts."""
    from keras_gans.regularizers.gradient_penalty import GradientPenalty
    from keras_gans.regularizers.r1 import R1

    penalties = []
    if gp_weight:
        penalties.append(GradientPenalty(gp_weight))
    if r1_gamma:
        penalties.append(R1(gamma=r1_gamma, interval=r1_interval))
    return penalties


def _check_unique_names(penalties):
    names = [penalty.name for penalty in penalties]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(
            "Each penalty logs under its name, which must be unique: pass "
            "name=... to tell them apart. "
            + format_received(duplicate_names=duplicates)
        )


def _check_num_classes(num_classes):
    if num_classes is None:
        return None
    return check_num_classes(num_classes)


def _resolve_augment(augment):
    if augment is None or isinstance(augment, keras.layers.Layer):
        return augment
    from keras_gans.layers import DiffAugment

    if isinstance(augment, str):
        return DiffAugment(policy=augment)
    if isinstance(augment, dict):
        return keras.saving.deserialize_keras_object(augment)
    raise ValueError(
        "`augment` must be None, a policy string such as "
        "'translation,cutout,color', or a keras_gans.layers.DiffAugment. "
        + format_received(augment=augment)
    )


def _frozen_copy(network, name):
    """A non-trainable clone of `network` starting from its weights."""
    copy = network.__class__.from_config(network.get_config())
    copy.name = name
    copy.set_weights(network.get_weights())
    copy.trainable = False
    return copy


@keras.saving.register_keras_serializable(package="keras_gans")
class AdversarialModel(TwoPlayerModel):
    """A generator and a discriminator trained against each other by `fit()`.

    The losses are written once with `keras.ops` (`discriminator_loss`,
    `generator_loss`); a small per-backend driver computes each phase's
    gradients (TensorFlow `GradientTape`, JAX stateless `value_and_grad`,
    torch autograd) and applies that network's own optimizer. Subclasses
    change the game by overriding the loss methods or `train_phases()`.

    Conditional models (`num_classes` set) train on `(images, labels)` data
    and call the generator on `[latents, labels]`; what the discriminator
    sees is `discriminator_inputs(images, labels)` (the images alone by
    default, `[images, labels]` for a cGAN discriminator). A discriminator
    may return `[scores, class_logits]` (ACGAN); the base losses use the
    scores and hand the logits to `discriminator_class_loss` and
    `generator_class_loss`.

    Args:
        generator: Keras model mapping latents `(N, latent_dim)` to images
            `(N, H, W, C)` in [-1, 1]; for a conditional model, mapping
            `[latents, labels]` (int labels of shape `(N,)`) to images.
        discriminator: Keras model mapping `discriminator_inputs(images,
            labels)` to one raw score per image, `(N, 1)` (a logit for BCE
            losses), or to `[scores, class_logits]`.
        latent_dim: size of the latent vector.
        d_steps: discriminator updates per generator update (n_critic).
        seed: seed of the model's latent-noise `SeedGenerator`.
        ema_decay: shortcut for `ema=keras_gans.EMA(decay=ema_decay)`.
        gp_weight: shortcut for `d_penalties=[GradientPenalty(gp_weight)]`
            (WGAN-GP, 10 in the paper); 0 adds nothing. Needs a critic
            without BatchNorm.
        r1_gamma: shortcut for `d_penalties=[R1(r1_gamma, r1_interval)]`;
            0 adds nothing.
        r1_interval: the shortcut R1's interval (lazy regularization,
            StyleGAN2: a discriminator phase of its own every k steps,
            weighted by k).
        clip_value: clip every discriminator weight to
            `[-clip_value, clip_value]` after each update (original WGAN),
            a `keras_gans.regularizers.WeightClip` constraint on each.
        augment: differentiable augmentation applied to real and fake
            images before D in both players' losses: a
            `keras_gans.layers.DiffAugment` (adaptive when it has a
            `target`) or a policy string such as
            `"translation,cutout,color"`.
        num_classes: number of label classes of a conditional model
            (>= 2); `None` (default) for an unconditional one.
        fake_labels: labels of the generated half of each training batch
            of a conditional model. `"real"` (default): the real batch's
            own labels, so fakes follow the data's class frequencies and
            both halves of D's batch show the same classes; nothing random
            is drawn, which keeps it trivially replica-safe. `"uniform"`:
            uniform random classes from the model's seed generator (a
            different slice per replica, like the latents), as in the
            ACGAN paper; useful when the data's classes are imbalanced.
        d_penalties: list of discriminator penalties
            (`keras_gans.regularizers.GradientPenalty`, `R1`), each added
            to the discriminator's loss (or, when lazy, in a phase of its
            own) and logged under its name.
        g_penalties: list of generator penalties (`PathLength`).
        ema: a `keras_gans.EMA`: keep `ema_generator`, a moving average of
            the generator's weights updated after every step;
            `generate()`, `SampleGrid` and export then use it. Averaging
            smooths the oscillations of adversarial training and usually
            gives cleaner samples. BatchNorm statistics are copied.
        **kwargs: passed to `keras.Model` (e.g. `name`).

    Example:

    ```python
    gan = keras_gans.AdversarialModel(my_generator, my_discriminator, 64)
    gan.compile()  # Adam(2e-4, beta_1=0.5) for both, non-saturating loss
    gan.fit(dataset, epochs=5)
    images = gan.generate(16, seed=0)
    ```
    """

    network_keys = ("generator", "discriminator")

    def __init__(
        self,
        generator,
        discriminator,
        latent_dim,
        d_steps=1,
        seed=None,
        ema_decay=None,
        gp_weight=0.0,
        r1_gamma=0.0,
        r1_interval=1,
        clip_value=None,
        augment=None,
        num_classes=None,
        fake_labels="real",
        d_penalties=None,
        g_penalties=None,
        ema=None,
        **kwargs,
    ):
        super().__init__(seed=seed, **kwargs)
        self.num_classes = _check_num_classes(num_classes)
        self.fake_labels = check_choice(
            "fake_labels", fake_labels, FAKE_LABEL_MODES
        )
        self.latent_dim = check_positive_int("latent_dim", latent_dim)
        self.d_steps = check_positive_int("d_steps", d_steps)
        self.ema = _resolve_ema(ema, ema_decay)
        self._ema_shortcut = ema_decay is not None
        self.gp_weight = check_non_negative("gp_weight", gp_weight)
        self.r1_gamma = check_non_negative("r1_gamma", r1_gamma)
        self.r1_interval = check_positive_int("r1_interval", r1_interval)
        # The objects given (saved in the config) and all, shortcuts'
        # included (trained).
        self._given_penalties = (
            _resolve_penalties("d_penalties", d_penalties, "discriminator"),
            _resolve_penalties("g_penalties", g_penalties, "generator"),
        )
        self.d_penalties = self._given_penalties[0] + _shortcut_penalties(
            self.gp_weight, self.r1_gamma, self.r1_interval
        )
        self.g_penalties = list(self._given_penalties[1])
        _check_unique_names(self.d_penalties + self.g_penalties)
        # WeightClip validates the bound (positive number) with a clear error.
        self.clip_value = (
            None if clip_value is None else WeightClip(clip_value).clip_value
        )
        self.augment = _resolve_augment(augment)
        self.generator = generator
        self.discriminator = discriminator
        self._check_networks()
        if self.augment is not None and not self.augment.built:
            # JAX and torch fit() would otherwise try to build the model by
            # calling it on a batch of images.
            self.augment.build((None,) + self.image_shape)
        if self.clip_value is not None:
            clip = WeightClip(self.clip_value)
            for variable in discriminator.trainable_variables:
                variable.constraint = clip
        self.ema_generator = None
        if self.ema is not None:
            self.ema_generator = _frozen_copy(generator, "ema_generator")
        self._create_trackers()
        self.build((None, self.latent_dim))

    # ------------------------------------------------------------------ API

    @property
    def image_shape(self):
        """`(H, W, C)` of the generator's output."""
        return tuple(int(d) for d in self.generator.output_shape[1:])

    @property
    def ema_decay(self):
        """The EMA's fixed decay, or `None` (no EMA, or a half-life one)."""
        return None if self.ema is None else self.ema.decay

    @property
    def sampling_generator(self):
        """The network `generate()` and export use (the EMA one if kept)."""
        if self.ema_generator is not None:
            return self.ema_generator
        return self.generator

    @property
    def uses_labels(self):
        """Whether the model is conditional (trains on and draws labels)."""
        return self.num_classes is not None

    def call(self, z, training=False):
        # `z` is `[latents, labels]` for a conditional model.
        return self.generator(z, training=training)

    def fit(self, x=None, y=None, *args, **kwargs):
        self._check_compiled()
        data_checks.check_training_data(
            x,
            y,
            self.image_shape,
            uses_labels=self.uses_labels,
            num_classes=self.num_classes,
        )
        if self.uses_labels and data_checks.is_dataset(x):
            x = data_checks.with_label_range_check(x, self.num_classes)
        if data_checks.is_dataset(x):
            x = data_checks.with_image_range_check(x)
            # A tf.data pipeline shuffles itself; Keras' default
            # `shuffle=True` would only print a warning about it.
            kwargs.setdefault("shuffle", False)
        return super().fit(x, y, *args, **kwargs)

    def generate(self, n, labels=None, seed=None, batch_size=256):
        """Samples `n` images in [-1, 1] as a float32 NumPy array.

        Args:
            n: number of images.
            labels: conditional models only: the class of each image, one
                int for all or an int array of shape `(n,)` in
                `[0, num_classes)`. `None` uses `labels_for(n)`: every class
                equally often in ascending blocks (`floor(i * num_classes /
                n)`), so `generate(10 * num_classes)` tiled with
                `num_classes` rows shows one class per row. Must be `None`
                for unconditional models.
            seed: int seed of the latent draw (same seed, same latents, on
                every backend); `None` draws fresh latents. Pass it by
                keyword.
            batch_size: generator batch size.

        Returns:
            `np.ndarray` of shape `(n,) + image_shape`.

        Raises:
            ValueError: for a non-positive `n`, or bad `labels` (float or
                bool dtype, wrong length, out of range, or given to an
                unconditional model), naming the value received.

        Example:

        ```python
        sevens = cgan.generate(16, labels=7, seed=0)
        grid = cgan.generate(100, seed=0)  # 10 of each class, in order
        images = dcgan.generate(16, seed=0)
        ```
        """
        n = check_positive_int("n", n)
        labels = self.labels_for(n, labels)
        z = self.latents_for(n, seed)
        if labels is None:
            return self.generate_from_latents(z, batch_size=batch_size)
        return self.generate_from_latents(
            z, batch_size=batch_size, labels=labels
        )

    def latents_for(self, n, seed=None):
        """The NumPy latents `generate(n, seed=seed)` uses."""
        rng = np.random.default_rng(seed)
        return rng.standard_normal((n, self.latent_dim)).astype("float32")

    def labels_for(self, n, labels=None):
        """The int32 labels `generate(n, labels)` uses (validated).

        Returns `None` for an unconditional model (which takes no labels).

        Raises:
            ValueError: as `generate()` for bad `labels`.
        """
        if not self.uses_labels:
            if labels is not None:
                raise ValueError(
                    f"`labels` are only for conditional models; this "
                    f"{type(self).__name__} is unconditional. To seed the "
                    "latents pass `seed=` by keyword. "
                    + format_received(labels=labels)
                )
            return None
        return check_labels(labels, n, self.num_classes)

    def generate_from_latents(self, z, batch_size=256, labels=None):
        """Runs the sampling generator on latents `z` in inference mode.

        `labels` (conditional models) are validated like `generate()`'s,
        with one label per latent; `None` uses `labels_for(len(z))`.
        """
        labels = self.labels_for(len(z), labels)
        outputs = []
        for start in range(0, len(z), batch_size):
            inputs = ops.convert_to_tensor(z[start : start + batch_size])
            if labels is not None:
                batch_labels = labels[start : start + batch_size]
                inputs = [inputs, ops.convert_to_tensor(batch_labels)]
            images = self.sampling_generator(inputs, training=False)
            outputs.append(ops.convert_to_numpy(images))
        return np.concatenate(outputs, axis=0).astype("float32")

    # ------------------------------------------------- training (override)

    def tracked_metric_names(self):
        """Names of the `Mean` trackers; each is a logged key.

        Each penalty's unweighted value (`gp`, `r1`, `pl`) and `aug_p` (the
        adaptive augmentation probability) are logged when enabled.
        """
        names = ["d_loss", "g_loss", "d_real", "d_fake"]
        if getattr(self.generator, "latent_classes", 0):
            names.append("info")  # the latent code's loss, both players
        names.extend(p.name for p in self.d_penalties + self.g_penalties)
        if self.augment is not None and self.augment.target is not None:
            names.append("aug_p")
        return tuple(names)

    def train_phases(self):
        """The adversarial updates of one `train_step`, in order.

        The discriminator's `d_steps` updates each draw fresh fakes (WGAN's
        critic is trained towards optimality on new samples), and the
        generator's update draws its own (the Keras DCGAN example's step),
        so nothing is shared between them. Lazy penalties follow their
        player's phase, in phases of their own.
        """
        phases = [
            Phase(
                "discriminator",
                (self.discriminator,),
                "discriminator",
                self.discriminator_loss,
                repeats=self.d_steps,
            )
        ]
        phases += self._lazy_phases(self.d_penalties, self.d_steps)
        phases.append(
            Phase(
                "generator",
                (self.generator,),
                "generator",
                self.generator_loss,
            )
        )
        return phases + self._lazy_phases(self.g_penalties, 1)

    def _lazy_phases(self, penalties, repeats):
        return [
            Phase(
                f"{penalty.player}_{penalty.name}",
                (getattr(self, penalty.player),),
                penalty.player,
                self._lazy_penalty_loss(penalty),
                repeats=repeats,
                interval=penalty.interval,
            )
            for penalty in penalties
            if penalty.lazy
        ]

    def _lazy_penalty_loss(self, penalty):
        def loss(images, labels):
            # Only what the penalty reads: a generator penalty (path
            # length) makes its own fakes, R1 needs no fakes at all.
            real, fakes = images, None
            if penalty.player == "discriminator":
                real = self.augment_images(images)
            if penalty.needs_fakes:
                fake_labels = self.sample_fake_labels(labels)
                fakes = self.generate_batch(ops.shape(images)[0], fake_labels)
                fakes = self.augment_images(ops.stop_gradient(fakes))
            return penalty.loss(
                self, real, fakes, labels, self._penalty_tracker(penalty)
            )

        return loss

    def _penalty_tracker(self, penalty):
        return getattr(self, f"{penalty.name}_tracker")

    def sample_latents(self, batch_size):
        """Training latents drawn from the model's seed generator.

        Every replica of a tf.distribute run draws its own slice of a
        `(num_replicas, batch, latent_dim)` sample: the seed state is the
        same on all replicas, so drawing `(batch, latent_dim)` directly would
        give every replica the same noise.
        """
        num_replicas, replica_id = self._driver.replica_info()
        if num_replicas == 1:
            return keras.random.normal(
                (batch_size, self.latent_dim), seed=self.seed_generator
            )
        z = keras.random.normal(
            (num_replicas, batch_size, self.latent_dim),
            seed=self.seed_generator,
        )
        return ops.take(z, replica_id, axis=0)

    def sample_fake_labels(self, labels):
        """Labels of the generated half of a training batch (see `fake_labels`).

        `None` for an unconditional model, which draws nothing, so its
        noise stream is the same as without label support.
        """
        if not self.uses_labels:
            return None
        if self.fake_labels == "real":
            return labels
        batch_size = ops.shape(labels)[0]
        num_replicas, replica_id = self._driver.replica_info()
        # As in sample_latents: one slice per replica of a shared draw.
        shape = (batch_size,)
        if num_replicas > 1:
            shape = (num_replicas, batch_size)
        drawn = keras.random.randint(
            shape, 0, self.num_classes, dtype="int32", seed=self.seed_generator
        )
        if num_replicas > 1:
            drawn = ops.take(drawn, replica_id, axis=0)
        return drawn

    def generator_inputs(self, z, labels):
        """What the generator is called on: `z`, or `[z, labels]`."""
        if not self.uses_labels:
            return z
        return [z, labels]

    def generate_batch(self, batch_size, labels, training=True):
        """A batch of fakes from fresh training latents (and `labels`)."""
        z = self.sample_latents(batch_size)
        return self.synthesize(z, labels, training=training)

    def synthesize_pair(self, latents_a, latents_b, labels):
        """The images of two equal-sized batches of latents, `(images_a,
        images_b)`, from one generator call (`ModeSeeking` compares them).

        `labels`, when given, holds the labels of both halves, in order.
        """
        pairs = ops.shape(latents_a)[0]
        images = self.synthesize(
            ops.concatenate([latents_a, latents_b], axis=0), labels
        )
        return images[:pairs], images[pairs:]

    def synthesize(self, z, labels, training=True):
        """The generator's images for latents `z` (and `labels`), float32."""
        images = self.generator(
            self.generator_inputs(z, labels), training=training
        )
        # A no-op for the built-in generators (float32 output layers).
        return ops.cast(images, "float32")

    def discriminator_inputs(self, images, labels):
        """What the discriminator is called on (conditional models add labels)."""
        return images

    def discriminate(self, images, labels):
        """`(scores, class_logits or None)` of the discriminator in training."""
        outputs = self.discriminator(
            self.discriminator_inputs(images, labels), training=True
        )
        # Losses are computed in float32 under any mixed-precision policy.
        if isinstance(outputs, (list, tuple)):
            scores, logits = outputs[0], outputs[1]
            return ops.cast(scores, "float32"), ops.cast(logits, "float32")
        return ops.cast(outputs, "float32"), None

    def discriminator_class_loss(
        self, real_logits, labels, fake_logits, fake_labels
    ):
        """Extra D loss on class logits (ACGAN); `None` adds nothing."""
        return None

    def generator_class_loss(self, fake_logits, fake_labels):
        """Extra G loss on class logits (ACGAN); `None` adds nothing."""
        return None

    def latent_code_loss(self, fake_logits, z):
        """Loss of D's code head recovering the fakes' latent code
        (InfoGAN), added to both players' losses; `None` adds nothing."""
        return None

    def _add_latent_code_loss(self, loss, fake_logits, z):
        code_loss = self.latent_code_loss(fake_logits, z)
        if code_loss is None:
            return loss
        self.info_tracker.update_state(code_loss)
        return loss + code_loss

    def augment_images(self, images):
        """The differentiable augmentation shown to D (identity if none)."""
        if self.augment is None:
            return images
        return self.augment(images, training=True)

    def discriminator_loss(self, images, labels):
        batch_size = ops.shape(images)[0]
        fake_labels = self.sample_fake_labels(labels)
        z = self.sample_latents(batch_size)
        fakes = ops.stop_gradient(self.synthesize(z, fake_labels))
        real_inputs = self.augment_images(images)
        fake_inputs = self.augment_images(fakes)
        real_scores, real_logits = self.discriminate(real_inputs, labels)
        fake_scores, fake_logits = self.discriminate(fake_inputs, fake_labels)
        loss = self.gan_loss.discriminator_loss(real_scores, fake_scores)
        class_loss = self.discriminator_class_loss(
            real_logits, labels, fake_logits, fake_labels
        )
        if class_loss is not None:
            loss = loss + class_loss
        loss = self._add_latent_code_loss(loss, fake_logits, z)
        loss = loss + self.discriminator_penalty(real_inputs, fake_inputs, labels)
        if hasattr(self, "aug_p_tracker"):
            self.aug_p_tracker.update_state(
                self.augment.update_probability(real_scores)
            )
        self.d_loss_tracker.update_state(loss)
        self.d_real_tracker.update_state(ops.mean(real_scores))
        self.d_fake_tracker.update_state(ops.mean(fake_scores))
        return loss

    def discriminator_penalty(self, real_inputs, fake_inputs, labels):
        """The weighted non-lazy `d_penalties` (0 when there are none)."""
        penalty = ops.zeros((), dtype="float32")
        for term in self.d_penalties:
            if not term.lazy:
                penalty = penalty + term.loss(
                    self, real_inputs, fake_inputs, labels,
                    self._penalty_tracker(term),
                )
        return penalty

    def critic_scores(self, images, labels):
        """The discriminator's scores on `images` in training mode (float32).

        What input-gradient penalties differentiate: the adversarial
        output only (not ACGAN's class logits), labels added for
        conditional discriminators.
        """
        scores, _ = self.discriminate(images, labels)
        return scores

    def path_length_inputs(self, batch_size, labels):
        """`(latents, synthesize)` for path-length regularization.

        `synthesize(latents)` gives images; `PathLength` differentiates it
        at `latents`. Here the latents are the generator's input `z`; a
        style-based model returns its intermediate latents `w` and its
        synthesis network.
        """
        if labels is not None:
            labels = labels[:batch_size]
        latents = self.sample_latents(batch_size)

        def synthesize(z):
            images = self.generator(
                self.generator_inputs(z, labels), training=True
            )
            return ops.cast(images, "float32")

        return latents, synthesize

    def generator_loss(self, images, labels):
        batch_size = ops.shape(images)[0]
        fake_labels = self.sample_fake_labels(labels)
        z = self.sample_latents(batch_size)
        fakes = self.synthesize(z, fake_labels)
        fake_scores, fake_logits = self.discriminate(
            self.augment_images(fakes), fake_labels
        )
        real_scores = None
        if self.gan_loss.generator_needs_real:
            real_scores, _ = self.discriminate(
                self.augment_images(images), labels
            )
        loss = self.gan_loss.generator_loss(fake_scores, real_scores)
        class_loss = self.generator_class_loss(fake_logits, fake_labels)
        if class_loss is not None:
            loss = loss + class_loss
        loss = self._add_latent_code_loss(loss, fake_logits, z)
        for term in self.g_penalties:
            if not term.lazy:
                loss = loss + term.loss(
                    self, images, fakes, labels, self._penalty_tracker(term)
                )
        self.g_loss_tracker.update_state(loss)
        return loss

    def after_train_step(self):
        """Post-update hook (EMA, counters); assign Keras variables only.

        Subclasses that extend it call `super().after_train_step()`.
        """
        if self.ema_generator is None:
            return
        batch_size = ops.shape(self._step_context.batch[0])[0]
        num_replicas = self._driver.replica_info()[0]
        batch_size = batch_size * num_replicas
        self.ema.update(
            self.ema_generator,
            self.generator,
            images_seen=self.step_counter * batch_size,
            batch_size=batch_size,
        )

    # ------------------------------------------------------------ plumbing

    def unpack_batch(self, data):
        """Splits a batch from `fit()` into `(images, labels_or_None)`."""
        labels = None
        if isinstance(data, dict):
            images, labels = data["images"], data.get("labels")
        elif isinstance(data, (tuple, list)):
            images = data[0]
            if len(data) > 1 and data[1] is not None:
                labels = data[1]
        else:
            images = data
        # float32 whatever the policy: the generators' outputs are float32
        # and the networks cast their inputs to their compute dtype.
        images = ops.convert_to_tensor(images, dtype="float32")
        if labels is not None:
            labels = ops.cast(ops.convert_to_tensor(labels), "int32")
            if self.uses_labels:
                # (N, 1) label columns from data loaders become (N,).
                labels = ops.reshape(labels, (-1,))
        elif self.uses_labels:
            raise ValueError(
                f"{type(self).__name__} is conditional: its training batches "
                "must be (images, labels) tuples or dicts with 'labels' "
                "(e.g. keras_gans.data.load(..., with_labels=True)). "
                + format_received(labels=None)
            )
        return images, labels

    def _check_networks(self):
        for name in ("generator", "discriminator"):
            network = getattr(self, name)
            if not isinstance(network, keras.layers.Layer):
                raise ValueError(
                    f"`{name}` must be a Keras model. "
                    + format_received(**{name: network})
                )
        check_image_shape(
            self.generator.output_shape[1:], name="generator output shape"
        )
        inputs = getattr(self.generator, "inputs", None)
        if self.uses_labels and inputs is not None and len(inputs) != 2:
            found = f"a model with {len(inputs)} inputs"
            raise ValueError(
                "A conditional model's generator must take two inputs, "
                "[latents, labels]. " + format_received(generator=found)
            )

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "latent_dim": self.latent_dim,
                "d_steps": self.d_steps,
                "ema_decay": self.ema_decay if self._ema_shortcut else None,
                "ema": (
                    None
                    if self.ema is None or self._ema_shortcut
                    else keras.saving.serialize_keras_object(self.ema)
                ),
                "d_penalties": [
                    keras.saving.serialize_keras_object(p)
                    for p in self._given_penalties[0]
                ],
                "g_penalties": [
                    keras.saving.serialize_keras_object(p)
                    for p in self._given_penalties[1]
                ],
                "gp_weight": self.gp_weight,
                "r1_gamma": self.r1_gamma,
                "r1_interval": self.r1_interval,
                "clip_value": self.clip_value,
                "augment": (
                    None
                    if self.augment is None
                    else keras.saving.serialize_keras_object(self.augment)
                ),
                "num_classes": self.num_classes,
                "fake_labels": self.fake_labels,
            }
        )
        return config
