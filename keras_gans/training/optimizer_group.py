"""A container optimizer that owns one optimizer per training phase."""

import types

import keras

from keras_gans.utils.validation import format_received


class _Members:
    """The members of a group, out of sight of Keras' saver and trackers."""

    def __init__(self, table):
        self.table = dict(table)

    def __getitem__(self, key):
        return self.table[key]

    def __contains__(self, key):
        return key in self.table

    def __iter__(self):
        return iter(self.table)

    def __len__(self):
        return len(self.table)

    def items(self):
        return self.table.items()

    def values(self):
        return self.table.values()


@keras.saving.register_keras_serializable(package="keras_gans")
class OptimizerGroup(keras.optimizers.Optimizer):
    """Holds the optimizers of an adversarial model under one `Optimizer`.

    Keras' trainers (and the JAX trainer's functional state in particular)
    only know about `model.optimizer`. A GAN has one optimizer per network,
    so `model.optimizer` is this container: its `variables` are the
    concatenation of every member's variables, which makes all of them
    travel in the JAX training state and in saved `.keras` files. Updates
    are applied per member by the gradient drivers, never through
    `OptimizerGroup.apply`.

    Args:
        optimizers: dict mapping a phase name (e.g. `"discriminator"`) to a
            Keras optimizer.
        primary: the member whose `iterations` is reported as the group's
            `iterations` (the number of generator updates for a GAN).
        name: optional name.

    Example:

    ```python
    group = OptimizerGroup(
        {"discriminator": keras.optimizers.Adam(2e-4),
         "generator": keras.optimizers.Adam(2e-4)},
        primary="generator",
    )
    ```
    """

    def __init__(self, optimizers, primary=None, name="optimizer_group", **kwargs):
        kwargs.pop("learning_rate", None)
        super().__init__(learning_rate=0.0, name=name, **kwargs)
        if not isinstance(optimizers, dict) or not optimizers:
            raise ValueError(
                "`optimizers` must be a non-empty dict of name -> optimizer. "
                + format_received(optimizers=optimizers)
            )
        members = {}
        for key, optimizer in optimizers.items():
            if not isinstance(optimizer, keras.optimizers.Optimizer):
                optimizer = keras.optimizers.get(optimizer)
            members[key] = optimizer
        if primary is None:
            primary = next(iter(members))
        if primary not in members:
            raise ValueError(
                f"`primary` must be one of {sorted(members)}. "
                + format_received(primary=primary)
            )
        self._members = _Members(members)
        self._primary = primary

    def __getitem__(self, key):
        return self._members[key]

    @property
    def members(self):
        """Read-only mapping of optimizer name to optimizer (in order)."""
        # Not a dict: Keras' saver walks dicts it finds on an object and
        # would save the members a second time, named by position, which
        # shifts when a stage adds one. Only `save_own_variables` saves
        # them, by name.
        return types.MappingProxyType(self._members.table)

    @property
    def iterations(self):
        return self._members[self._primary].iterations

    @property
    def variables(self):
        variables = []
        for optimizer in self._members.values():
            variables.extend(optimizer.variables)
        return variables

    def replace_member(self, key, optimizer):
        """Swaps member `key` for `optimizer` (e.g. a loss-scaling wrapper).

        Only before the member is built: a wrapper would build its slots a
        second time.

        Raises:
            KeyError: if the group has no member `key`.
            ValueError: if member `key` is already built.
        """
        if key not in self._members:
            raise KeyError(
                f"No optimizer named {key!r} in this group; it has "
                f"{sorted(self._members)}."
            )
        if self._members[key].built:
            raise ValueError(
                f"Optimizer {key!r} is already built (it has slots): replace "
                "or wrap members before their first build, e.g. give "
                "compile() a fresh optimizer, or your own "
                "keras.optimizers.LossScaleOptimizer under mixed_float16. "
                + format_received(optimizer=optimizer)
            )
        self._members.table[key] = optimizer

    def add_member(self, key, optimizer):
        """Adds optimizer `key` (a stage that trains new networks).

        Raises:
            ValueError: if the group already has a member `key`.
        """
        if key in self._members:
            raise ValueError(
                f"This group already has an optimizer named {key!r}. "
                + format_received(key=key)
            )
        if not isinstance(optimizer, keras.optimizers.Optimizer):
            optimizer = keras.optimizers.get(optimizer)
        self._members.table[key] = optimizer

    def build_member(self, key, variables):
        """Creates the slots of member `key` for `variables` (idempotent)."""
        optimizer = self._members[key]
        if not optimizer.built:
            optimizer.build(variables)
        self.built = True

    def save_own_variables(self, store):
        # Keyed by member: a model whose stages add optimizers, or a file
        # loaded into a model of another stage, still finds each member's
        # slots.
        for key, optimizer in self._members.items():
            for i, variable in enumerate(optimizer.variables):
                store[f"{key}:{i}"] = keras.ops.convert_to_numpy(variable)

    def load_own_variables(self, store):
        keys = list(store.keys())
        if keys and all(key.isdigit() for key in keys):
            # Files written before members were keyed: one flat list.
            return super().load_own_variables(store)
        for key, optimizer in self._members.items():
            saved = sorted(
                (k for k in keys if k.rsplit(":", 1)[0] == key),
                key=lambda k: int(k.rsplit(":", 1)[1]),
            )
            if not saved:
                continue
            if len(saved) != len(optimizer.variables):
                if not optimizer.built:
                    # A member of another stage, not trained by this one.
                    continue
                raise ValueError(
                    f"The saved optimizer {key!r} has {len(saved)} "
                    f"variables, this model's has "
                    f"{len(optimizer.variables)}: the file was saved by a "
                    "model with other networks or another optimizer. "
                    + format_received(optimizer=key)
                )
            for variable, k in zip(optimizer.variables, saved):
                variable.assign(store[k])

    def build(self, var_list):
        # Members are built on their own networks' variables by the model's
        # `compile()`; Keras may still call this with all variables.
        self.built = True

    def apply(self, grads, trainable_variables=None):
        raise NotImplementedError(
            "OptimizerGroup does not apply gradients itself: each member "
            "optimizer is applied to its own network by the model's "
            "train_step. Use `group[name].apply(grads, variables)`."
        )

    @property
    def learning_rate(self):
        return self._members[self._primary].learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        raise AttributeError(
            "An OptimizerGroup has no learning rate of its own: set it on a "
            "member, e.g. `model.d_optimizer.learning_rate = 1e-4`. "
            + format_received(learning_rate=value)
        )

    def get_config(self):
        return {
            "name": self.name,
            "primary": self._primary,
            "optimizers": {
                key: keras.saving.serialize_keras_object(optimizer)
                for key, optimizer in self._members.items()
            },
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["optimizers"] = {
            key: keras.saving.deserialize_keras_object(
                value, custom_objects=custom_objects
            )
            for key, value in config["optimizers"].items()
        }
        return cls(**config)
