"""JAX gradient driver: a stateless `train_step(state, data)`.

Keras' JAX trainer hands `train_step` the values of all model variables as
`state = (trainable, non_trainable, optimizer, metrics)` and purges the
variables themselves. Every phase therefore runs its loss inside a
`keras.StatelessScope` that maps *every* variable to its current value,
looked up by identity (the order of `model.trainable_variables` is not
"generator then discriminator"), and collects what the loss assigned
(BatchNorm statistics, seed states, metric trackers).
"""

import jax
import keras
from jax import numpy as jnp

from keras_gans.training.drivers import adversarial_scores


def replica_info():
    # keras.distribution shards the global batch; the loss sees all of it.
    return 1, 0


def _state_groups(model):
    return (
        model.trainable_variables,
        model.non_trainable_variables,
        model.optimizer.variables,
        model.metrics_variables,
    )


def _all_variables(model):
    seen, variables = set(), []
    for group in _state_groups(model):
        for variable in group:
            if id(variable) not in seen:
                seen.add(id(variable))
                variables.append(variable)
    return variables


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


def _run_phase(model, phase, variables, values, images, labels):
    targets = phase.trainable_variables
    optimizer = model.optimizer[phase.optimizer]

    def loss_fn(target_values):
        # scale_loss reads a LossScaleOptimizer's scale variable, so it runs
        # inside the scope too.
        return _stateful_call(
            lambda: optimizer.scale_loss(phase.loss_fn(images, labels)),
            variables,
            values,
            overrides=list(zip(targets, target_values)),
        )

    target_values = [values[id(v)] for v in targets]
    (_, new_values), grads = jax.value_and_grad(loss_fn, has_aux=True)(
        target_values
    )
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


def train_step(model, state, data):
    groups = _state_groups(model)
    variables = _all_variables(model)
    values = {}
    for group, group_values in zip(groups, state):
        for variable, value in zip(group, group_values):
            values[id(variable)] = value

    images, labels = model.unpack_batch(data)
    for phase in model.train_phases():
        for _ in range(phase.repeats):
            values = _run_phase(model, phase, variables, values, images, labels)
    _, new_values = _stateful_call(model.after_train_step, variables, values)
    values.update(new_values)
    logs, _ = _stateful_call(model.get_metrics_result, variables, values)

    new_state = tuple(
        [values[id(variable)] for variable in group] for group in groups
    )
    return logs, new_state


def input_gradients(network, x, wrap_inputs=None):
    # A plain network call inside the nested grad would assign BatchNorm
    # statistics to the outer StatelessScope from the inner trace
    # (UnexpectedTracerError); stateless_call keeps them local. Inside the
    # outer scope `v.value` is the outer tracer, so the result stays
    # differentiable w.r.t. the weights.
    trainable = [v.value for v in network.trainable_variables]
    non_trainable = [v.value for v in network.non_trainable_variables]
    wrap_inputs = wrap_inputs or (lambda inputs: inputs)

    def total(inputs):
        outputs, _ = network.stateless_call(
            trainable, non_trainable, wrap_inputs(inputs), training=True
        )
        return jnp.sum(adversarial_scores(outputs))

    return jax.grad(total)(x)
