"""The base of every model trained by `fit()` as a two-player game."""

import keras
from keras import ops

from keras_gans import losses as gan_losses
from keras_gans.training.drivers import get_driver
from keras_gans.training.optimizer_group import OptimizerGroup
from keras_gans.training.precision import configure_loss_scaling
from keras_gans.utils.validation import format_received


def default_optimizer():
    """Adam(2e-4, beta_1=0.5): the DCGAN paper's setting."""
    return keras.optimizers.Adam(learning_rate=2e-4, beta_1=0.5)


def resolve_optimizer(value, name, default):
    """`default` for `"auto"`/`None`, else a Keras optimizer from `value`."""
    if value is None or (isinstance(value, str) and value == "auto"):
        return default
    if isinstance(value, (str, dict)):
        return keras.optimizers.get(value)
    if isinstance(value, keras.optimizers.Optimizer):
        return value
    raise ValueError(
        f"`{name}` must be 'auto', an optimizer name or a "
        "keras.optimizers.Optimizer. " + format_received(**{name: value})
    )


# Keyword arguments of `keras.Model.compile` kept in the compile config.
_PASSED_COMPILE_ARGS = ("jit_compile", "steps_per_execution", "run_eagerly")


class TwoPlayerModel(keras.Model):
    """A `keras.Model` trained by `fit()` as a discriminator/generator game.

    The players are sides, not single networks: the discriminator side
    (one critic for a GAN, both domain discriminators of a CycleGAN) and
    the generator side (one generator, or both translation directions)
    each have one optimizer, `d_optimizer` and `g_optimizer`, held by an
    `OptimizerGroup` as `model.optimizer` so every slot travels in JAX's
    training state and in saved `.keras` files.

    `train_step` hands the model to the active backend's gradient driver,
    which runs the `Phase`s of `train_phases()` in order: each phase's loss
    (written once with `keras.ops`) is differentiated with respect to its
    own networks and applied with its own optimizer; then
    `after_train_step()` runs (EMA, counters).

    Subclasses implement `train_phases()`, `tracked_metric_names()` (one
    `keras.metrics.Mean` tracker per logged key, created by
    `_create_trackers()`), `unpack_batch(data)` (returning the two
    arguments every phase loss takes) and `call()`.

    Args:
        seed: seed of the model's `SeedGenerator` (`self.seed_generator`),
            the source of all training randomness the model draws itself.
        **kwargs: passed to `keras.Model` (e.g. `name`).
    """

    default_loss = "non_saturating"
    # Constructor arguments holding networks: serialized by `get_config()`
    # and rebuilt by `from_config()`.
    network_keys = ()

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.gan_loss = gan_losses.get(self.default_loss)
        self._driver = get_driver()

    # ------------------------------------------------------- for subclasses

    def train_phases(self):
        """The gradient phases of one `train_step`, in order."""
        raise NotImplementedError

    def tracked_metric_names(self):
        """Names of the `Mean` trackers; each is a logged key."""
        raise NotImplementedError

    def unpack_batch(self, data):
        """Splits a batch from `fit()` into the two loss arguments."""
        raise NotImplementedError

    def after_train_step(self):
        """Post-update hook; assign Keras variables only (no return)."""

    def default_optimizers(self):
        """The optimizers `compile("auto", "auto")` uses (a fresh dict)."""
        return {
            "discriminator": default_optimizer(),
            "generator": default_optimizer(),
        }

    def extra_optimizers(self, compile_kwargs):
        """Optimizers beyond D and G that subclasses add (name -> optimizer)."""
        return {}

    # ------------------------------------------------------------------ API

    @property
    def d_optimizer(self):
        """The discriminator side's optimizer (set by `compile()`)."""
        return self._member_optimizer("discriminator")

    @property
    def g_optimizer(self):
        """The generator side's optimizer (set by `compile()`)."""
        return self._member_optimizer("generator")

    @property
    def metrics(self):
        # Only the game's trackers: Keras' compiled-loss tracker would log a
        # meaningless `loss: 0`.
        return [
            getattr(self, f"{key}_tracker")
            for key in self.tracked_metric_names()
        ]

    def build(self, input_shape=None):
        self.built = True

    def compile(
        self,
        d_optimizer="auto",
        g_optimizer="auto",
        loss="auto",
        **kwargs,
    ):
        """Configures both optimizers and the adversarial loss.

        Args:
            d_optimizer: discriminator-side optimizer; `"auto"` is the
                model's default (`default_optimizers()`; Adam(2e-4,
                beta_1=0.5) unless a model says otherwise).
            g_optimizer: generator-side optimizer; `"auto"` likewise.
            loss: a `keras_gans.losses.GANLoss`, a registered name (see
                `keras_gans.losses.available()`), or `"auto"` for the
                model's `default_loss`.
            **kwargs: passed to `keras.Model.compile` (`jit_compile`,
                `steps_per_execution`, `run_eagerly`, ...). `optimizer`,
                `metrics` and a Keras `loss` are not accepted. Under a
                float16 policy (`mixed_float16`) each optimizer gets its own
                `LossScaleOptimizer` unless `auto_scale_loss=False`.

        Raises:
            ValueError: for `optimizer=` or `metrics=`, or an optimizer or
                loss that cannot be resolved.
        """
        for forbidden in ("optimizer", "metrics"):
            if forbidden in kwargs:
                raise ValueError(
                    f"{type(self).__name__}.compile() takes `d_optimizer` and "
                    f"`g_optimizer`, not `{forbidden}`. "
                    + format_received(**{forbidden: kwargs[forbidden]})
                )
        defaults = self.default_optimizers()
        members = {
            "discriminator": resolve_optimizer(
                d_optimizer, "d_optimizer", defaults["discriminator"]
            ),
            "generator": resolve_optimizer(
                g_optimizer, "g_optimizer", defaults["generator"]
            ),
        }
        members.update(self.extra_optimizers(kwargs))
        auto = loss is None or isinstance(loss, str) and loss == "auto"
        self.gan_loss = gan_losses.get(self.default_loss if auto else loss)
        group = OptimizerGroup(members, primary="generator")
        scale = kwargs.pop("auto_scale_loss", True)
        kwargs.update(configure_loss_scaling(self, group, scale))
        super().compile(optimizer=group, **kwargs)
        # Slots exist before the first step, so a saved model restores
        # optimizer state and JAX's state carries every slot.
        for phase in self.train_phases():
            group.build_member(phase.optimizer, phase.trainable_variables)
        self._gan_compile_config = {
            "d_optimizer": keras.saving.serialize_keras_object(
                members["discriminator"]
            ),
            "g_optimizer": keras.saving.serialize_keras_object(
                members["generator"]
            ),
            "loss": keras.saving.serialize_keras_object(self.gan_loss),
            **{
                key: value
                for key, value in kwargs.items()
                if key in _PASSED_COMPILE_ARGS
            },
        }
        if not scale:
            # `kwargs` always says False to Keras (see configure_loss_scaling);
            # only the user's choice is worth saving.
            self._gan_compile_config["auto_scale_loss"] = False

    def get_compile_config(self):
        return getattr(self, "_gan_compile_config", None)

    def compile_from_config(self, config):
        config = dict(config)
        for key in ("d_optimizer", "g_optimizer", "loss"):
            if key in config:
                config[key] = keras.saving.deserialize_keras_object(config[key])
        self.compile(**config)

    def _check_compiled(self):
        if getattr(self, "optimizer", None) is None:
            raise RuntimeError(
                f"Call `{type(self).__name__}.compile()` before `fit()`."
            )

    # ------------------------------------------------------------ plumbing

    def train_step(self, *args):
        return self._driver.train_step(self, *args)

    def _create_trackers(self):
        for key in self.tracked_metric_names():
            setattr(self, f"{key}_tracker", keras.metrics.Mean(name=key))

    def _member_optimizer(self, key):
        group = getattr(self, "optimizer", None)
        if group is None:
            raise AttributeError(
                f"`{key}` optimizer is set by `compile()`; call it first."
            )
        return group[key]

    def _all_seed_generators(self):
        generators = []
        for layer in self._flatten_layers(include_self=True):
            generators.extend(getattr(layer, "_seed_generators", []))
        return generators

    def save_own_variables(self, store):
        # Keras does not save SeedGenerator states; without them a resumed
        # run would replay the noise (latents, dropout masks, image-pool
        # draws) of step 0.
        super().save_own_variables(store)
        for i, generator in enumerate(self._all_seed_generators()):
            store[f"seed_state_{i}"] = ops.convert_to_numpy(generator.state)

    def load_own_variables(self, store):
        seed_keys = [k for k in store.keys() if k.startswith("seed_state_")]
        super().load_own_variables(
            {k: store[k] for k in store.keys() if k not in seed_keys}
        )
        for i, generator in enumerate(self._all_seed_generators()):
            key = f"seed_state_{i}"
            if key in seed_keys:
                generator.state.assign(store[key])

    def get_config(self):
        config = super().get_config()
        config["seed"] = self.seed
        for key in self.network_keys:
            config[key] = keras.saving.serialize_keras_object(
                getattr(self, key)
            )
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in cls.network_keys:
            if isinstance(config.get(key), dict):
                config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)
