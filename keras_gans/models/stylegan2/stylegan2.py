"""StyleGAN2 (Karras et al. 2020) with the ADA additions (Karras et al. 2020b)."""

import keras
import numpy as np
from keras import ops

from keras_gans.layers.categorical_latent_code import code_loss
from keras_gans.layers.categorical_latent_code import code_mutual_information
from keras_gans.models.stylegan2.mapping_network import check_truncation
from keras_gans.models.stylegan2.stylegan2_discriminator import (
    StyleGAN2Discriminator,
)
from keras_gans.models.stylegan2.stylegan2_generator import StyleGAN2Generator
from keras_gans.models.stylegan2.stylegan2_presets import STYLEGAN2_PRESETS
from keras_gans.regularizers.path_length import PathLength
from keras_gans.training.adversarial_model import AdversarialModel
from keras_gans.training.ema import EMA
from keras_gans.utils.validation import check_choice
from keras_gans.utils.validation import check_non_negative
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import check_probability
from keras_gans.utils.validation import format_received

# StyleGAN2-ADA's Adam and the lazy-regularization intervals it corrects
# the optimizer for.
LEARNING_RATE = 0.0025
BETAS = (0.0, 0.99)


def lazy_adam(learning_rate, interval):
    """Adam(β = (0, 0.99)) corrected for lazy regularization.

    A regularizer run every `interval` steps adds a step of its own, so
    StyleGAN2 scales the learning rate and the betas by `c = interval /
    (interval + 1)` (its `mb_ratio`) to keep the effective averaging.
    """
    ratio = interval / (interval + 1.0) if interval > 1 else 1.0
    return keras.optimizers.Adam(
        learning_rate=learning_rate * ratio,
        beta_1=BETAS[0] ** ratio,
        beta_2=BETAS[1] ** ratio,
        epsilon=1e-8,
    )


@keras.saving.register_keras_serializable(package="keras_gans")
class StyleGAN2(AdversarialModel):
    """StyleGAN2: style-based generator, residual discriminator, lazy R1,
    path-length regularization, style mixing, G EMA and optional ADA.

    The generator (`StyleGAN2Generator`) maps `z` to `w` with an 8-layer
    (2 in the small presets) equalized-lr MLP and draws the image from a
    4x4 constant with modulated, demodulated 3x3 convolutions, per-pixel
    noise and toRGB skips. The discriminator (`StyleGAN2Discriminator`)
    is residual with a minibatch-std epilogue. Training follows
    StyleGAN2-ADA: the non-saturating logistic loss, R1 on reals every 16
    D steps, path length every 4 G steps (weight 2, on half the batch),
    style mixing with probability 0.9 (two latents, a random crossover
    layer per sample), a ramped-up EMA of G (half-life 10k images), Adam
    (β = 0, 0.99) corrected for the lazy intervals, and ADA through
    `augment=keras_gans.layers.DiffAugment(..., target=0.6)`.

    Args:
        image_shape: `(H, W, C)`, C in {1, 3}; a size that is not a
            power of two is a centred crop of the synthesis (28 -> 32).
        latent_dim: size of `z`.
        w_dim: size of `w`.
        mapping_layers: depth of the mapping network.
        resolution: synthesis size, a power of two; `None`: the smallest
            holding the image.
        channel_base: widths `min(channel_base // res, channel_max)` in
            both networks (StyleGAN2-ADA's `fmaps * 32768`).
        channel_max: the widest layer.
        mapping_lr_multiplier: the mapping network's lr multiplier (0.01).
        w_avg_beta: decay of the tracked average `w` (0.995).
        style_mixing: probability of mixing two latents' styles in a
            training sample (0.9; 0 disables).
        pl_weight: path-length weight (2; 0 disables).
        pl_interval: path length every this many G steps (4).
        pl_decay: decay of the path-length running mean (0.01).
        pl_batch_shrink: the penalty's batch is the batch divided by this.
        r1_gamma: R1 γ (10; 0 disables).
        r1_interval: R1 every this many D steps (16).
        mbstd_group: minibatch-std group size (0: none).
        num_classes: classes of a conditional model (class embedding in
            the mapping network, projection in the discriminator).
        latent_classes: with > 0, an InfoGAN categorical code (Chen et
            al. 2016) for unconditional data made of separate modes
            (digits): the mapping network embeds the category read off
            the first `latent_classes` entries of `z`, and a head on D
            must recover it from the image (`info` in the logs). Not part
            of StyleGAN2; the digit preset uses it, as the DCGAN family's
            digit recipes do, so that short runs draw every digit.
        info_weight: weight of the code's cross-entropy in both losses.
        cluster_weight: with a code, weight of the term making D's code
            head cluster the real images too (`DCGAN`'s `cluster_weight`,
            IMSAT); 0 for none.
        cluster_scores: with a code, D gives one score per category and
            judges each image by the score of the category its code head
            reads (`DCGAN`'s `cluster_scores`; self-conditioned GANs, Liu
            et al. 2020).
        ema: a `keras_gans.EMA`; `"default"` is StyleGAN2-ADA's ramped
            half-life of 10k images; `None` trains without. The base's
            `ema_decay` shortcut, when given, replaces the default.
        seed: seed of the training latents and noise.
        **kwargs: `AdversarialModel` arguments (`augment`, `d_steps`,
            `fake_labels`, `d_penalties`, `name`).

    Raises:
        ValueError: naming the argument, for a resolution that is not a
            power of two holding the image, probabilities outside [0, 1],
            negative weights or bad sizes.

    Example:

    ```python
    gan = keras_gans.StyleGAN2.from_preset("digits_32")
    gan.compile()
    gan.fit(keras_gans.data.load("mnist-idx", data_dir="mnist"), epochs=10)
    images = gan.generate(16, seed=0, truncation=0.7)
    ```
    """

    presets = STYLEGAN2_PRESETS

    def __init__(
        self,
        image_shape=(256, 256, 3),
        latent_dim=512,
        w_dim=512,
        mapping_layers=8,
        resolution=None,
        channel_base=16384,
        channel_max=512,
        mapping_lr_multiplier=0.01,
        w_avg_beta=0.995,
        style_mixing=0.9,
        pl_weight=2.0,
        pl_interval=4,
        pl_decay=0.01,
        pl_batch_shrink=2,
        r1_gamma=10.0,
        r1_interval=16,
        mbstd_group=4,
        num_classes=None,
        latent_classes=0,
        info_weight=1.0,
        cluster_weight=0.0,
        cluster_scores=False,
        ema="default",
        seed=None,
        **kwargs,
    ):
        for key in ("generator", "discriminator"):
            kwargs.pop(key, None)
        extra_penalties = [
            keras.saving.deserialize_keras_object(p)
            if isinstance(p, dict) else p
            for p in kwargs.pop("g_penalties", None) or []
        ]
        if any(isinstance(p, PathLength) for p in extra_penalties):
            raise ValueError(
                "StyleGAN2 builds its path-length penalty from `pl_weight`, "
                "`pl_interval` and `pl_decay`; `g_penalties` takes the "
                "other generator penalties (e.g. `ModeSeeking`) as objects. "
                + format_received(g_penalties=extra_penalties)
            )
        if kwargs.get("ema_decay") is not None and isinstance(ema, str):
            ema = None  # the `ema_decay` shortcut replaces the default
        self.style_mixing = check_probability("style_mixing", style_mixing)
        self.pl_weight = check_non_negative("pl_weight", pl_weight)
        self.pl_interval = check_positive_int("pl_interval", pl_interval)
        self.pl_decay = float(pl_decay)
        self.pl_batch_shrink = check_positive_int(
            "pl_batch_shrink", pl_batch_shrink
        )
        g_penalties = list(extra_penalties)
        if self.pl_weight:
            g_penalties.append(
                PathLength(
                    self.pl_weight, interval=self.pl_interval,
                    decay=self.pl_decay, batch_shrink=self.pl_batch_shrink,
                )
            )
        if isinstance(ema, str):
            check_choice("ema", ema, ("default",))
            ema = EMA(half_life_kimg=10.0, rampup=0.05)
        generator = StyleGAN2Generator(
            latent_dim=latent_dim, image_shape=image_shape, w_dim=w_dim,
            mapping_layers=mapping_layers, resolution=resolution,
            channel_base=channel_base, channel_max=channel_max,
            num_classes=num_classes, latent_classes=latent_classes,
            mapping_lr_multiplier=mapping_lr_multiplier,
            w_avg_beta=w_avg_beta, seed=seed, name="generator",
        )
        discriminator = StyleGAN2Discriminator(
            image_shape=generator.image_shape, resolution=resolution,
            channel_base=channel_base, channel_max=channel_max,
            mbstd_group=mbstd_group, num_classes=num_classes,
            code_classes=latent_classes, cluster_scores=cluster_scores,
            name="discriminator",
        )
        super().__init__(
            generator=generator,
            discriminator=discriminator,
            latent_dim=latent_dim,
            seed=seed,
            r1_gamma=r1_gamma,
            r1_interval=r1_interval,
            num_classes=num_classes,
            g_penalties=g_penalties,
            ema=ema,
            **kwargs,
        )
        self.resolution = resolution
        self.mbstd_group = int(mbstd_group)
        self.latent_classes = generator.latent_classes
        self.info_weight = check_non_negative("info_weight", info_weight)
        self.cluster_weight = check_non_negative("cluster_weight", cluster_weight)
        self.cluster_scores = discriminator.cluster_scores
        if self.latent_classes and self.uses_labels:
            raise ValueError(
                "`latent_classes` (an unsupervised code) and `num_classes` "
                "(labels) exclude each other. "
                + format_received(
                    latent_classes=latent_classes, num_classes=num_classes
                )
            )
        if self.cluster_weight and not self.latent_classes:
            raise ValueError(
                "`cluster_weight` trains the code head of `latent_classes` "
                "on the real images: give latent_classes > 0 with it. "
                + format_received(cluster_weight=cluster_weight)
            )

    # ------------------------------------------------------------- presets

    @classmethod
    def from_preset(cls, preset, **overrides):
        """A StyleGAN2 from a named preset (`StyleGAN2.presets`), with
        argument overrides."""
        check_choice("preset", preset, cls.presets)
        return cls(**{**cls.presets[preset], **overrides})

    def default_optimizers(self, d_learning_rate=None, g_learning_rate=None):
        """StyleGAN2-ADA's Adam(0.0025, β = (0, 0.99)), corrected for the
        R1 interval (D) and the path-length interval (G) (`lazy_adam`).

        Args:
            d_learning_rate: D's rate before the correction (0.0025).
            g_learning_rate: G's rate before the correction (0.0025).
        """
        g_interval = self.pl_interval if self.pl_weight else 1
        d_interval = self.r1_interval if self.r1_gamma else 1
        return {
            "discriminator": lazy_adam(
                d_learning_rate or LEARNING_RATE, d_interval
            ),
            "generator": lazy_adam(g_learning_rate or LEARNING_RATE, g_interval),
        }

    # ---------------------------------------------------------- the game

    @property
    def num_ws(self):
        """Styles per image (`(N, num_ws, w_dim)` is what synthesis takes)."""
        return self.generator.num_ws

    def discriminator_inputs(self, images, labels):
        if self.uses_labels:
            return [images, labels]
        return images

    def latent_code_loss(self, fake_logits, z):
        """InfoGAN's term with `latent_classes` (`None` without a code)."""
        if not self.latent_classes:
            return None
        return self.info_weight * code_loss(z, fake_logits, self.latent_classes)

    def discriminator_class_loss(
        self, real_logits, labels, fake_logits, fake_labels
    ):
        """With `cluster_weight`, D's code head clusters the real images
        (as `DCGAN`'s); `None` otherwise."""
        if not self.cluster_weight:
            return None
        return -self.cluster_weight * code_mutual_information(real_logits)

    def map_latents(self, z, labels, training=True, network=None):
        """`ws` of latents `z` (and labels) through `network`'s mapping."""
        network = network or self.generator
        inputs = z if labels is None else [z, labels]
        return network.mapping(inputs, training=training)

    def training_ws(self, z, labels):
        """Styles of a training batch, mixed with a second latent's.

        With probability `style_mixing` a sample's styles from a random
        crossover index `c` in `[1, num_ws)` on come from a second latent
        (StyleGAN2's mixing regularization: the network cannot assume
        adjacent styles are correlated).
        """
        ws = self.map_latents(z, labels)
        if not self.style_mixing:
            return ws
        batch = ops.shape(z)[0]
        # As NVIDIA's `skip_w_avg_update`: w_avg tracks the first latents.
        other = self.map_latents(
            self.sample_latents(batch), labels, training=False
        )
        crossover = keras.random.randint(
            (batch,), 1, self.num_ws, seed=self.seed_generator
        )
        mixing = keras.random.uniform((batch,), seed=self.seed_generator)
        crossover = ops.where(mixing < self.style_mixing, crossover, self.num_ws)
        return mix_styles(ws, other, crossover)

    def synthesize(self, z, labels, training=True):
        ws = self.training_ws(z, labels)
        images = self.generator.images_from_ws(ws, training=training)
        return ops.cast(images, "float32")

    def synthesize_pair(self, latents_a, latents_b, labels):
        """`AdversarialModel.synthesize_pair` with one fresh noise draw
        shared by both images of a pair: the pair then differs through its
        latents only, as exports (one fixed noise map) do, and per-pixel
        noise cannot pass for variety. The styles are unmixed (a second,
        mixed-in latent would differ within the pair too) and `w_avg` is
        left to the main step's latents."""
        pairs = ops.shape(latents_a)[0]
        noise = []
        for shape in self.generator.synthesis.noise_shapes:
            maps = keras.random.normal(
                (pairs,) + tuple(shape[1:]), seed=self.seed_generator
            )
            noise.append(ops.concatenate([maps, maps], axis=0))
        ws = self.map_latents(
            ops.concatenate([latents_a, latents_b], axis=0), labels,
            training=False,
        )
        images = ops.cast(
            self.generator.images_from_ws(ws, training=True, noise=noise),
            "float32",
        )
        return images[:pairs], images[pairs:]

    def path_length_inputs(self, batch_size, labels):
        """`(ws, synthesis)`: path length is taken with respect to `w`."""
        if labels is not None:
            labels = labels[:batch_size]
        ws = self.training_ws(self.sample_latents(batch_size), labels)

        def synthesize(styles):
            images = self.generator.images_from_ws(styles, training=True)
            return ops.cast(images, "float32")

        return ws, synthesize

    # ----------------------------------------------------------- sampling

    def generate(
        self, n, labels=None, seed=None, batch_size=256, truncation=1.0
    ):
        """Samples `n` images in [-1, 1] (see `AdversarialModel.generate`).

        Args:
            truncation: ψ, a number >= 0 or one per sample: `w` is pulled
                to `w_avg + ψ (w - w_avg)`; 1 leaves it, 0 gives the
                average image, 0.5-0.7 trades variety for quality. Noise
                is the generator's fixed maps, so equal seeds give equal
                images.
        """
        n = check_positive_int("n", n)
        labels = self.labels_for(n, labels)
        return self.generate_from_latents(
            self.latents_for(n, seed), batch_size=batch_size, labels=labels,
            truncation=truncation,
        )

    def generate_from_latents(
        self, z, batch_size=256, labels=None, truncation=1.0
    ):
        """Images of latents `z` at truncation ψ (EMA generator if kept)."""
        ws = self.ws_from_latents(z, labels=labels, truncation=truncation)
        return self.generate_from_ws(ws, batch_size=batch_size)

    def ws_from_latents(self, z, labels=None, truncation=1.0):
        """The sampling generator's `ws` `(N, num_ws, w_dim)` of latents `z`,
        truncated by ψ, as NumPy."""
        z = np.asarray(z, dtype="float32")
        if z.ndim != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(
                f"`z` must be latents of shape (N, {self.latent_dim}). "
                + format_received(z=f"array of shape {z.shape}")
            )
        psi = check_truncation(truncation, count=len(z))
        labels = self.labels_for(len(z), labels)
        network = self.sampling_generator
        inputs = ops.convert_to_tensor(z)
        if labels is not None:
            inputs = [inputs, ops.convert_to_tensor(labels)]
        ws = network.mapping(inputs, training=False, truncation=psi)
        return ops.convert_to_numpy(ws).astype("float32")

    def generate_from_ws(self, ws, batch_size=256, noise=None):
        """Images of styles `ws` `(N, num_ws, w_dim)` (sampling generator)."""
        ws = np.asarray(ws, dtype="float32")
        expected = (self.num_ws, int(self.generator.w_dim))
        if ws.ndim != 3 or ws.shape[1:] != expected:
            raise ValueError(
                f"`ws` must have shape (N, {expected[0]}, {expected[1]}). "
                + format_received(ws=f"array of shape {ws.shape}")
            )
        network = self.sampling_generator
        outputs = []
        for start in range(0, len(ws), batch_size):
            images = network.images_from_ws(
                ops.convert_to_tensor(ws[start : start + batch_size]),
                training=False, noise=noise,
            )
            outputs.append(ops.convert_to_numpy(images))
        return np.concatenate(outputs, axis=0).astype("float32")

    def mix(self, seeds_a, seeds_b, crossover, truncation=1.0, labels=None):
        """The paper's style-mixing figure as arrays.

        Cell `(i, j)` takes the styles below `crossover` (the coarse ones:
        pose, shape) from seed `seeds_a[i]` and the rest (fine ones:
        stroke, colour, texture) from `seeds_b[j]`.

        Args:
            seeds_a: int seeds of the rows (coarse styles).
            seeds_b: int seeds of the columns (fine styles).
            crossover: the first style index taken from B, in
                `[0, num_ws]` (0: all from B; `num_ws`: all from A).
            truncation: ψ for every latent.
            labels: one class for all (conditional models).

        Returns:
            `(mixed, images_a, images_b)`: `mixed` of shape `(len(seeds_a),
            len(seeds_b), H, W, C)` and the sources' own images.
        """
        crossover = _check_crossover(crossover, self.num_ws)
        ws_a = self._seed_ws(seeds_a, "seeds_a", truncation, labels)
        ws_b = self._seed_ws(seeds_b, "seeds_b", truncation, labels)
        rows, cols = len(ws_a), len(ws_b)
        mixed = np.concatenate(
            [np.repeat(ws_a, cols, axis=0)[:, :crossover],
             np.tile(ws_b, (rows, 1, 1))[:, crossover:]],
            axis=1,
        )
        images = self.generate_from_ws(mixed)
        return (
            images.reshape((rows, cols) + images.shape[1:]),
            self.generate_from_ws(ws_a),
            self.generate_from_ws(ws_b),
        )

    def interpolate(self, seed_a, seed_b, steps=8, truncation=1.0, labels=None):
        """Images along the straight line between two seeds' `w`.

        Returns:
            `(steps, H, W, C)`, from seed A's image to seed B's.
        """
        steps = check_positive_int("steps", steps)
        ws = self._seed_ws([seed_a, seed_b], "seed", truncation, labels)
        t = np.linspace(0.0, 1.0, steps, dtype="float32")[:, None, None]
        return self.generate_from_ws(ws[0] * (1.0 - t) + ws[1] * t)

    def project(self, image, steps=500, **kwargs):
        """Finds the `w` (and noise maps) that reproduce a real image.

        GAN inversion as StyleGAN2's `projector.py`; see
        `keras_gans.models.stylegan2.projector.project` for the arguments.

        Returns:
            A dict with `ws` `(num_ws, w_dim)`, the reconstruction `image`
            `(H, W, C)`, the per-step `losses` and `distances`, the
            optimized `noise` maps and the `distance` used.
        """
        from keras_gans.models.stylegan2.projector import project

        return project(self, image, steps=steps, **kwargs)

    def _seed_ws(self, seeds, name, truncation, labels):
        if (
            isinstance(seeds, (str, bytes))
            or not hasattr(seeds, "__len__")
            or not len(seeds)
            or not all(
                isinstance(s, (int, np.integer)) and not isinstance(s, bool)
                for s in seeds
            )
        ):
            raise ValueError(
                f"`{name}` must be a non-empty list of int seeds. "
                + format_received(**{name: seeds})
            )
        z = np.stack([self.latents_for(1, seed=int(s))[0] for s in seeds])
        if labels is not None and self.uses_labels:
            labels = np.full((len(z),), labels, dtype="int32")
        return self.ws_from_latents(z, labels=labels, truncation=truncation)

    # -------------------------------------------------------------- config

    def get_config(self):
        config = super().get_config()
        for key in ("generator", "discriminator"):
            config.pop(key, None)
        # Path length is rebuilt from `pl_weight`; the others are kept.
        config["g_penalties"] = [
            keras.saving.serialize_keras_object(p)
            for p in self.g_penalties
            if not isinstance(p, PathLength)
        ]
        generator = self.generator
        config.update(
            {
                "image_shape": generator.image_shape,
                "w_dim": generator.w_dim,
                "mapping_layers": generator.mapping_layers,
                "resolution": self.resolution,
                "channel_base": generator.channel_base,
                "channel_max": generator.channel_max,
                "mapping_lr_multiplier": generator.mapping_lr_multiplier,
                "w_avg_beta": generator.w_avg_beta,
                "style_mixing": self.style_mixing,
                "pl_weight": self.pl_weight,
                "pl_interval": self.pl_interval,
                "pl_decay": self.pl_decay,
                "pl_batch_shrink": self.pl_batch_shrink,
                "mbstd_group": self.mbstd_group,
                "latent_classes": self.latent_classes,
                "info_weight": self.info_weight,
                "cluster_weight": self.cluster_weight,
                "cluster_scores": self.cluster_scores,
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config.get("ema"), dict):
            config["ema"] = keras.saving.deserialize_keras_object(config["ema"])
        return super().from_config(config)


def mix_styles(ws_a, ws_b, crossover):
    """`ws_a` below each sample's crossover index, `ws_b` from it on.

    Args:
        ws_a, ws_b: `(N, num_ws, w_dim)`.
        crossover: `(N,)` int, the first index taken from `ws_b`.
    """
    num_ws = ops.shape(ws_a)[1]
    index = ops.arange(num_ws, dtype="int32")[None, :, None]
    crossover = ops.cast(crossover, "int32")[:, None, None]
    return ops.where(index < crossover, ws_a, ws_b)


def _check_crossover(crossover, num_ws):
    if (
        isinstance(crossover, bool)
        or not isinstance(crossover, (int, np.integer))
        or not 0 <= crossover <= num_ws
    ):
        raise ValueError(
            f"`crossover` must be an int in [0, {num_ws}] (the first style "
            "index taken from B). " + format_received(crossover=crossover)
        )
    return int(crossover)
