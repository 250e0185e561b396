"""A tiny two-stage GAN on 3-vectors, for the stage tests only.

Stage 0 `"base"` trains a Dense generator `generator` (G0) against a Dense
critic `discriminator` (D) with the `"generator"` and `"discriminator"`
optimizers. Stage 1 `"grow"` adds `refiner` (G1: a residual Dense with
dropout on G0's output), freezes G0, and trains G1 with a new optimizer,
`"generator_1"`, against the same D; it logs one more key,
`refine_norm`. Every initializer and seed is fixed, so two runs of the
same plan are bit-identical; the one batch of data is fixed too
(`fixed_batch`, repeated forever by `batches()`).
"""

import keras
import numpy as np
from keras import ops

from keras_gans import Phase
from keras_gans import Stage
from keras_gans import TwoPlayerModel

LATENT_DIM = 4
DATA_DIM = 3
BATCH_SIZE = 4
STAGE_STEPS = (4, 6)
STEPS_PER_EPOCH = 2
# Epochs are numbered across stages: 0-1 in "base", 2-4 in "grow".
STAGE_EPOCHS = (2, 3)


def _dense(units, name, seed, activation=None):
    return keras.layers.Dense(
        units,
        activation=activation,
        kernel_initializer=keras.initializers.GlorotUniform(seed=seed),
        bias_initializer="zeros",
        name=name,
    )


def make_generator():
    return keras.Sequential(
        [keras.Input((LATENT_DIM,)), _dense(DATA_DIM, "g0_dense", 11)],
        name="g0",
    )


def make_discriminator():
    return keras.Sequential(
        [
            keras.Input((DATA_DIM,)),
            _dense(8, "d_hidden", 12, activation="relu"),
            _dense(1, "d_score", 13),
        ],
        name="critic",
    )


def make_refiner():
    return keras.Sequential(
        [
            keras.Input((DATA_DIM,)),
            keras.layers.Dropout(0.25, seed=14, name="g1_dropout"),
            _dense(DATA_DIM, "g1_dense", 15),
        ],
        name="g1",
    )


def fixed_batch():
    """The one training batch: `(BATCH_SIZE, DATA_DIM)` float32."""
    rng = np.random.default_rng(0)
    batch = rng.standard_normal((BATCH_SIZE, DATA_DIM)) + 2.0
    return batch.astype("float32")


def batches():
    """`(fixed_batch(),)` forever: every step's data, whatever the epoch
    (fit with `shuffle=False`)."""
    batch = fixed_batch()
    while True:
        yield (batch,)


@keras.saving.register_keras_serializable(package="keras_gans_tests")
class StagedGAN(TwoPlayerModel):
    """G0 vs D, then G1 refining frozen G0's output vs D (see module)."""

    network_keys = ("generator", "discriminator")

    def __init__(self, generator=None, discriminator=None, seed=3, **kwargs):
        super().__init__(seed=seed, **kwargs)
        if generator is None:
            generator = make_generator()
        if discriminator is None:
            discriminator = make_discriminator()
        self.generator = generator
        self.discriminator = discriminator
        # Grown by build_stage(1).
        self.refiner = None
        self._create_trackers()
        # Built at once, as AdversarialModel is: enter_stage (and
        # from_config's replay of build_stage) meet a built model.
        self.build((None, LATENT_DIM))

    def stages(self):
        return [Stage("base", STAGE_STEPS[0]), Stage("grow", STAGE_STEPS[1])]

    def build_stage(self, index):
        if index >= 1 and self.refiner is None:
            self.generator.trainable = False
            self.refiner = make_refiner()

    def default_optimizers(self):
        return {
            **super().default_optimizers(),
            "generator_1": keras.optimizers.Adam(1e-3),
        }

    def tracked_metric_names(self):
        names = ("d_loss", "g_loss")
        if self.stage >= 1:
            names += ("refine_norm",)
        return names

    def train_phases(self):
        d_phase = Phase(
            "discriminator",
            (self.discriminator,),
            "discriminator",
            self.discriminator_loss,
        )
        if self.stage == 0:
            g_phase = Phase(
                "generator",
                (self.generator,),
                "generator",
                self.generator_loss,
            )
        else:
            g_phase = Phase(
                "generator_1",
                (self.refiner,),
                "generator_1",
                self.generator_loss,
            )
        return [d_phase, g_phase]

    def unpack_batch(self, data):
        if isinstance(data, (tuple, list)):
            data = data[0]
        return (ops.convert_to_tensor(data, dtype="float32"),)

    def call(self, z, training=False):
        fakes = self.generator(z, training=training)
        if self.refiner is not None:
            fakes = fakes + self.refiner(fakes, training=training)
        return fakes

    def fakes(self, batch_size):
        z = keras.random.normal(
            (batch_size, LATENT_DIM), seed=self.seed_generator
        )
        base = self.generator(z, training=True)
        if self.refiner is None:
            return base, None
        delta = self.refiner(base, training=True)
        return base + delta, delta

    def discriminator_loss(self, real):
        fakes, _ = self.fakes(ops.shape(real)[0])
        loss = self.gan_loss.discriminator_loss(
            self.discriminator(real, training=True),
            self.discriminator(ops.stop_gradient(fakes), training=True),
        )
        self.d_loss_tracker.update_state(loss)
        return loss

    def generator_loss(self, real):
        fakes, delta = self.fakes(ops.shape(real)[0])
        loss = self.gan_loss.generator_loss(
            self.discriminator(fakes, training=True)
        )
        self.g_loss_tracker.update_state(loss)
        if delta is not None:
            self.refine_norm_tracker.update_state(ops.mean(ops.abs(delta)))
        return loss


def build_compiled(cls=None):
    """A fresh `cls` (default `StagedGAN`) compiled as every stage test does.

    `d_optimizer` (a shortcut) and `optimizers=` together: the
    discriminator's Adam(1e-3), the generator's default (Adam(2e-4,
    beta_1=0.5)) and stage 1's `"generator_1"`, Adam(2e-3), which
    `enter_stage(1)` adds.
    """
    model = (cls or StagedGAN)()
    model.compile(
        d_optimizer=keras.optimizers.Adam(1e-3),
        optimizers={"generator_1": keras.optimizers.Adam(2e-3)},
    )
    return model


NETWORKS = ("generator", "discriminator", "refiner")


def state_of(model):
    """Everything a resumed run must match, as `{key: np.ndarray}`.

    The weights of each network (by attribute and position: a loaded
    model's variable paths differ from the original's), the model's own
    variables (step counters), the variables of the optimizers the current
    stage trains with (by member name and position), and the seed
    generator states (by `seed_generator_paths`).
    """
    from keras_gans.training.state_paths import seed_generator_paths

    state = {}
    for name in NETWORKS:
        network = getattr(model, name)
        if network is not None:
            for i, variable in enumerate(network.weights):
                state[f"{name}:{i}"] = variable
    state["step_counter"] = model.step_counter
    state["stage_step"] = model.stage_step
    for name in model.optimizer_names():
        for i, variable in enumerate(model.optimizer[name].variables):
            state[f"optimizer:{name}:{i}"] = variable
    for path, generator in seed_generator_paths(model).items():
        state[f"seed:{path}"] = generator.state
    return {
        key: np.array(ops.convert_to_numpy(value))
        for key, value in state.items()
    }


@keras.saving.register_keras_serializable(package="keras_gans_tests")
class AutoNamedStagedGAN(StagedGAN):
    """`StagedGAN` whose grown network and its layers keep Keras' automatic
    names (`sequential_7`, `dropout_3`: they depend on what the process
    built before), as a user's `build_stage` would write it."""

    def build_stage(self, index):
        if index >= 1 and self.refiner is None:
            self.generator.trainable = False
            self.refiner = keras.Sequential(
                [
                    keras.Input((DATA_DIM,)),
                    keras.layers.Dropout(0.25, seed=14),
                    keras.layers.Dense(DATA_DIM),
                ]
            )


@keras.saving.register_keras_serializable(package="keras_gans_tests")
class TwinRefinerGAN(StagedGAN):
    """`StagedGAN` whose stage 1 grows two refiners of the same shapes,
    each with an optimizer of its own (`"generator_1"`, `"generator_2"`):
    two members with the same number and shapes of slots."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.refiner_2 = None

    def build_stage(self, index):
        super().build_stage(index)
        if index >= 1 and self.refiner_2 is None:
            self.refiner_2 = keras.Sequential(
                [keras.Input((DATA_DIM,)), _dense(DATA_DIM, "g2_dense", 16)],
                name="g2",
            )

    def default_optimizers(self):
        return {
            **super().default_optimizers(),
            "generator_2": keras.optimizers.Adam(1e-3),
        }

    def train_phases(self):
        phases = super().train_phases()
        if self.stage == 0:
            return phases
        return phases + [
            Phase(
                "generator_2",
                (self.refiner_2,),
                "generator_2",
                lambda real: ops.mean(ops.square(self.refiner_2(real))),
            )
        ]
