"""SRGAN: photo-realistic single-image super-resolution (Ledig et al. 2017)."""

import math

import keras
import numpy as np
from keras import ops

from keras_gans.models.srgan.srgan_presets import PRESETS
from keras_gans.models.srgan.sub_pixel_upsampling import check_scale
from keras_gans.training.phase import Forward
from keras_gans.training.phase import Phase
from keras_gans.training.stage import Stage
from keras_gans.training.translation_model import as_float32
from keras_gans.training.translation_model import check_network
from keras_gans.training.translation_model import check_weight
from keras_gans.training.two_player_model import TwoPlayerModel
from keras_gans.utils.validation import check_choice
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received

PIXEL_LOSSES = ("mse", "l1")
GENERATORS = ("srresnet", "rrdb")
# `content_loss` names resolved to a `keras_gans.losses.PerceptualLoss`.
PERCEPTUAL_CONTENT = {
    "vgg54": {},
    "vgg54_before_activation": {"before_activation": True},
}
DEFAULT_BLOCKS = {"srresnet": 16, "rrdb": 23}
# PSNR of images in [-1, 1]: the peak-to-peak range is 2.
_PEAK_SQUARED = 4.0


def pixel_difference(kind, x, y):
    """Mean squared (`"mse"`) or absolute (`"l1"`) difference, float32."""
    difference = as_float32(x) - as_float32(y)
    if kind == "mse":
        return ops.mean(ops.square(difference))
    return ops.mean(ops.abs(difference))


def _resolve_content(content_loss):
    """`None`, `"mse"`/`"l1"`, a named perceptual loss, or a callable."""
    if content_loss is None or content_loss in PIXEL_LOSSES:
        return content_loss
    if isinstance(content_loss, str) and content_loss in PERCEPTUAL_CONTENT:
        from keras_gans.losses import PerceptualLoss

        return PerceptualLoss(**PERCEPTUAL_CONTENT[content_loss])
    if isinstance(content_loss, dict):
        return keras.saving.deserialize_keras_object(content_loss)
    if callable(content_loss) and not isinstance(content_loss, str):
        return content_loss
    raise ValueError(
        "`content_loss` must be None (the pixel loss), 'mse', 'l1', one of "
        f"{sorted(PERCEPTUAL_CONTENT)} (VGG19 features) or a callable "
        "(hr, sr) -> scalar such as keras_gans.losses.PerceptualLoss. "
        + format_received(content_loss=content_loss)
    )


def _check_steps(name, value):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(
            f"`{name}` must be None (open-ended) or an int >= 0. "
            + format_received(**{name: value})
        )
    return value


@keras.saving.register_keras_serializable(package="keras_gans")
class SRGAN(TwoPlayerModel):
    """Single-image super-resolution in two stages: SRResNet, then SRGAN.

    Trains on `(lr, hr)` batches in [-1, 1] (`keras_gans.data.
    load_super_resolution`): HR patches `(patch_size, patch_size, C)` and
    their bicubic downscalings by `scale`.

    - Stage `"pretrain"` ("SRResNet"): the generator alone, minimizing the
      pixel loss (MSE, or L1 for ESRGAN) to the HR patch: the
      PSNR-oriented model, and the initialisation of the game.
    - Stage `"gan"` ("SRGAN"): the discriminator learns to tell HR
      patches from upscalings; the generator minimizes
      `content + pixel_weight * pixel + adversarial_weight * adversarial`
      with the content loss on VGG19 features (`"vgg54"`), or the pixel
      loss itself (`content_loss=None`, the paper's SRGAN-MSE).

    `stages()` lists both with their step counts; `fit_stages()` (and the
    `srgan` recipe) runs them in turn and resumes inside the right one.
    With step counts of `None`, `fit()` trains the current stage and
    `enter_stage(1)` moves to the game. The optimizers are named
    `"pretrain"` (the generator in stage one), `"generator"` and
    `"discriminator"` (the game; `compile(g_optimizer=...,
    d_optimizer=...)`), each Adam(1e-4, beta_1=0.9) by default, the
    paper's setting; the game starts with fresh moments.

    Logged: `g_loss` and `psnr` (of the batch, in dB, RGB in [-1, 1]: a
    training gauge, not the benchmark protocol of `keras_gans.metrics.
    super_resolution`); in the game also `g_content`, `g_adv`, `g_pixel`
    (when weighted), `d_loss`, `d_real`, `d_fake`.

    Args:
        scale: the upscaling factor, 2, 3 or 4.
        patch_size: side of the HR training patches: the discriminator's
            input (96 in the paper); a multiple of `scale`.
        channels: image channels (3: RGB).
        generator: `"srresnet"` (`SRResNetGenerator`), `"rrdb"`
            (`RRDBGenerator`, ESRGAN) or a Keras model mapping LR images
            to images `scale` times larger in [-1, 1].
        discriminator: a Keras model mapping HR patches to logits; default
            `SRGANDiscriminator((patch_size, patch_size, channels),
            d_filters)`.
        filters: width of a default generator (64).
        num_blocks: blocks of a default generator (`None`: 16 for
            SRResNet, 23 for RRDB).
        norm: normalization of a default SRResNet, `"batch"` or `None`.
        image_skip: `None` (the papers' networks) or `"bicubic"`: a default
            generator adds its output to the bicubic upsampling of its
            input and learns only the detail (see `SRResNetGenerator`).
        d_filters: width of the default discriminator (64).
        pixel_loss: `"mse"` or `"l1"`: the pre-training objective and the
            `g_pixel` term of the game.
        content_loss: the game's content term: `None` (the pixel loss),
            `"mse"`, `"l1"`, `"vgg54"` / `"vgg54_before_activation"`
            (`keras_gans.losses.PerceptualLoss` with the ImageNet VGG19,
            downloaded once) or a callable `(hr, sr) -> scalar`, e.g. a
            `PerceptualLoss` reading a local weights file.
        pixel_weight: weight of an extra pixel term in the game (ESRGAN:
            1e-2); 0 disables it.
        adversarial_weight: weight of the adversarial term (1e-3).
        adversarial_loss: the `compile(loss="auto")` default: a name of
            `keras_gans.losses` (`"relativistic_average"` for ESRGAN).
        pretrain_steps: steps of the pre-training stage; 0 skips it (e.g.
            for a generator already trained); `None`: open-ended.
        gan_steps: steps of the game; 0 trains the PSNR model only;
            `None`: open-ended.
        seed: seed of the model's random draws.
        **kwargs: passed to `keras.Model`.

    Raises:
        ValueError: naming the argument, for a `scale` not in {2, 3, 4},
            a `patch_size` that is not a multiple of `scale`, networks that
            do not fit (channels, scale, the discriminator's input), a
            negative weight, or an unknown loss name.

    Example:

    ```python
    ds = keras_gans.data.load_super_resolution(
        "../shared/data/sr/yang91", patch_size=96, scale=4, batch_size=16
    ).repeat()
    model = keras_gans.SRGAN.from_preset(
        "srgan_mse", pretrain_steps=2000, gan_steps=2000
    )
    model.compile()
    model.fit_stages(ds, steps_per_epoch=100)
    high_res = model.upscale(low_res)  # any size, [-1, 1]
    ```
    """

    network_keys = ("generator", "discriminator")

    def __init__(
        self,
        scale=4,
        patch_size=96,
        channels=3,
        generator="srresnet",
        discriminator=None,
        filters=64,
        num_blocks=None,
        norm="batch",
        image_skip=None,
        d_filters=64,
        pixel_loss="mse",
        content_loss=None,
        pixel_weight=0.0,
        adversarial_weight=1e-3,
        adversarial_loss="non_saturating",
        pretrain_steps=None,
        gan_steps=None,
        seed=None,
        **kwargs,
    ):
        self.default_loss = adversarial_loss
        super().__init__(seed=seed, **kwargs)
        self.scale = check_scale(scale)
        self.patch_size = check_positive_int("patch_size", patch_size)
        if self.patch_size % self.scale:
            raise ValueError(
                "`patch_size` must be a multiple of `scale`. "
                + format_received(patch_size=patch_size, scale=scale)
            )
        self.channels = check_positive_int("channels", channels)
        self.filters = check_positive_int("filters", filters)
        self.norm = norm
        self.image_skip = image_skip
        self.d_filters = check_positive_int("d_filters", d_filters)
        self.pixel_loss = check_choice("pixel_loss", pixel_loss, PIXEL_LOSSES)
        self.content_loss = _resolve_content(content_loss)
        self.pixel_weight = check_weight("pixel_weight", pixel_weight)
        self.adversarial_weight = check_weight(
            "adversarial_weight", adversarial_weight
        )
        self.pretrain_steps = _check_steps("pretrain_steps", pretrain_steps)
        self.gan_steps = _check_steps("gan_steps", gan_steps)
        if self.pretrain_steps == 0 and self.gan_steps == 0:
            raise ValueError(
                "`pretrain_steps` and `gan_steps` cannot both be 0: nothing "
                "would train. "
                + format_received(pretrain_steps=0, gan_steps=0)
            )
        if isinstance(generator, str):
            check_choice("generator", generator, GENERATORS)
            self.num_blocks = check_positive_int(
                "num_blocks", num_blocks or DEFAULT_BLOCKS[generator]
            )
            generator = self._default_generator(generator)
        else:
            self.num_blocks = num_blocks
        self.generator = check_network("generator", generator)
        if discriminator is None:
            from keras_gans.models.srgan.srgan_discriminator import (
                SRGANDiscriminator,
            )

            discriminator = SRGANDiscriminator(
                self.hr_shape, filters=self.d_filters
            )
        self.discriminator = check_network("discriminator", discriminator)
        self._check_networks()
        self._create_trackers()
        self.build(None)

    @classmethod
    def from_preset(cls, preset, **overrides):
        """An `SRGAN` of a named configuration (see `srgan_presets`).

        Args:
            preset: `"srgan"`, `"srgan_mse"`, `"esrgan"` or `"esrgan_l1"`.
            **overrides: constructor arguments replacing the preset's.

        Raises:
            ValueError: for an unknown preset.
        """
        if not isinstance(preset, str) or preset not in PRESETS:
            raise ValueError(
                f"`preset` must be one of {sorted(PRESETS)}. "
                + format_received(preset=preset)
            )
        return cls(**{**PRESETS[preset], **overrides})

    def _default_generator(self, kind):
        if kind == "rrdb":
            from keras_gans.models.srgan.rrdb_generator import RRDBGenerator

            return RRDBGenerator(
                self.scale,
                self.channels,
                self.filters,
                self.num_blocks,
                image_skip=self.image_skip,
            )
        from keras_gans.models.srgan.srresnet_generator import (
            SRResNetGenerator,
        )

        return SRResNetGenerator(
            self.scale,
            self.channels,
            self.filters,
            self.num_blocks,
            self.norm,
            self.image_skip,
        )

    def _check_networks(self):
        probe = max(4, 16 // self.scale) * self.scale
        lr_side = probe // self.scale
        output = self.generator.compute_output_spec(
            keras.KerasTensor((1, lr_side, lr_side, self.channels))
        )
        if tuple(output.shape[1:]) != (probe, probe, self.channels):
            raise ValueError(
                f"`generator` must map (N, h, w, {self.channels}) LR images to "
                f"(N, {self.scale}h, {self.scale}w, {self.channels}). "
                + format_received(
                    generator=f"{tuple(output.shape)} from "
                    f"(1, {lr_side}, {lr_side}, {self.channels})"
                )
            )
        d_shape = tuple(self.discriminator.input_shape[1:])
        if d_shape != self.hr_shape:
            raise ValueError(
                f"`discriminator` must take HR patches of shape {self.hr_shape} "
                "(patch_size, patch_size, channels). "
                + format_received(discriminator_input_shape=d_shape)
            )

    # ------------------------------------------------------------------ API

    @property
    def hr_shape(self):
        """`(patch_size, patch_size, channels)`: HR training patches."""
        return (self.patch_size, self.patch_size, self.channels)

    @property
    def lr_shape(self):
        """The LR training patches' shape."""
        side = self.patch_size // self.scale
        return (side, side, self.channels)

    def call(self, images, training=False):
        return self.generator(images, training=training)

    def upscale(self, images, batch_size=8):
        """Upscales LR images in [-1, 1] of any size (inference mode).

        Args:
            images: float array `(N, h, w, channels)` in [-1, 1].
            batch_size: images per generator call.

        Returns:
            float32 NumPy array `(N, scale*h, scale*w, channels)`.

        Raises:
            ValueError: for images that are not 4-D with the model's
                channels, or not floating point in [-1, 1].
        """
        from keras_gans.utils.data_checks import check_image_array

        batch_size = check_positive_int("batch_size", batch_size)
        images = np.asarray(images)
        shape = images.shape[1:3] if images.ndim == 4 else (1, 1)
        check_image_array(images, tuple(shape) + (self.channels,), "images")
        outputs = [
            ops.convert_to_numpy(
                self.generator(images[i : i + batch_size], training=False)
            )
            for i in range(0, len(images), batch_size)
        ]
        return np.concatenate(outputs).astype("float32")

    def fit(self, x=None, y=None, *args, **kwargs):
        from keras_gans.utils.data_checks import check_translation_data

        self._check_compiled()
        check_translation_data(x, y, self.lr_shape, self.hr_shape)
        if type(x).__module__.startswith("tensorflow"):
            kwargs.setdefault("shuffle", False)
        return super().fit(x, y, *args, **kwargs)

    # ------------------------------------------------------------- the plan

    def stages(self):
        """`"pretrain"` then `"gan"`, without a stage of 0 steps."""
        steps = {"pretrain": self.pretrain_steps, "gan": self.gan_steps}
        return [Stage(name, n) for name, n in steps.items() if n != 0]

    @property
    def g_optimizer(self):
        """The generator's optimizer in the current stage (`"pretrain"`
        while pre-training, else `"generator"`)."""
        if self.stage_name == "pretrain":
            return self._member_optimizer("pretrain")
        return self._member_optimizer("generator")

    def default_optimizers(self):
        """Adam(1e-4, beta_1=0.9) for each of the three, as the paper."""
        return {
            name: keras.optimizers.Adam(learning_rate=1e-4, beta_1=0.9)
            for name in ("pretrain", "generator", "discriminator")
        }

    def tracked_metric_names(self):
        if self.stage_name == "pretrain":
            return ("g_loss", "psnr")
        names = ("d_loss", "g_loss", "g_content", "g_adv")
        if self.pixel_weight:
            names += ("g_pixel",)
        return names + ("d_real", "d_fake", "psnr")

    def train_phases(self):
        if self.stage_name == "pretrain":
            return [
                Phase(
                    "generator",
                    (self.generator,),
                    "pretrain",
                    self.pretrain_loss,
                )
            ]
        return [
            Forward("fakes", (self.generator,), self.upscale_batch),
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

    # ------------------------------------------------------------ the losses

    def upscale_batch(self, lr, hr):
        """`G(lr)` in training mode: the step's upscalings."""
        return self.generator(lr, training=True)

    def pretrain_loss(self, lr, hr):
        """The pixel loss of `G(lr)` to `hr`: stage one's objective."""
        sr = self.generator(lr, training=True)
        loss = pixel_difference(self.pixel_loss, hr, sr)
        self.g_loss_tracker.update_state(loss)
        self._track_psnr(hr, sr)
        return loss

    def discriminator_loss(self, lr, hr):
        fakes = ops.stop_gradient(self.shared("fakes", lr, hr))
        real_scores = as_float32(self.discriminator(hr, training=True))
        fake_scores = as_float32(self.discriminator(fakes, training=True))
        loss = self.gan_loss.discriminator_loss(real_scores, fake_scores)
        self.d_loss_tracker.update_state(loss)
        self.d_real_tracker.update_state(ops.mean(real_scores))
        self.d_fake_tracker.update_state(ops.mean(fake_scores))
        return loss

    def generator_loss(self, lr, hr):
        """`content + pixel_weight * pixel + adversarial_weight * adv`."""
        sr = self.shared("fakes", lr, hr)
        fake_scores = as_float32(self.discriminator(sr, training=True))
        real_scores = None
        if self.gan_loss.generator_needs_real:
            real_scores = as_float32(self.discriminator(hr, training=True))
        adversarial = self.gan_loss.generator_loss(fake_scores, real_scores)
        content = self.content_value(hr, sr)
        loss = content + self.adversarial_weight * adversarial
        if self.pixel_weight:
            pixel = pixel_difference(self.pixel_loss, hr, sr)
            loss = loss + self.pixel_weight * pixel
            self.g_pixel_tracker.update_state(pixel)
        self.g_loss_tracker.update_state(loss)
        self.g_content_tracker.update_state(content)
        self.g_adv_tracker.update_state(adversarial)
        self._track_psnr(hr, sr)
        return loss

    def content_value(self, hr, sr):
        """The game's content term of upscalings `sr` against `hr`."""
        content = self.content_loss
        if content is None or content in PIXEL_LOSSES:
            return pixel_difference(content or self.pixel_loss, hr, sr)
        return as_float32(content(as_float32(hr), as_float32(sr)))

    def _track_psnr(self, hr, sr):
        mse = pixel_difference("mse", hr, ops.stop_gradient(sr))
        psnr = 10.0 / math.log(10.0) * ops.log(_PEAK_SQUARED / (mse + 1e-12))
        self.psnr_tracker.update_state(psnr)

    def unpack_batch(self, data):
        """`(lr, hr)` float32 from a tuple or a dict with `"lr"`, `"hr"`."""
        if isinstance(data, dict) and "lr" in data and "hr" in data:
            lr, hr = data["lr"], data["hr"]
        elif isinstance(data, (tuple, list)) and len(data) >= 2:
            lr, hr = data[0], data[1]
        else:
            raise ValueError(
                "SRGAN trains on (lr, hr) batches or dicts with 'lr' and "
                "'hr'. " + format_received(batch=type(data).__name__)
            )
        return (
            ops.convert_to_tensor(lr, dtype="float32"),
            ops.convert_to_tensor(hr, dtype="float32"),
        )

    def get_config(self):
        config = super().get_config()
        content = self.content_loss
        if content is not None and content not in PIXEL_LOSSES:
            content = keras.saving.serialize_keras_object(content)
        config.update(
            {
                "scale": self.scale,
                "patch_size": self.patch_size,
                "channels": self.channels,
                "filters": self.filters,
                "num_blocks": getattr(self, "num_blocks", None),
                "norm": self.norm,
                "image_skip": self.image_skip,
                "d_filters": self.d_filters,
                "pixel_loss": self.pixel_loss,
                "content_loss": content,
                "pixel_weight": self.pixel_weight,
                "adversarial_weight": self.adversarial_weight,
                "adversarial_loss": self.default_loss,
                "pretrain_steps": self.pretrain_steps,
                "gan_steps": self.gan_steps,
            }
        )
        return config
