"""SinGAN: a generative model learned from one image (Shaham et al. 2019)."""

import keras
import numpy as np
from keras import ops

from keras_gans.models.singan.singan_discriminator import SinGANDiscriminator
from keras_gans.models.singan.singan_generator import SinGANGenerator
from keras_gans.models.singan.singan_presets import PRESETS
from keras_gans.models.singan.singan_pyramid import check_scale_factor
from keras_gans.models.singan.singan_pyramid import consingan_scale_sizes
from keras_gans.models.singan.singan_pyramid import image_pyramid
from keras_gans.models.singan.singan_pyramid import resize_to
from keras_gans.models.singan.singan_pyramid import sampler_output_size
from keras_gans.models.singan.singan_pyramid import singan_scale_sizes
from keras_gans.regularizers.gradient_penalty import gradient_penalty
from keras_gans.training.layerwise_adam import LayerwiseAdam
from keras_gans.training.phase import Phase
from keras_gans.training.stage import Stage
from keras_gans.training.translation_model import check_weight
from keras_gans.training.two_player_model import TwoPlayerModel
from keras_gans.utils.validation import check_choice
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received

PYRAMIDS = ("singan", "consingan")
CHANNELS = 3


def check_rgb_image(image, name="image"):
    """An `(H, W, 3)` float image in [-1, 1] (or uint8), as float32."""
    array = np.asarray(image)
    if array.ndim != 3 or array.shape[-1] != CHANNELS:
        raise ValueError(
            f"`{name}` must be an RGB image of shape (H, W, 3); convert a "
            "grayscale or RGBA image to RGB first. "
            + format_received(**{f"{name}_shape": array.shape})
        )
    if array.dtype == np.uint8:
        return array.astype("float32") / 127.5 - 1.0
    if not np.issubdtype(array.dtype, np.floating):
        raise ValueError(
            f"`{name}` must be uint8 or float in [-1, 1]. "
            + format_received(**{f"{name}_dtype": array.dtype})
        )
    low, high = float(np.min(array)), float(np.max(array))
    if low < -1.0 - 1e-3 or high > 1.0 + 1e-3:
        raise ValueError(
            f"`{name}` must hold values in [-1, 1]. "
            + format_received(**{f"{name}_range": (low, high)})
        )
    return np.clip(array, -1.0, 1.0).astype("float32")


def _check_image_shape(image_shape):
    if (
        not isinstance(image_shape, (tuple, list))
        or len(image_shape) != 3
        or tuple(image_shape)[-1] != CHANNELS
    ):
        raise ValueError(
            "`image_shape` must be (H, W, 3). "
            + format_received(image_shape=image_shape)
        )
    return tuple(check_positive_int("image_shape", int(s)) for s in image_shape)


@keras.saving.register_keras_serializable(package="keras_gans")
class SinGAN(TwoPlayerModel):
    """A pyramid of fully convolutional GANs learned from a single image.

    Scale `k` of the pyramid (coarse to fine, `scale_sizes`) has a
    generator `G_k` (`SinGANGenerator`) and a critic `D_k`
    (`SinGANDiscriminator`). An image is made coarse to fine:
    `x_0 = G_0(z_0)`, then `x_k = G_k(a_k z_k + up(x_{k-1}), up(x_{k-1}))`
    with `up` the bilinear resize to scale `k`'s size, `z_k ~ N(0, 1)` and
    `a_k` the scale's noise amplitude. Training is one `Stage` per scale
    (`fit_stages()`), coarse to fine; each trains `G_k` and `D_k` with:

    - WGAN-GP: the critic compares the real image at scale `k` with
      samples, `gp_weight` (0.1) times the gradient penalty;
    - reconstruction: `G_k` must rebuild the real image from a fixed
      noise `z*` at the coarsest scale and zeros above, weighted by
      `reconstruction_weight` (10). On entering scale `k > 0` its noise
      amplitude becomes `noise_amp * RMSE(real_k, up(reconstruction))`.

    Each scale's networks start from the previous scale's weights when
    their widths match; earlier scales are frozen (`train_depth=1`, the
    paper), or the last `train_depth` scales train together, the lower
    ones at `lr_scale ** distance` times the rate (ConSinGAN, Hinz et al.
    2021, with `pyramid="consingan"`). Every scale has its own optimizers
    (`"generator_k"`, `"discriminator_k"`: fresh Adam per scale, the
    rate dropped x0.1 at `lr_drop_at` of the scale's steps).

    The model holds its image (the pyramid is part of its weights), so
    `fit()`/`fit_stages()` need no data: `x` defaults to
    `training_data()`. Checkpoints and `.keras` files hold every scale
    trained so far and resume inside the right one.

    Logged: `d_loss` (the Wasserstein estimate's negative), `gp`,
    `d_real`, `d_fake`, `g_adv`, `rec_loss` (MSE of the reconstruction),
    `g_loss` (the total).

    Args:
        image: the training image `(H, W, 3)`, float in [-1, 1] or uint8.
            Needed to train; a model loaded from a file has it.
        image_shape: `(H, W, 3)` instead of `image` (the pyramid is then
            zeros until weights are loaded).
        pyramid: `"singan"` (factor `scale_factor` between scales) or
            `"consingan"` (`stages` scales, denser at low resolution).
        min_size: shorter side of the coarsest scale (25 px).
        max_size: longer side of the finest scale (250 px in the paper).
        scale_factor: the nominal ratio between SinGAN scales (0.75).
        stages: scales of a ConSinGAN pyramid (6).
        train_depth: scales trained together (1: SinGAN; 3: ConSinGAN).
        lr_scale: rate factor per scale below the newest (0.1).
        width: channels at the coarsest scale (32).
        max_width: the largest width (128).
        widen_every: scales between doublings of the width (4).
        num_blocks: convolutions per network (5).
        batch_norm: BatchNorm in the networks (SinGAN: yes).
        steps_per_scale: iterations per scale (2,000 in the paper).
        d_steps: critic updates per iteration (3).
        g_steps: generator updates per iteration (3).
        gp_weight: the gradient penalty's weight (0.1).
        reconstruction_weight: the reconstruction loss's weight α (10).
        noise_amp: the noise amplitude's factor on the RMSE (0.1).
        learning_rate: Adam's rate for both networks (5e-4).
        lr_drop_at: fraction of a scale's steps after which the rate is
            x0.1 (0.8).
        seed: seed of the fixed noise `z*` and of every draw.
        **kwargs: passed to `keras.Model`.

    Raises:
        ValueError: naming the argument, for an image that is not RGB or
            not in [-1, 1], smaller than `min_size`, a `scale_factor`
            outside (0, 1), an unknown `pyramid`, or a bad count or weight.

    Example:

    ```python
    from keras_gans.models.singan.singan_io import read_rgb_image

    image = read_rgb_image("balloons.png")
    model = keras_gans.SinGAN.from_preset("cpu", image=image)
    model.compile()
    model.fit_stages(steps_per_epoch=100)
    samples = model.sample(4, seed=1)                 # the image's size
    wide = model.sample(2, scale_w=2.0)               # twice as wide
    ```
    """

    default_loss = "wasserstein"

    def __init__(
        self,
        image=None,
        image_shape=None,
        pyramid="singan",
        min_size=25,
        max_size=250,
        scale_factor=0.75,
        stages=6,
        train_depth=1,
        lr_scale=0.1,
        width=32,
        max_width=128,
        widen_every=4,
        num_blocks=5,
        batch_norm=True,
        steps_per_scale=2000,
        d_steps=3,
        g_steps=3,
        gp_weight=0.1,
        reconstruction_weight=10.0,
        noise_amp=0.1,
        learning_rate=5e-4,
        lr_drop_at=0.8,
        seed=None,
        **kwargs,
    ):
        super().__init__(seed=seed, **kwargs)
        if image is not None:
            image = check_rgb_image(image)
            image_shape = image.shape
        elif image_shape is None:
            raise ValueError(
                "Pass the training `image` (H, W, 3), or `image_shape` for "
                "a model whose weights are loaded next. "
                + format_received(image=None, image_shape=None)
            )
        self.image_shape = _check_image_shape(image_shape)
        self.pyramid = check_choice("pyramid", pyramid, PYRAMIDS)
        self.min_size = check_positive_int("min_size", min_size)
        self.max_size = check_positive_int("max_size", max_size)
        self.scale_factor = check_scale_factor(scale_factor)
        self.stages_count = check_positive_int("stages", stages)
        self.train_depth = check_positive_int("train_depth", train_depth)
        self.lr_scale = check_weight("lr_scale", lr_scale)
        self.width = check_positive_int("width", width)
        self.max_width = check_positive_int("max_width", max_width)
        self.widen_every = check_positive_int("widen_every", widen_every)
        self.num_blocks = num_blocks
        self.batch_norm = bool(batch_norm)
        self.steps_per_scale = check_positive_int(
            "steps_per_scale", steps_per_scale
        )
        self.d_steps = check_positive_int("d_steps", d_steps)
        self.g_steps = check_positive_int("g_steps", g_steps)
        self.gp_weight = check_weight("gp_weight", gp_weight)
        self.reconstruction_weight = check_weight(
            "reconstruction_weight", reconstruction_weight
        )
        self.noise_amp = check_weight("noise_amp", noise_amp)
        self.learning_rate = check_weight("learning_rate", learning_rate)
        self.lr_drop_at = check_weight("lr_drop_at", lr_drop_at)
        if self.lr_drop_at > 1:
            raise ValueError(
                "`lr_drop_at` is a fraction of a scale's steps, in [0, 1]. "
                + format_received(lr_drop_at=lr_drop_at)
            )
        self.scale_sizes = self._pyramid_sizes()
        self._create_state(image)
        self.build_stage(0)
        self._create_trackers()
        self.build(None)

    @classmethod
    def from_preset(cls, preset, **overrides):
        """A `SinGAN` of a named configuration (see `singan_presets`).

        Args:
            preset: `"singan"`, `"consingan"` or `"cpu"`.
            **overrides: constructor arguments (`image=` at least).

        Raises:
            ValueError: for an unknown preset.
        """
        if not isinstance(preset, str) or preset not in PRESETS:
            raise ValueError(
                f"`preset` must be one of {sorted(PRESETS)}. "
                + format_received(preset=preset)
            )
        return cls(**{**PRESETS[preset], **overrides})

    def _pyramid_sizes(self):
        height, width = self.image_shape[:2]
        if self.pyramid == "consingan":
            return consingan_scale_sizes(
                height, width, self.min_size, self.max_size, self.stages_count
            )
        sizes, _ = singan_scale_sizes(
            height, width, self.min_size, self.max_size, self.scale_factor
        )
        return sizes

    def _create_state(self, image):
        # The pyramid, the amplitudes and z* are weights: a saved model is
        # whole without its image file, and resumes with the same z*.
        reals = [None] * self.num_scales
        if image is not None:
            reals = image_pyramid(image, self.scale_sizes)
        self.reals = []
        for k, size in enumerate(self.scale_sizes):
            initial = reals[k] if reals[k] is not None else "zeros"
            self.reals.append(
                self.add_weight(
                    shape=size + (CHANNELS,),
                    initializer=_constant(initial),
                    trainable=False,
                    name=f"real_{k}",
                )
            )
        amplitudes = np.zeros(self.num_scales, "float32")
        amplitudes[0] = 1.0
        self.noise_amplitudes = self.add_weight(
            shape=(self.num_scales,),
            initializer=_constant(amplitudes),
            trainable=False,
            name="noise_amplitudes",
        )
        z_star = np.random.default_rng(self.seed).standard_normal(
            (1,) + self.scale_sizes[0] + (1,)
        )
        self.z_star = self.add_weight(
            shape=z_star.shape,
            initializer=_constant(z_star.astype("float32")),
            trainable=False,
            name="z_star",
        )

    # ------------------------------------------------------------ networks

    @property
    def num_scales(self):
        """Scales of the pyramid."""
        return len(self.scale_sizes)

    def width_at(self, k):
        """Channels of scale `k`'s networks."""
        return min(self.width * 2 ** (k // self.widen_every), self.max_width)

    def generator_at(self, k):
        """`G_k`, the generator of scale `k` (built up to the stage)."""
        return getattr(self, f"generator_{k}")

    def discriminator_at(self, k):
        """`D_k`, the critic of scale `k`."""
        return getattr(self, f"discriminator_{k}")

    def real_images(self):
        """The pyramid, coarse to fine: float32 NumPy `(h_k, w_k, 3)`."""
        return [ops.convert_to_numpy(real) for real in self.reals]

    @property
    def trained_scales(self):
        """Scales with a generator: up to the current stage."""
        return self.stage + 1

    def build_stage(self, index):
        """Adds scale `index`'s networks and freezes the ones below the
        `train_depth` newest."""
        k = index
        if not hasattr(self, f"generator_{k}"):
            generator = SinGANGenerator(
                CHANNELS,
                self.width_at(k),
                self.num_blocks,
                self.batch_norm,
                name=f"generator_{k}",
            )
            critic = SinGANDiscriminator(
                CHANNELS,
                self.width_at(k),
                self.num_blocks,
                self.batch_norm,
                name=f"discriminator_{k}",
            )
            if k and self.width_at(k) == self.width_at(k - 1):
                # The official initialisation: a scale starts where the
                # coarser one ended (a loaded model overwrites this).
                generator.set_weights(self.generator_at(k - 1).get_weights())
                critic.set_weights(self.discriminator_at(k - 1).get_weights())
            setattr(self, f"generator_{k}", generator)
            setattr(self, f"discriminator_{k}", critic)
        for j in range(k + 1):
            self.generator_at(j).trainable = j > k - self.train_depth
            self.discriminator_at(j).trainable = j == k

    def enter_stage(self, index):
        """Moves to scale `index` and sets its noise amplitude from the
        reconstruction error of the scales below."""
        super().enter_stage(index)
        if index:
            self.update_noise_amplitude(index)

    def update_noise_amplitude(self, k):
        """`a_k = noise_amp * RMSE(real_k, up(reconstruction at k - 1))`."""
        below = self.synthesize(self.reconstruction_noises(k))
        up = resize_to(below, self.scale_sizes[k])
        rmse = ops.sqrt(ops.mean(ops.square(self.reals[k][None] - up)))
        amplitudes = ops.convert_to_numpy(self.noise_amplitudes).copy()
        amplitudes[k] = self.noise_amp * float(ops.convert_to_numpy(rmse))
        self.noise_amplitudes.assign(amplitudes)

    def trainable_generators(self):
        """The generators the current stage trains, coarse to fine."""
        k = self.stage
        return tuple(
            self.generator_at(j)
            for j in range(max(0, k - self.train_depth + 1), k + 1)
        )

    def stage_networks(self):
        """The networks the current stage trains: its critic and the
        trainable generators."""
        return (self.discriminator_at(self.stage),) + self.trainable_generators()

    # ------------------------------------------------------------ sampling

    def synthesize(self, noises, start_scale=0, start_image=None, training=False):
        """Runs the generators from `start_scale` up, one noise per scale.

        Written with `keras.ops`: differentiable, traceable, exportable.

        Args:
            noises: list of `(N, h_k, w_k, 1 or 3)` tensors for scales
                `start_scale`, `start_scale + 1`, ...; each scale works at
                its noise's size.
            start_scale: the first scale run.
            start_image: `(N, h, w, 3)` image the first scale refines
                (resized to its size); `None`: zeros (generation from
                the coarsest scale).
            training: run the networks in training mode.

        Returns:
            The images of the last scale run, float32.
        """
        x = start_image
        for i, noise in enumerate(noises):
            k = start_scale + i
            noise = ops.cast(noise, "float32")
            shape = ops.shape(noise)
            if x is None:
                prev = ops.zeros((shape[0], shape[1], shape[2], CHANNELS))
            else:
                prev = resize_to(ops.cast(x, "float32"), (shape[1], shape[2]))
            if k < self.stage + 1 - self.train_depth:
                prev = ops.stop_gradient(prev)
            noisy = self.noise_amplitudes[k] * noise + prev
            x = self.generator_at(k)([noisy, prev], training=training)
        return x

    def reconstruction_noises(self, scales=None):
        """`[z*, 0, 0, ...]` for the first `scales` scales."""
        scales = self.trained_scales if scales is None else scales
        noises = [ops.convert_to_tensor(self.z_star)]
        for k in range(1, scales):
            noises.append(ops.zeros((1,) + self.scale_sizes[k] + (1,)))
        return noises[:scales]

    def reconstruct(self):
        """The image as the trained scales rebuild it from `z*`, `(1, h,
        w, 3)` NumPy, at the last trained scale's size."""
        return ops.convert_to_numpy(
            self.synthesize(self.reconstruction_noises())
        )

    def output_size(self, size=None, scale_h=1.0, scale_w=1.0):
        """The `(height, width)` of an output of `size`, or of the last
        trained scale's size scaled by `scale_h`, `scale_w`.

        Raises:
            ValueError: for both `size` and scales, a bad `size`, or
                non-positive scales.
        """
        final = self.scale_sizes[self.trained_scales - 1]
        return sampler_output_size(
            size, scale_h, scale_w, final, path=type(self).__name__
        )

    def sizes_for(self, height, width):
        """Per-scale sizes of an output of `(height, width)`: every
        trained scale's size times the output's ratio to the last one.

        Python ints for int sides; tensors for traced ones (an exported
        sampler of free size computes them in its graph, the same way).
        """
        final = self.scale_sizes[self.trained_scales - 1]
        return [
            (
                _scaled_side(height, h / final[0]),
                _scaled_side(width, w / final[1]),
            )
            for h, w in self.scale_sizes[: self.trained_scales]
        ]

    def check_output_size(self, height, width):
        """Raises a `ValueError` if the coarsest scale of an output of this
        size would be smaller than the networks' receptive field."""
        coarsest = self.sizes_for(height, width)[0]
        minimum = 2 * self.num_blocks + 1
        if min(coarsest) < minimum:
            raise ValueError(
                f"The output size {(height, width)} is too small: its "
                f"coarsest scale would be {coarsest}, under the networks' "
                f"{minimum} px receptive field. "
                + format_received(size=(height, width))
            )

    def noise_channels(self):
        """Channels of a noise map: 3 per trained scale."""
        return CHANNELS * self.trained_scales

    def noises_from_map(self, noise, start_scale=0):
        """Per-scale noises cut from one `(N, H, W, 3 * scales)` map.

        Scale `k` takes channels `3k:3k + 3` (one at scale 0, as the
        official code) subsampled to its size at the nearest pixel:
        subsampled i.i.d. noise is i.i.d., so one Gaussian map of the
        output's size drives every scale, and an exported sampler takes
        the same input.
        """
        shape = ops.shape(noise)
        sizes = self.sizes_for(shape[1], shape[2])
        noises = []
        for k in range(start_scale, self.trained_scales):
            channels = 1 if k == 0 else CHANNELS
            part = noise[..., CHANNELS * k : CHANNELS * k + channels]
            part = _nearest_rows(part, sizes[k][0], shape[1], axis=1)
            noises.append(_nearest_rows(part, sizes[k][1], shape[2], axis=2))
        return noises

    def sample_from_noise(self, noise, start_scale=0, start_image=None):
        """Images of the noise map's size from a `(N, H, W, 3 * scales)`
        standard-normal map (see `noises_from_map`), in `keras.ops`.

        Args:
            noise: the noise map.
            start_scale: the first scale run; below it, `start_image`
                (resized) or zeros.
            start_image: `(N, h, w, 3)` injected at `start_scale`.

        Returns:
            float32 `(N, H, W, 3)`, clipped to [-1, 1] (the residuals of
            the scales may overshoot; the official code clamps on saving).
        """
        noises = self.noises_from_map(noise, start_scale)
        images = self.synthesize(noises, start_scale, start_image)
        return ops.clip(images, -1.0, 1.0)

    def random_noises(self, n, sizes, seed=None):
        """`N(0, 1)` noises of `sizes` (`(k, size)` pairs), 1 channel at
        scale 0 (the official code)."""
        seed = self.seed_generator if seed is None else seed
        noises = []
        for k, size in sizes:
            channels = 1 if k == 0 else CHANNELS
            noises.append(
                keras.random.normal((n,) + tuple(size) + (channels,), seed=seed)
            )
        return noises

    def sample(
        self,
        n=1,
        size=None,
        scale_h=1.0,
        scale_w=1.0,
        seed=None,
        start_scale=0,
        start_image=None,
        batch_size=8,
    ):
        """Random images from the trained scales, float32 in [-1, 1].

        Args:
            n: images to make.
            size: `(height, width)` of the output; default: the image's
                (the last trained scale's) size.
            scale_h: output height over the training height (instead of
                `size`); any aspect ratio.
            scale_w: output width over the training width.
            seed: an int for reproducible samples; `None` draws from the
                model's seed generator.
            start_scale: the first scale with random noise: scales below
                it keep the reconstruction (`z*`), so the image's layout
                stays and finer detail varies; with `start_image`, the
                scale the image is injected at.
            start_image: `(H, W, 3)` or `(N, H, W, 3)` image in [-1, 1]
                injected at `start_scale` (harmonization, editing,
                paint-to-image).
            batch_size: images per pass.

        Returns:
            float32 NumPy `(n, h, w, 3)`.

        Raises:
            ValueError: for a bad size or scale, a `start_scale` outside
                the trained scales, or other-size sampling with scales kept
                from the reconstruction.
        """
        n = check_positive_int("n", n)
        batch_size = check_positive_int("batch_size", batch_size)
        height, width = self.output_size(size, scale_h, scale_w)
        self.check_output_size(height, width)
        start = self._check_start_scale(start_scale)
        final = self.scale_sizes[self.trained_scales - 1]
        if start and start_image is None and (height, width) != final:
            raise ValueError(
                "Sampling from `start_scale` > 0 keeps the coarse scales' "
                "reconstruction, which exists at the training size only; "
                "pass a `start_image` or sample at the training size. "
                + format_received(start_scale=start_scale, size=(height, width))
            )
        image = None
        if start_image is not None:
            image = np.asarray(start_image, "float32")
            image = image[None] if image.ndim == 3 else image
            check_rgb_image(image[0], "start_image")
            # Shrunk with antialiasing to the scale below, as the official
            # code injects: the scale then refines an upsampled coarser
            # image, as in training.
            target = self.sizes_for(height, width)[max(start - 1, 0)]
            image = np.stack([image_pyramid(one, [target])[0] for one in image])
        seed = _seed(seed)
        outputs = []
        for begin in range(0, n, batch_size):
            count = min(batch_size, n - begin)
            noise = keras.random.normal(
                (count, height, width, self.noise_channels()),
                seed=self.seed_generator if seed is None else seed,
            )
            prefix = None
            if image is not None:
                prefix = ops.convert_to_tensor(
                    np.broadcast_to(image, (count,) + image.shape[1:])
                )
            elif start:
                prefix = ops.repeat(
                    self.synthesize(self.reconstruction_noises(start)),
                    count,
                    axis=0,
                )
            images = self.sample_from_noise(noise, start, prefix)
            outputs.append(ops.convert_to_numpy(images))
        return np.concatenate(outputs).astype("float32")

    def _check_start_scale(self, start_scale):
        if (
            isinstance(start_scale, bool)
            or not isinstance(start_scale, (int, np.integer))
            or not 0 <= start_scale < self.trained_scales
        ):
            raise ValueError(
                f"`start_scale` must be a trained scale, in [0, "
                f"{self.trained_scales}). "
                + format_received(start_scale=start_scale)
            )
        return int(start_scale)

    def call(self, noises, training=False):
        return self.synthesize(list(noises), training=training)

    # ------------------------------------------------------------- training

    def stages(self):
        """One stage per scale, coarse to fine, `steps_per_scale` each."""
        return [
            Stage(f"scale_{k}", self.steps_per_scale)
            for k in range(self.num_scales)
        ]

    def training_data(self):
        """What `fit()` iterates: nothing (the model holds its image)."""
        import tensorflow as tf

        return tf.data.Dataset.from_tensors(np.zeros((1, 1), "float32")).repeat()

    def fit(self, x=None, *args, **kwargs):
        self._check_compiled()
        if x is None:
            x = self.training_data()
            kwargs.setdefault("steps_per_epoch", self.steps_per_scale)
        if type(x).__module__.startswith("tensorflow"):
            kwargs.setdefault("shuffle", False)
        return super().fit(x, *args, **kwargs)

    def fit_stages(self, x=None, steps_per_epoch=None, callbacks=None, **kwargs):
        """Trains every remaining scale (see `TwoPlayerModel.fit_stages`);
        `x` defaults to `training_data()`, `steps_per_epoch` to the
        scale's steps."""
        return super().fit_stages(
            self.training_data() if x is None else x,
            steps_per_epoch=steps_per_epoch or self.steps_per_scale,
            callbacks=callbacks,
            **kwargs,
        )

    def unpack_batch(self, data):
        return ()

    def optimizer_names(self):
        k = self.stage
        return [f"discriminator_{k}", f"generator_{k}"]

    def default_optimizers(self):
        """Adam(5e-4, 0.5, 0.999), dropped x0.1 at `lr_drop_at`, per scale.

        The generator's is a `LayerwiseAdam` giving the scales below the
        newest `lr_scale ** distance` times the rate (ConSinGAN).
        """
        k = self.stage
        optimizers = {}
        for name, repeats in (("discriminator", self.d_steps), ("generator", self.g_steps)):
            drop = max(1, round(self.lr_drop_at * self.steps_per_scale)) * repeats
            schedule = keras.optimizers.schedules.PiecewiseConstantDecay(
                [drop], [self.learning_rate, self.learning_rate * 0.1]
            )
            arguments = dict(learning_rate=schedule, beta_1=0.5, beta_2=0.999)
            if name == "generator" and self.train_depth > 1:
                multipliers = {
                    network.name: self.lr_scale ** (k - j)
                    for j, network in enumerate(
                        self.trainable_generators(), start=k + 1 - len(self.trainable_generators())
                    )
                    if j < k
                }
                optimizers[f"{name}_{k}"] = LayerwiseAdam(multipliers, **arguments)
            else:
                optimizers[f"{name}_{k}"] = keras.optimizers.Adam(**arguments)
        return optimizers

    @property
    def d_optimizer(self):
        """The current scale's critic optimizer."""
        return self._member_optimizer(f"discriminator_{self.stage}")

    @property
    def g_optimizer(self):
        """The current scale's generator optimizer."""
        return self._member_optimizer(f"generator_{self.stage}")

    def tracked_metric_names(self):
        return ("d_loss", "gp", "d_real", "d_fake", "g_loss", "g_adv", "rec_loss")

    def train_phases(self):
        k = self.stage
        return [
            Phase(
                "discriminator",
                (self.discriminator_at(k),),
                f"discriminator_{k}",
                self.discriminator_loss,
                repeats=self.d_steps,
            ),
            Phase(
                "generator",
                self.trainable_generators(),
                f"generator_{k}",
                self.generator_loss,
                repeats=self.g_steps,
            ),
        ]

    def real_batch(self):
        """The real image at the current scale, `(1, h, w, 3)`."""
        return ops.convert_to_tensor(self.reals[self.stage])[None]

    def random_fake(self):
        """A sample through the trained scales, in training mode."""
        sizes = list(enumerate(self.scale_sizes[: self.trained_scales]))
        return self.synthesize(self.random_noises(1, sizes), training=True)

    def discriminator_loss(self):
        """WGAN critic loss plus `gp_weight` x the gradient penalty."""
        critic = self.discriminator_at(self.stage)
        real = self.real_batch()
        fake = ops.stop_gradient(self.random_fake())
        real_scores = critic(real, training=True)
        fake_scores = critic(fake, training=True)
        adversarial = self.gan_loss.discriminator_loss(real_scores, fake_scores)
        penalty = gradient_penalty(
            lambda x: critic(x, training=True),
            real,
            fake,
            self.seed_generator,
            per_pixel=True,
        )
        self.d_loss_tracker.update_state(adversarial)
        self.gp_tracker.update_state(penalty)
        self.d_real_tracker.update_state(ops.mean(real_scores))
        self.d_fake_tracker.update_state(ops.mean(fake_scores))
        return adversarial + self.gp_weight * penalty

    def generator_loss(self):
        """Adversarial loss plus `reconstruction_weight` x the MSE of the
        reconstruction from `[z*, 0, ...]`."""
        critic = self.discriminator_at(self.stage)
        fake_scores = critic(self.random_fake(), training=True)
        adversarial = self.gan_loss.generator_loss(fake_scores)
        real = self.real_batch()
        reconstruction = self.synthesize(
            self.reconstruction_noises(), training=True
        )
        rec_loss = ops.mean(ops.square(reconstruction - real))
        loss = adversarial + self.reconstruction_weight * rec_loss
        self.g_adv_tracker.update_state(adversarial)
        self.rec_loss_tracker.update_state(rec_loss)
        self.g_loss_tracker.update_state(loss)
        return loss

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "image_shape": self.image_shape,
                "pyramid": self.pyramid,
                "min_size": self.min_size,
                "max_size": self.max_size,
                "scale_factor": self.scale_factor,
                "stages": self.stages_count,
                "train_depth": self.train_depth,
                "lr_scale": self.lr_scale,
                "width": self.width,
                "max_width": self.max_width,
                "widen_every": self.widen_every,
                "num_blocks": self.num_blocks,
                "batch_norm": self.batch_norm,
                "steps_per_scale": self.steps_per_scale,
                "d_steps": self.d_steps,
                "g_steps": self.g_steps,
                "gp_weight": self.gp_weight,
                "reconstruction_weight": self.reconstruction_weight,
                "noise_amp": self.noise_amp,
                "learning_rate": self.learning_rate,
                "lr_drop_at": self.lr_drop_at,
            }
        )
        return config


def _constant(value):
    if isinstance(value, str):
        return value
    return keras.initializers.Constant(np.asarray(value, "float32"))


def _scaled_side(side, ratio):
    """`side * ratio` rounded half to even, at least 1, for an int or a
    traced side.

    `ratio` is read as the nearest fraction `p / q` with `q <= 2**16`
    (`sizes_for` passes `h_k / H`: recovered exactly), and both halves
    round `side * p / q` in integer arithmetic, so a Keras model and its
    export agree on every size (int32 ops only: TFLite has no float64
    kernels). A traced side needs `side * p < 2**31`.
    """
    from fractions import Fraction

    fraction = Fraction(ratio).limit_denominator(2**16)
    p, q = fraction.numerator, fraction.denominator
    if isinstance(side, (int, np.integer)):
        quotient, rest = divmod(int(side) * p, q)
        up = 2 * rest > q or (2 * rest == q and quotient % 2 == 1)
        return max(1, quotient + int(up))
    scaled = ops.cast(side, "int32") * p
    quotient = ops.floor_divide(scaled, q)
    twice_rest = 2 * (scaled - quotient * q)
    up = ops.logical_or(
        ops.greater(twice_rest, q),
        ops.logical_and(
            ops.equal(twice_rest, q), ops.equal(ops.mod(quotient, 2), 1)
        ),
    )
    return ops.maximum(quotient + ops.cast(up, "int32"), 1)


def _nearest_rows(x, count, size, axis):
    """`count` rows of `x` along `axis` at the nearest pixel centers.

    Row `i` is `floor((i + 0.5) * size / count)`, computed as
    `(2i + 1) * size // (2 * count)` in integer arithmetic for int and
    traced sizes alike (int32 ops only, as TFLite needs).
    """
    if isinstance(count, (int, np.integer)) and isinstance(
        size, (int, np.integer)
    ):
        odd = 2 * np.arange(int(count)) + 1
        indices = odd * int(size) // (2 * int(count))
        return ops.take(x, ops.convert_to_tensor(indices.astype("int32")), axis)
    count = ops.cast(count, "int32")
    odd = 2 * ops.arange(count, dtype="int32") + 1
    indices = ops.floor_divide(odd * ops.cast(size, "int32"), 2 * count)
    return ops.take(x, indices, axis=axis)


def _seed(seed):
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError(
            "`seed` must be an int or None. " + format_received(seed=seed)
        )
    return keras.random.SeedGenerator(int(seed))
