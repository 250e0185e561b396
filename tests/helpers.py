"""Shared helpers: build a variant, fit a few steps, round-trip it."""

import os

import keras
import numpy as np
import pytest

import keras_gans


def tensorflow_only(reason):
    """Skips the test off the TensorFlow session, saying `reason`."""
    return pytest.mark.skipif(
        keras.backend.backend() != "tensorflow", reason=reason
    )


# Exporting from JAX or torch saves a .keras file and converts it in a
# TensorFlow child process (LiteRT needs TensorFlow): seconds per export.
# There one representative per artifact kind exports (tests/models/
# test_dcgan.py, tests/export/, the mixed-precision DCGAN); every variant
# exports on TensorFlow.
export_on_tensorflow_only = tensorflow_only(
    "variant export checked on TensorFlow; one representative per "
    "artifact kind exports through the TensorFlow child on this backend"
)

# The translation recipes share one runner (flags, strategy, dtype policy,
# checkpoints, resume, scoring, export); only the model they fit differs,
# and every model fits, resumes and exports on every backend in the model
# tests. So every recipe test runs on TensorFlow, and on JAX and torch,
# where each recipe run costs tens of seconds of compilation, Pix2Pix
# represents the runner end to end (train, score, export); a recipe's
# SIGKILL + resume and its divergence stop are checked there by the DCGAN
# recipe (and the SIGKILL also by the staged model).
recipe_on_tensorflow_only = tensorflow_only(
    "recipe checked on TensorFlow; Pix2Pix represents the shared "
    "translation runner on this backend, the DCGAN recipe and the staged "
    "model a SIGKILL + resume"
)


def to_numpy(value):
    return np.array(keras.ops.convert_to_numpy(value))


def snapshot(variables):
    """Copies variable values to NumPy (by position)."""
    return [to_numpy(v) for v in variables]


def iterations(optimizer):
    return int(to_numpy(optimizer.iterations))


def layers_of(network, layer_type):
    """Every layer of `network` (nested ones too) that is a `layer_type`."""
    return [
        layer
        for layer in network._flatten_layers(include_self=False)
        if isinstance(layer, layer_type)
    ]


def random_images(n, image_shape, seed=0):
    """Images in [-1, 1] with structure (a blob per image), not pure noise."""
    rng = np.random.default_rng(seed)
    height, width, channels = image_shape
    yy, xx = np.mgrid[0:height, 0:width]
    images = np.empty((n, height, width, channels), "float32")
    for i in range(n):
        cy, cx = rng.uniform(0.3, 0.7, 2) * (height, width)
        radius = rng.uniform(0.15, 0.3) * min(height, width)
        blob = ((yy - cy) ** 2 + (xx - cx) ** 2 < radius**2).astype("float32")
        images[i] = (blob * 2 - 1)[..., None] * rng.uniform(0.7, 1.0, channels)
    return images


# A DCGAN-family architecture small enough for a test step in milliseconds.
TINY_DCGAN = dict(
    image_shape=(16, 16, 1),
    latent_dim=8,
    g_filters=(16, 8),
    d_filters=(8, 16),
    seed=7,
)


def tiny_dcgan(cls=None, **overrides):
    """A tiny `cls` (default `keras_gans.DCGAN`) on `TINY_DCGAN`."""
    cls = cls or keras_gans.DCGAN
    return cls(**{**TINY_DCGAN, **overrides})


# A conditional DCGAN-family architecture (CGAN, ACGAN) of the same size.
TINY_CONDITIONAL = dict(TINY_DCGAN, num_classes=3, embedding_dim=4)


def tiny_conditional(cls=None, **overrides):
    """A tiny `cls` (default `keras_gans.CGAN`) on `TINY_CONDITIONAL`."""
    cls = cls or keras_gans.CGAN
    return cls(**{**TINY_CONDITIONAL, **overrides})


def tiny_gan(**overrides):
    config = dict(
        image_shape=(8, 8, 1),
        latent_dim=8,
        g_units=(16, 32),
        d_units=(32, 16),
        seed=7,
    )
    config.update(overrides)
    return keras_gans.GAN(**config)


def cycling_labels(n, num_classes):
    """Labels 0, 1, ..., num_classes - 1, 0, 1, ... as int32."""
    return (np.arange(n) % num_classes).astype("int32")


def fit_steps(
    model, steps, batch_size=8, images=None, labels=None, **fit_kwargs
):
    """Fits exactly `steps` batches (no shuffling) and returns the history.

    A conditional model gets `labels` (default: `cycling_labels`).
    """
    if images is None:
        images = random_images(steps * batch_size, model.image_shape)
    count = steps * batch_size
    if model.uses_labels and labels is None:
        labels = cycling_labels(count, model.num_classes)
    return model.fit(
        images[:count],
        None if labels is None else labels[:count],
        batch_size=batch_size,
        epochs=1,
        shuffle=False,
        verbose=0,
        **fit_kwargs,
    )


def save_and_reload(model, directory, name="model.keras"):
    path = os.path.join(str(directory), name)
    model.save(path)
    return keras.saving.load_model(path)


# Image-to-image models with their default networks, as small as they get:
# two PatchGAN layers fit 16x16 images (three need 24 pixels).
TINY_TRANSLATOR = dict(image_shape=(16, 16, 1), filters=4, d_layers=2, seed=3)


def tiny_translator(cls, **overrides):
    """A tiny `cls` (`keras_gans.Pix2Pix`, `CycleGAN` or `DiscoGAN`)."""
    options = dict(TINY_TRANSLATOR)
    if cls is keras_gans.CycleGAN:
        options.update(num_blocks=1, pool_size=4)
    return cls(**{**options, **overrides})


def translation_pairs(n=8, seed=0, b_channels=1):
    """`(a, b)` batches of `TINY_TRANSLATOR` images (B with `b_channels`)."""
    shape = TINY_TRANSLATOR["image_shape"]
    a = random_images(n, shape, seed=seed)
    b = random_images(n, shape[:2] + (b_channels,), seed=seed + 1)
    return a, b


@keras.saving.register_keras_serializable(package="keras_gans_tests")
class BlowUpAfter(keras.optimizers.schedules.LearningRateSchedule):
    """`rate` up to optimizer update `step + 1`, NaN from the next one: a
    learning rate that blew up, to inject a NaN at a known step. (`where`,
    not arithmetic: Keras' PiecewiseConstantDecay multiplies the values by
    masks, which spreads a NaN value to every step.)"""

    def __init__(self, step, rate=2e-4):
        self.step = step
        self.rate = rate

    def __call__(self, step):
        return keras.ops.where(step > self.step, float("nan"), self.rate)

    def get_config(self):
        return {"step": self.step, "rate": self.rate}


# SRGAN as small as it gets: x2 on 16x16 HR patches, one residual block.
TINY_SRGAN = dict(
    scale=2, patch_size=16, filters=4, num_blocks=1, d_filters=2, seed=5
)


def tiny_srgan(**overrides):
    """A tiny `keras_gans.SRGAN` on `TINY_SRGAN`."""
    return keras_gans.SRGAN(**{**TINY_SRGAN, **overrides})


def sr_pairs(n=8, seed=0, scale=2, patch_size=16, channels=3):
    """`(lr, hr)`: structured HR patches and their `scale`x`scale` means."""
    hr = random_images(n, (patch_size, patch_size, channels), seed=seed)
    side = patch_size // scale
    lr = hr.reshape(n, side, scale, side, scale, channels).mean(axis=(2, 4))
    return lr.astype("float32"), hr


# StyleGAN2 as small as it gets: 8x8 gray (blocks 4 and 8, four styles),
# widths 8 and 4, a one-layer mapping network.
TINY_STYLEGAN2 = dict(
    image_shape=(8, 8, 1),
    latent_dim=8,
    w_dim=8,
    mapping_layers=1,
    channel_base=32,
    channel_max=8,
    mbstd_group=2,
    seed=0,
)


def tiny_stylegan2(**overrides):
    """A tiny `keras_gans.StyleGAN2` on `TINY_STYLEGAN2`."""
    return keras_gans.StyleGAN2(**{**TINY_STYLEGAN2, **overrides})


def tiny_stylegan2_export(tmp_path_factory):
    """`(gan, export directory, card)`, made once per process.

    `tiny_stylegan2()` with a non-zero average `w` (truncation moves
    styles) and non-zero noise strengths (the fixed noise maps show),
    exported by `export_generator` (its generator, `synthesis/` and
    `mapping/`). On JAX and torch an export is a TensorFlow child process
    (three networks: 10-20 s on 2 cores): the StyleGAN2 export tests and
    CLI tests share this one (both in the `exports` xdist group).
    """
    cache = tiny_stylegan2_export.__dict__.setdefault("cache", {})
    if "export" not in cache:
        from keras_gans.export import export_generator

        keras.utils.set_random_seed(0)
        gan = tiny_stylegan2()
        rng = np.random.default_rng(0)
        values = {}  # the same values in the generator and its EMA copy
        for network in (gan.generator, gan.sampling_generator):
            for variable in network.weights:
                if variable.path.endswith(("w_avg", "strength")):
                    value = values.setdefault(
                        variable.path, rng.normal(0.0, 0.5, variable.shape)
                    )
                    variable.assign(value.astype("float32"))
        directory = str(tmp_path_factory.mktemp("stylegan2_export"))
        card = export_generator(gan, directory, dataset="none", epochs=0)
        cache["export"] = (gan, directory, card)
    return cache["export"]


def tiny_stylegan2_keras_file(tmp_path_factory):
    """The `tiny_stylegan2_export` GAN saved as `.keras` (once per process)."""
    cache = tiny_stylegan2_export.__dict__.setdefault("cache", {})
    if "keras_path" not in cache:
        gan = tiny_stylegan2_export(tmp_path_factory)[0]
        path = str(tmp_path_factory.mktemp("stylegan2_keras") / "gan.keras")
        gan.save(path)
        cache["keras_path"] = path
    return cache["keras_path"]


# SinGAN as small as it gets: a 24x30 crop of skimage's astronaut, three
# scales (16x19, 19x24, 24x30) of width 4 and three blocks (a 7 px
# receptive field).
TINY_SINGAN = dict(
    pyramid="singan",
    min_size=15,
    max_size=30,
    scale_factor=0.6,
    width=4,
    max_width=4,
    num_blocks=3,
    steps_per_scale=2,
    seed=0,
)


def singan_image(shape=(24, 30)):
    """skimage's astronaut resized to `shape`, float32 in [-1, 1]."""
    from skimage import data
    from skimage import transform

    image = transform.resize(data.astronaut(), shape, anti_aliasing=True)
    return (image * 2.0 - 1.0).astype("float32")


def tiny_singan(**overrides):
    """A tiny `keras_gans.SinGAN` on `TINY_SINGAN` with every scale built
    and weights as if trained: not fitted (its exports need no training),
    but with convolutions, BatchNorm statistics and noise amplitudes
    drawn so every scale and the noise change the images."""
    model = keras_gans.SinGAN(
        image=singan_image(), **{**TINY_SINGAN, **overrides}
    )
    for k in range(1, model.num_scales):
        model._set_stage(k)
    rng = np.random.default_rng(0)
    for k in range(model.num_scales):
        for variable in model.generator_at(k).weights:
            path = variable.path
            if path.endswith("kernel"):
                value = rng.normal(0.0, 0.15, variable.shape)
            elif path.endswith(("moving_mean", "bias")):
                value = rng.normal(0.0, 0.1, variable.shape)
            elif path.endswith("moving_variance"):
                value = rng.uniform(0.5, 2.0, variable.shape)
            else:
                continue
            variable.assign(value.astype("float32"))
    amplitudes = np.linspace(1.0, 0.3, model.num_scales).astype("float32")
    model.noise_amplitudes.assign(amplitudes)
    return model


def untrained_singan(**overrides):
    """A tiny `keras_gans.SinGAN` on `TINY_SINGAN` as training starts: at
    scale 0, one update per player and step."""
    image = overrides.pop("image", None)
    settings = {**TINY_SINGAN, "d_steps": 1, "g_steps": 1, **overrides}
    return keras_gans.SinGAN(
        image=singan_image() if image is None else image, **settings
    )


def tiny_singan_export(tmp_path_factory, start_scale=1):
    """`(model, export directory, card)`, made once per process:
    `tiny_singan()` exported by `export_singan` with its refiner at
    `start_scale` (in `refine/`); on JAX and torch one TensorFlow child
    process exports both."""
    cache = tiny_singan_export.__dict__.setdefault("cache", {})
    if "export" not in cache:
        from keras_gans.export import export_singan

        model = tiny_singan()
        directory = str(tmp_path_factory.mktemp("singan_export"))
        card = export_singan(
            model, directory, start_scale=start_scale, dataset="astronaut"
        )
        cache["export"] = (model, directory, card)
    return cache["export"]
