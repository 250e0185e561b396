"""A GAN trained in two stages, for the recipe runner's staged path.

Stage 0 `"warmup"` trains the discriminator alone; stage 1 `"game"` plays
the usual game. The generator's optimizer therefore counts the game's
steps only, which tells a run through `fit_stages` (and a resume inside
the right stage) from a plain `fit`.
"""

import keras

import keras_gans
from keras_gans import Stage


@keras.saving.register_keras_serializable(package="keras_gans_tests")
class WarmupGAN(keras_gans.GAN):
    """An MLP GAN whose first `warmup_steps` steps train D only (see module).

    Args:
        warmup_steps: steps of the D-only stage.
        game_steps: steps of the adversarial stage.
        **kwargs: `keras_gans.GAN` arguments.
    """

    def __init__(self, warmup_steps=7, game_steps=14, **kwargs):
        super().__init__(**kwargs)
        self.warmup_steps = warmup_steps
        self.game_steps = game_steps

    def stages(self):
        return [
            Stage("warmup", self.warmup_steps),
            Stage("game", self.game_steps),
        ]

    def train_phases(self):
        phases = super().train_phases()
        if self.stage == 0:
            return [p for p in phases if p.optimizer == "discriminator"]
        return phases

    @classmethod
    def from_config(cls, config):
        # GAN's from_config builds the model at stage 0; a checkpoint
        # saved inside "game" needs that stage entered before its weights
        # load (which then restore the steps done in it).
        config = dict(config)
        stage = config.pop("stage", 0)
        model = cls(**config)
        for index in range(1, stage + 1):
            model.enter_stage(index)
        return model

    def get_config(self):
        return {
            **super().get_config(),
            "warmup_steps": self.warmup_steps,
            "game_steps": self.game_steps,
        }


def build_model(args):
    """The recipe's `build_model`: a compiled `WarmupGAN` for the flags."""
    # An MLP GAN: of the tiny models, the quickest to compile on JAX.
    gan = WarmupGAN(
        image_shape=args.image_shape,
        latent_dim=args.latent_dim,
        g_units=(16, 32),
        d_units=(32, 16),
        seed=args.seed,
    )
    gan.compile(
        d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
    )
    return gan
