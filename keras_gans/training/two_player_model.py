"""The base of every model trained by `fit()` as an adversarial game."""

import types

import keras
from keras import ops

from keras_gans import losses as gan_losses
from keras_gans.training.drivers import get_driver
from keras_gans.training.fit_guard import FitGuard
from keras_gans.training.optimizer_group import OptimizerGroup
from keras_gans.training.phase import Forward
from keras_gans.training.phase import Phase
from keras_gans.training.precision import configure_loss_scaling
from keras_gans.training.stage import Stage
from keras_gans.training.state_paths import seed_generator_paths
from keras_gans.training.step_loop import run_train_step
from keras_gans.utils.validation import check_positive_int
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


def _is_auto(value):
    return value is None or (isinstance(value, str) and value == "auto")


# Keyword arguments of `keras.Model.compile` kept in the compile config.
_PASSED_COMPILE_ARGS = ("jit_compile", "steps_per_execution", "run_eagerly")
# Where `callbacks` is among `keras.Model.fit`'s positional arguments
# (x, y, batch_size, epochs, verbose, callbacks).
_CALLBACKS_POSITION = 5
# The shortcut arguments of `compile()` and the optimizers they name.
_SHORTCUTS = {"d_optimizer": "discriminator", "g_optimizer": "generator"}


class TwoPlayerModel(keras.Model):
    """A `keras.Model` trained by `fit()` as a game between networks.

    The players are sides, not single networks: the discriminator side
    (one critic for a GAN, both domain discriminators of a CycleGAN) and
    the generator side (one generator, or both translation directions).
    Each `Phase` of `train_phases()` names its optimizer; `compile()`
    creates one per name (`"discriminator"`, `"generator"`, and any other
    a model uses), held by an `OptimizerGroup` as `model.optimizer` so
    every slot travels in JAX's training state and in saved `.keras`
    files.

    `train_step` runs `keras_gans.training.step_loop.run_train_step`, the
    one backend-neutral step: `Forward` passes shared by later phases, then
    each phase's loss (written once with `keras.ops`) differentiated with
    respect to its own networks and applied with its own optimizer; then
    `after_train_step()` (EMA, counters). The backend's driver only takes
    gradients and applies updates.

    Training may be split in `stages()` (see `Stage` and `fit_stages()`);
    a model has one open-ended stage unless it says otherwise.

    Subclasses implement `train_phases()`, `tracked_metric_names()` (one
    `keras.metrics.Mean` tracker per logged key, created by
    `_create_trackers()`), `unpack_batch(data)` (returning the arguments
    every phase loss takes) and `call()`.

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
        self._stage_index = 0
        self._step_context = None
        # Training progress, saved with the model: lazy phases count steps,
        # and `fit_stages` resumes inside the right stage.
        self.step_counter = keras.Variable(
            0, dtype="int32", trainable=False, name="step"
        )
        self.stage_step = keras.Variable(
            0, dtype="int32", trainable=False, name="stage_step"
        )

    # ------------------------------------------------------- for subclasses

    def train_phases(self):
        """The plan of one `train_step`: `Phase`s and `Forward`s, in order."""
        raise NotImplementedError

    def tracked_metric_names(self):
        """Names of the `Mean` trackers; each is a logged key."""
        raise NotImplementedError

    def unpack_batch(self, data):
        """Splits a batch from `fit()` into the phase losses' arguments."""
        raise NotImplementedError

    def after_train_step(self):
        """Post-update hook; assign Keras variables only (no return)."""

    def default_optimizers(self):
        """The optimizers `compile()` uses for `"auto"` (a fresh dict)."""
        return {
            "discriminator": default_optimizer(),
            "generator": default_optimizer(),
        }

    def stages(self):
        """The training plan: a list of `Stage`s (one open-ended by default)."""
        return [Stage("train")]

    def build_stage(self, index):
        """Prepares stage `index` (grow or freeze networks); default: nothing.

        Called by `enter_stage()` when training moves on, and by
        `from_config()` for every stage up to the saved one, so a loaded
        model has the networks its weights belong to.
        """

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
    def stage(self):
        """Index of the current stage in `stages()`."""
        return self._stage_index

    @property
    def stage_name(self):
        """Name of the current stage."""
        return self.stages()[self._stage_index].name

    @property
    def metrics(self):
        # Only the game's trackers: Keras' compiled-loss tracker would log a
        # meaningless `loss: 0`.
        return [
            getattr(self, f"{key}_tracker")
            for key in self.tracked_metric_names()
        ]

    def shared(self, name, *batch):
        """The outputs of this step's `Forward` named `name` (in losses).

        Outside a training step (a loss called on its own, e.g. to check
        it by hand) the `Forward` is computed from `batch`, the loss's own
        arguments.

        Raises:
            KeyError: if the plan has no `Forward` named `name`.
        """
        if self._step_context is not None:
            return self._step_context[name]
        for item in self.train_phases():
            if isinstance(item, Forward) and item.name == name:
                return item.fn(*batch)
        raise KeyError(
            f"{type(self).__name__}.train_phases() has no Forward named "
            f"{name!r}. " + format_received(name=name)
        )

    def build(self, input_shape=None):
        self.built = True

    def optimizer_names(self):
        """Names of the optimizers the current stage's phases use, in order."""
        names = []
        for item in self.train_phases():
            if isinstance(item, Phase) and item.optimizer not in names:
                names.append(item.optimizer)
        return names

    def compile(
        self,
        d_optimizer="auto",
        g_optimizer="auto",
        loss="auto",
        optimizers=None,
        **kwargs,
    ):
        """Configures the optimizers and the adversarial loss.

        Args:
            d_optimizer: discriminator-side optimizer, a shortcut for
                `optimizers={"discriminator": ...}`; `"auto"` is the model's
                default (`default_optimizers()`; Adam(2e-4, beta_1=0.5)
                unless a model says otherwise).
            g_optimizer: generator-side optimizer (`"generator"`), likewise.
            loss: a `keras_gans.losses.GANLoss`, a registered name (see
                `keras_gans.losses.available()`), or `"auto"` for the
                model's `default_loss`.
            optimizers: dict of optimizer name to optimizer (or `"auto"`,
                a name or a config), for models whose phases use more than
                two (`optimizer_names()`), or optimizers of later stages.
                Names not given use `default_optimizers()`.
            **kwargs: passed to `keras.Model.compile` (`jit_compile`,
                `steps_per_execution`, `run_eagerly`, ...). `optimizer`,
                `metrics` and a Keras `loss` are not accepted. Under a
                float16 policy (`mixed_float16`) each optimizer gets its own
                `LossScaleOptimizer` unless `auto_scale_loss=False`.

        Raises:
            ValueError: for `optimizer=` or `metrics=`, an optimizer given
                twice, a phase's optimizer with no default, or an optimizer
                or loss that cannot be resolved.
        """
        for forbidden in ("optimizer", "metrics"):
            if forbidden in kwargs:
                raise ValueError(
                    f"{type(self).__name__}.compile() takes `d_optimizer`, "
                    f"`g_optimizer` or `optimizers`, not `{forbidden}`. "
                    + format_received(**{forbidden: kwargs[forbidden]})
                )
        given = self._given_optimizers(d_optimizer, g_optimizer, optimizers)
        members = {}
        # The two sides first, in the order files written before named
        # optimizers store their slots; then the model's other names.
        names = [n for n in _SHORTCUTS.values() if n in self.optimizer_names()]
        for name in names + self.optimizer_names() + list(given):
            if name not in members:
                members[name] = self._resolve_member(name, given)
        auto = _is_auto(loss)
        self.gan_loss = gan_losses.get(self.default_loss if auto else loss)
        group = OptimizerGroup(
            members, primary="generator" if "generator" in members else None
        )
        scale = kwargs.pop("auto_scale_loss", True)
        kwargs.update(configure_loss_scaling(self, group, scale))
        self._auto_scale_loss = scale
        super().compile(optimizer=group, **kwargs)
        self._build_optimizers()
        self._gan_compile_config = {
            "optimizers": {
                name: keras.saving.serialize_keras_object(optimizer)
                for name, optimizer in members.items()
            },
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
        config = getattr(self, "_gan_compile_config", None)
        if config is None:
            return None
        # Optimizers a later stage added are saved too.
        config = dict(config)
        config["optimizers"] = {
            **config["optimizers"],
            **{
                name: keras.saving.serialize_keras_object(optimizer)
                for name, optimizer in self._unwrapped_members().items()
                if name not in config["optimizers"]
            },
        }
        return config

    def compile_from_config(self, config):
        config = dict(config)
        # Files written before `optimizers=` existed name the two shortcuts.
        for key in ("d_optimizer", "g_optimizer", "loss"):
            if key in config:
                config[key] = keras.saving.deserialize_keras_object(config[key])
        if "optimizers" in config:
            config["optimizers"] = {
                name: keras.saving.deserialize_keras_object(value)
                for name, value in config["optimizers"].items()
            }
        self.compile(**config)

    def enter_stage(self, index):
        """Moves training to stage `index` of `stages()`.

        Calls `build_stage(index)`, resets the stage's step count, creates
        the trackers of the stage's logged keys and, on a compiled model,
        the optimizers of its phases (from `compile(optimizers=...)` or
        `default_optimizers()`); the next `fit()` traces a new step.

        Raises:
            ValueError: for an index outside `stages()`.
        """
        self._set_stage(index)
        self.stage_step.assign(0)
        if getattr(self, "optimizer", None) is not None:
            group = self.optimizer
            given = getattr(self, "_stage_optimizers", {})
            for name in self.optimizer_names():
                if name not in group.members:
                    group.add_member(name, self._resolve_member(name, given))
            configure_loss_scaling(self, group, self._auto_scale_loss)
            self._build_optimizers()
        # A new plan, new networks and new trackers: trace a new step.
        self.train_function = None

    def fit(self, *args, **kwargs):
        """`keras.Model.fit`, after which the model is whole even if it raised.

        Whatever raises inside (the data pipeline, a callback, the step,
        Ctrl-C), the model is left usable and saveable with the values of
        its last completed step, or its values before `fit()`, and the
        error is re-raised unchanged: see `FitGuard` for how, and its
        limits.
        """
        guard = FitGuard(self)
        if len(args) > _CALLBACKS_POSITION:
            args = list(args)
            args[_CALLBACKS_POSITION] = guard.with_callbacks(
                args[_CALLBACKS_POSITION]
            )
        else:
            kwargs["callbacks"] = guard.with_callbacks(kwargs.get("callbacks"))
        with guard:
            return super().fit(*args, **kwargs)

    def fit_stages(self, x=None, steps_per_epoch=None, callbacks=None, **kwargs):
        """Trains through every remaining stage of `stages()` with `fit()`.

        Each stage runs `steps // steps_per_epoch` epochs. Epochs are
        numbered across stages, so epoch-keyed callbacks (checkpoints,
        sample grids) see one run. A model loaded from a checkpoint
        continues inside the stage it was saved in, after the steps it had
        done there.

        Args:
            x: the training data, a dataset that yields enough batches
                (e.g. repeated).
            steps_per_epoch: steps per epoch; must divide every stage's
                `steps`.
            callbacks: as for `fit()`.
            **kwargs: other `fit()` arguments (not `epochs` or
                `initial_epoch`).

        Returns:
            The `History` of the last `fit()` call.

        Raises:
            ValueError: for stages without a step count, or a
                `steps_per_epoch` that does not divide them.
        """
        steps_per_epoch = check_positive_int("steps_per_epoch", steps_per_epoch)
        stages = self.stages()
        for stage in stages:
            if stage.steps is None or stage.steps % steps_per_epoch:
                raise ValueError(
                    "fit_stages() needs every stage's `steps` to be a "
                    f"multiple of steps_per_epoch={steps_per_epoch}. "
                    + format_received(**{f"stage_{stage.name}": stage.steps})
                )
        first_epoch = [0]
        for stage in stages:
            first_epoch.append(first_epoch[-1] + stage.steps // steps_per_epoch)
        history = None
        while True:
            index = self.stage
            done = int(ops.convert_to_numpy(self.stage_step)) // steps_per_epoch
            if first_epoch[index] + done < first_epoch[index + 1]:
                history = self.fit(
                    x,
                    epochs=first_epoch[index + 1],
                    initial_epoch=first_epoch[index] + done,
                    steps_per_epoch=steps_per_epoch,
                    callbacks=callbacks,
                    **kwargs,
                )
            if self.stop_training or index + 1 == len(stages):
                return history
            self.enter_stage(index + 1)

    def _check_compiled(self):
        if getattr(self, "optimizer", None) is None:
            raise RuntimeError(
                f"Call `{type(self).__name__}.compile()` before `fit()`."
            )

    # ------------------------------------------------------------ plumbing

    def train_step(self, *args):
        return run_train_step(self, self._driver.StepSession(self, *args))

    def _begin_step(self, context):
        # Not a tracked attribute: a plain object set during tracing.
        object.__setattr__(self, "_step_context", context)

    def _end_step(self):
        object.__setattr__(self, "_step_context", None)

    def _count_step(self):
        self.step_counter.assign(self.step_counter + 1)
        self.stage_step.assign(self.stage_step + 1)

    def _given_optimizers(self, d_optimizer, g_optimizer, optimizers):
        if optimizers is not None and not isinstance(optimizers, dict):
            raise ValueError(
                "`optimizers` must be a dict of optimizer name to optimizer, "
                f"e.g. {{'generator': 'adam'}}; this model's phases use "
                f"{self.optimizer_names()}. "
                + format_received(optimizers=optimizers)
            )
        given = dict(optimizers or {})
        for argument, value in (
            ("d_optimizer", d_optimizer),
            ("g_optimizer", g_optimizer),
        ):
            name = _SHORTCUTS[argument]
            if _is_auto(value):
                continue
            if name in given:
                raise ValueError(
                    f"The {name!r} optimizer is given twice, as `{argument}` "
                    "and in `optimizers`; pass one. "
                    + format_received(**{argument: value})
                )
            given[name] = value
        # Kept for the optimizers of later stages (`enter_stage`); read-only
        # and not a dict, which Keras' saver would walk and save.
        self._stage_optimizers = types.MappingProxyType(given)
        return given

    def _resolve_member(self, name, given):
        default = self.default_optimizers().get(name)
        optimizer = resolve_optimizer(
            given.get(name, "auto"), f"optimizers[{name!r}]", default
        )
        if optimizer is None:
            raise ValueError(
                f"The phase optimizer {name!r} of {type(self).__name__} has "
                f"no default: pass compile(optimizers={{{name!r}: ...}}). "
                + format_received(optimizers=sorted(given))
            )
        return optimizer

    def _build_optimizers(self):
        # Slots exist before the first step, so a saved model restores
        # optimizer state and JAX's state carries every slot.
        for item in self.train_phases():
            if isinstance(item, Phase):
                self.optimizer.build_member(
                    item.optimizer, item.trainable_variables
                )

    def _unwrapped_members(self):
        group = getattr(self, "optimizer", None)
        if group is None:
            return {}
        return {
            name: getattr(optimizer, "inner_optimizer", optimizer)
            for name, optimizer in group.members.items()
        }

    def _set_stage(self, index):
        count = len(self.stages())
        if isinstance(index, bool) or not isinstance(index, int) or not (
            0 <= index < count
        ):
            raise ValueError(
                f"`stage` must be an index into {type(self).__name__}."
                f"stages(), in [0, {count}). " + format_received(stage=index)
            )
        # Keras locks a built model's list of layers and variables; a stage
        # may add networks and trackers.
        locked = self._tracker.locked
        self._tracker.unlock()
        try:
            self.build_stage(index)
            self._stage_index = index
            self._create_trackers()
        finally:
            if locked:
                self._tracker.lock()

    def _create_trackers(self):
        # Only the missing ones: a later stage may log new keys.
        for key in self.tracked_metric_names():
            if not hasattr(self, f"{key}_tracker"):
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
        # By name, not position: a model that grows networks between stages
        # must find every state where it left it. Keras does not save
        # SeedGenerator states; without them a resumed run would replay the
        # noise (latents, dropout masks, image-pool draws) of step 0.
        for variable in self._own_variables():
            store[f"var:{variable.name}"] = ops.convert_to_numpy(variable)
        for path, generator in seed_generator_paths(self).items():
            store[f"seed:{path}"] = ops.convert_to_numpy(generator.state)

    def load_own_variables(self, store):
        keys = set(store.keys())
        for variable in self._own_variables():
            key = f"var:{variable.name}"
            if key in keys:
                variable.assign(store[key])
        if any(key.startswith("seed:") for key in keys):
            for path, generator in seed_generator_paths(self).items():
                if f"seed:{path}" in keys:
                    generator.state.assign(store[f"seed:{path}"])
            return
        # Files written before states were saved by path: by position, in
        # the order those versions enumerated the generators.
        for i, generator in enumerate(self._all_seed_generators()):
            if f"seed_state_{i}" in keys:
                generator.state.assign(store[f"seed_state_{i}"])

    def _own_variables(self):
        return self._trainable_variables + self._non_trainable_variables

    def get_config(self):
        config = super().get_config()
        config["seed"] = self.seed
        for key in self.network_keys:
            config[key] = keras.saving.serialize_keras_object(
                getattr(self, key)
            )
        if self._stage_index:
            config["stage"] = self._stage_index
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        stage = config.pop("stage", 0)
        for key in cls.network_keys:
            if isinstance(config.get(key), dict):
                config[key] = keras.saving.deserialize_keras_object(config[key])
        model = cls(**config)
        # Grow the networks of every stage up to the saved one; the weights
        # loaded next fill them.
        for index in range(1, stage + 1):
            model._set_stage(index)
        return model
