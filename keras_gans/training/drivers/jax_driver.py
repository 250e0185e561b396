"""JAX gradient driver: a stateless `train_step(state, data)`.

Keras' JAX trainer hands `train_step` the values of all model variables as
`state = (trainable, non_trainable, optimizer, metrics)` and purges the
variables themselves. Everything the step runs therefore runs inside a
`keras.StatelessScope` that maps *every* variable to its current value,
looked up by identity (the order of `model.trainable_variables` is not
"generator then discriminator"), and collects what the code assigned
(BatchNorm statistics, seed states, metric trackers).
"""

import contextlib

import jax
import keras
from keras import tree

from keras_gans.training.drivers import discarding_scope
from keras_gans.training.drivers import unique_variables


def replica_info():
    # keras.distribution shards the global batch; the loss sees all of it.
    return 1, 0


def vjp(fn, inputs, cotangent=None, create_graph=True):
    def function(x):
        # Nested trace: assignments must not reach the enclosing scope
        # (UnexpectedTracerError), reads see its values.
        with discarding_scope():
            return fn(x)

    outputs, pullback = jax.vjp(function, inputs)
    if cotangent is None:
        cotangent = jax.numpy.ones_like(outputs)
    (grads,) = pullback(jax.numpy.asarray(cotangent, outputs.dtype))
    if not create_graph:
        grads = jax.lax.stop_gradient(grads)
    return outputs, grads


def keep_state_on_fault(model):
    """Makes Keras' JAX `fit()` write the pre-`fit` values back on an error.

    The trainer purges the variables' values when the first step takes
    the state, and writes `model._jax_state` back when `fit()` ends; that
    record is only set once a step has completed, so an error in the
    first step (fetching, tracing or running it) left every variable
    empty. Recording the current values first closes the gap: they are
    references to immutable arrays, the very ones the first step takes,
    so nothing is copied. Called at the start of training (`FitGuard`).

    Returns:
        `None`: a JAX step is a function of the state, so one that fails
        changes nothing.
    """
    if getattr(model, "_jax_state", None) is not None:
        return None
    model._jax_state = {
        "trainable_variables": [v.value for v in model.trainable_variables],
        "non_trainable_variables": [
            v.value for v in model.non_trainable_variables
        ],
        "optimizer_variables": [v.value for v in model.optimizer.variables],
        "metrics_variables": [v.value for v in model.metrics_variables],
    }
    return None


def _state_groups(model):
    return (
        model.trainable_variables,
        model.non_trainable_variables,
        model.optimizer.variables,
        model.metrics_variables,
    )


def _stateful_call(fn, variables, values, overrides=()):
    """Runs `fn()` with variables mapped to `values`; returns (out, values)."""
    overridden = {id(v) for v, _ in overrides}
    mapping = list(overrides) + [
        (v, values[id(v)]) for v in variables if id(v) not in overridden
    ]
    with keras.StatelessScope(state_mapping=mapping) as scope:
        out = fn()
    new_values = {
        id(v): scope.get_current_value(v)
        for v in variables
        if id(v) not in overridden
    }
    return out, new_values


class StepSession:
    """One `train_step(state, data)` on JAX (see `keras_gans.training.drivers`)."""

    def __init__(self, model, state, data):
        self.model = model
        self.data = data
        self._groups = _state_groups(model)
        self._variables = unique_variables(self._groups)
        self.values = {}
        for group, group_values in zip(self._groups, state):
            for variable, value in zip(group, group_values):
                self.values[id(variable)] = value
        self._pullbacks = {}

    def scope(self):
        # Ops run in order: nothing runs before the batch exists.
        return contextlib.nullcontext()

    def run(self, fn):
        out, new_values = _stateful_call(fn, self._variables, self.values)
        self.values = {**self.values, **new_values}
        return out

    def forward(self, name, fn, variables):
        def function(target_values):
            return _stateful_call(
                fn,
                self._variables,
                self.values,
                overrides=list(zip(variables, target_values)),
            )

        targets = [self.values[id(v)] for v in variables]
        outputs, pullback, new_values = jax.vjp(function, targets, has_aux=True)
        self.values = {**self.values, **new_values}
        self._pullbacks[name] = (variables, pullback)
        return outputs

    def update(self, phase, optimizer, loss_fn, shared, due=None):
        step = lambda values: self._update(  # noqa: E731
            values, phase, optimizer, loss_fn, shared
        )
        if due is None:
            self.values = step(self.values)
        else:
            self.values = jax.lax.cond(due, step, lambda v: v, self.values)

    def _update(self, values, phase, optimizer, loss_fn, shared):
        targets = phase.trainable_variables

        def loss(target_values, shared_values):
            # scale_loss reads a LossScaleOptimizer's scale variable, so it
            # runs inside the scope too.
            return _stateful_call(
                lambda: optimizer.scale_loss(loss_fn(shared_values)),
                self._variables,
                values,
                overrides=list(zip(targets, target_values)),
            )

        shared_values = dict(shared)
        target_values = [values[id(v)] for v in targets]
        (_, new_values), (grads, shared_grads) = jax.value_and_grad(
            loss, argnums=(0, 1), has_aux=True
        )(target_values, shared_values)
        grads = list(grads)
        index = {id(v): i for i, v in enumerate(targets)}
        for name, _ in shared:
            recorded, pullback = self._pullbacks[name]
            (pulled,) = pullback(shared_grads[name])
            for variable, grad in zip(recorded, pulled):
                if id(variable) in index:
                    grads[index[id(variable)]] = grads[index[id(variable)]] + grad
        values = {**values, **new_values}
        optimizer_values = [values[id(v)] for v in optimizer.variables]
        target_values, optimizer_values = optimizer.stateless_apply(
            optimizer_values, grads, target_values
        )
        for v, value in zip(targets, target_values):
            values[id(v)] = value
        for v, value in zip(optimizer.variables, optimizer_values):
            values[id(v)] = value
        return values

    def finish(self, logs):
        new_state = tuple(
            [self.values[id(variable)] for variable in group]
            for group in self._groups
        )
        return logs, new_state
