"""The registry of tiny configs that tests/models/test_contract.py checks.

Every trainable model kind registers here once: the contract (fit moves
every weight and counts iterations, save/reload resumes exactly, the export
reproduces the model) is then checked for it on every backend, with no
per-variant copy of the checks. A new system adds one `register` call.
"""

import dataclasses

import keras
import numpy as np

import keras_gans
from tests import helpers


@dataclasses.dataclass(frozen=True)
class TinyConfig:
    """How to build one tiny, compiled model and what its contract allows.

    Attributes:
        build: returns the compiled model.
        d_steps: discriminator updates per generator update.
        may_stay: path suffixes of variables whose gradient is exactly zero
            by construction (they may keep their values through `fit`), or
            a function of the model that returns them.
        export: `"every_backend"` (the representative of its artifact
            kind), `"tensorflow"` (variant export checked on TensorFlow
            only: elsewhere each export spawns a TensorFlow child), or
            `None` (exported by the kind's own tests in tests/export/).
    """

    build: object
    d_steps: int = 1
    may_stay: tuple = ()
    export: object = "tensorflow"


REGISTRY = {}


def register(name, config):
    if name in REGISTRY:
        raise ValueError(f"{name!r} is registered twice")
    REGISTRY[name] = config


def may_stay(config, model):
    """The config's `may_stay` suffixes for this built model."""
    if callable(config.may_stay):
        return tuple(config.may_stay(model))
    return tuple(config.may_stay)


def _compiled(model, **compile_kwargs):
    model.compile(**compile_kwargs)
    return model


def _one_wide_vectors(model):
    """The power-iteration vector of a 1-wide layer (the score, 1-channel
    attention projections of tiny nets) is the constant +-1."""
    return tuple(
        v.path
        for v in model.generator.weights + model.discriminator.weights
        if v.path.endswith("vector_u") and int(np.prod(v.shape)) == 1
    )


def _critic(cls, **compile_kwargs):
    # n_critic kept small for speed; EMA so that resume covers it too.
    model = helpers.tiny_dcgan(cls, d_steps=2, ema_decay=0.9)
    return _compiled(model, **compile_kwargs)


# d/d(bias) of mean(fake) - mean(real) is 1 - 1 = 0 (and so is the hinge
# loss's while all scores are inside the margin).
SCORE_BIAS = ("score/bias",)

register(
    "GAN",
    TinyConfig(
        # RGB and RMSprop: the other configs are gray and mostly Adam.
        lambda: _compiled(
            helpers.tiny_gan(image_shape=(8, 8, 3)), d_optimizer="rmsprop"
        )
    ),
)
register(
    "DCGAN",
    TinyConfig(
        lambda: _compiled(helpers.tiny_dcgan()), export="every_backend"
    ),
)
register(
    "WGAN",
    TinyConfig(
        # A freshly clipped critic passes G gradients of ~1e-8, which
        # RMSprop(5e-5) turns into steps below allclose's tolerance.
        lambda: _critic(
            keras_gans.WGAN,
            d_optimizer=keras.optimizers.RMSprop(1e-3),
            g_optimizer=keras.optimizers.RMSprop(1e-3),
        ),
        d_steps=2,
        may_stay=SCORE_BIAS,
    ),
)
register(
    "WGANGP",
    TinyConfig(lambda: _critic(keras_gans.WGANGP), d_steps=2,
               may_stay=SCORE_BIAS),
)
register(
    "LSGAN",
    TinyConfig(
        lambda: _compiled(helpers.tiny_dcgan(keras_gans.LSGAN, ema_decay=0.9))
    ),
)
def _hinge_and_one_wide(model):
    return SCORE_BIAS + _one_wide_vectors(model)


for _name in ("SNGAN", "SAGAN"):
    _cls = getattr(keras_gans, _name)
    register(
        _name,
        TinyConfig(
            lambda _cls=_cls: _compiled(
                helpers.tiny_dcgan(_cls, ema_decay=0.9)
            ),
            may_stay=_hinge_and_one_wide,
        ),
    )

# The conditional configs (tests/models/test_conditional.py uses them too).
CONDITIONAL = {
    "cgan": (keras_gans.CGAN, {}),
    # The options together: projection D, conditional BatchNorm in G,
    # one-hot codes and uniform fake labels.
    "cgan_projection": (
        keras_gans.CGAN,
        dict(
            d_conditioning="projection",
            g_conditional_batchnorm=True,
            label_encoding="one_hot",
            fake_labels="uniform",
        ),
    ),
    "acgan": (keras_gans.ACGAN, {}),
}
# The registry adds an EMA generator (and conditional BatchNorm to ACGAN's
# G) so that resume and export cover them with labels too.
for _name, _extra in (
    ("CGAN", {}),
    ("CGAN-projection", dict(ema_decay=0.9)),
    ("ACGAN", dict(g_conditional_batchnorm=True, ema_decay=0.9)),
):
    _cls, _options = CONDITIONAL[_name.lower().replace("-", "_")]
    register(
        _name,
        TinyConfig(
            lambda _cls=_cls, _options={**_options, **_extra}: _compiled(
                helpers.tiny_conditional(_cls, **_options)
            ),
            # A frozen one-hot table is a constant by design.
            may_stay=("label_code/embeddings",),
            # The conditional artifact (two-input signature) exports on
            # every backend in tests/export/test_conditional_export.py.
            export="tensorflow",
        ),
    )

for _cls in (keras_gans.Pix2Pix, keras_gans.CycleGAN, keras_gans.DiscoGAN):
    register(
        _cls.__name__,
        TinyConfig(
            lambda _cls=_cls: _compiled(helpers.tiny_translator(_cls)),
            # Translator export (every direction, both file formats) is
            # tests/export/test_translator_export.py, on every backend.
            export=None,
        ),
    )

register(
    "SRGAN",
    TinyConfig(
        # The game from the first step (the contract's two optimizers);
        # the pre-training stage and the boundary are tests/models/
        # test_srgan.py. The upscaler artifact is tests/export/.
        lambda: _compiled(helpers.tiny_srgan(pretrain_steps=0)),
        export=None,
    ),
)

register(
    "StyleGAN2",
    TinyConfig(
        # Everything a resume must carry: the EMA generator (StyleGAN2-ADA's
        # ramped half-life), w_avg, path length's running mean, R1, style
        # mixing and the adaptive augmentation probability. The penalties
        # run every step here: the contract counts one optimizer update
        # per player and step, which lazy phases add to (the lazy
        # intervals are tests/models/test_stylegan2.py's).
        lambda: _compiled(
            helpers.tiny_stylegan2(
                pl_interval=1,
                r1_interval=1,
                style_mixing=0.9,
                augment=keras_gans.layers.DiffAugment(
                    policy="translation", probability=0.0, target=0.6
                ),
            )
        ),
        # The fixed inference noise maps are constants by design.
        may_stay=("noise/noise",),
        # The StyleGAN2 artifact is tests/export/test_stylegan2_export.py.
        export=None,
    ),
)

register(
    "SinGAN",
    TinyConfig(
        # Scale 0 of the pyramid (the later scales, the frozen ones below
        # and resuming across scales are tests/models/test_singan.py's).
        lambda: _compiled(helpers.untrained_singan()),
        # The score layer's bias cancels between real and fake (WGAN).
        may_stay=("scores/bias",),
        # The sampler artifact is tests/export/test_singan_export.py.
        export=None,
    ),
)
