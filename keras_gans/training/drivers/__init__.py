"""Per-backend gradient drivers: the only training code that imports a backend.

The training step itself is written once, backend-neutral, in
`keras_gans.training.step_loop`. Each driver module only knows how to take
gradients and apply updates on its backend, and exposes:

- `replica_info()`: `(num_replicas, replica_id)` of the current replica.
- `vjp(fn, inputs, cotangent=None, create_graph=True)`: the
  vector-Jacobian product of any function written with `keras.ops`
  (see `keras_gans.training.vjp`, which dispatches here).
- `keep_state_on_fault(model)`: called as training starts, so that an
  error inside `fit()` leaves the variables holding values; returns a
  function that restores the values of that moment, or `None` where an
  unfinished step never changes them (see
  `keras_gans.training.fit_guard.FitGuard`).
- `StepSession(model, *args)`: one `train_step` on that backend (`(data)`
  on TensorFlow and torch, `(state, data)` on JAX). Its `scope()` holds
  the whole step (on TensorFlow, every op then waits for the batch). It
  runs code against
  the model's current state (`run`), computes shared forward passes that
  later phases differentiate through (`forward`), updates one phase's
  networks with that phase's optimizer (`update`), and returns what
  `fit()` expects (`finish`).
"""

import importlib

import keras

_MODULES = {
    "tensorflow": "keras_gans.training.drivers.tensorflow_driver",
    "jax": "keras_gans.training.drivers.jax_driver",
    "torch": "keras_gans.training.drivers.torch_driver",
}


def get_driver():
    """Returns the driver module of the active Keras backend."""
    backend = keras.backend.backend()
    if backend not in _MODULES:
        raise RuntimeError(
            "keras-gans trains on the tensorflow, jax and torch backends. "
            f"Received: KERAS_BACKEND={backend!r}"
        )
    return importlib.import_module(_MODULES[backend])


def discarding_scope():
    """A `StatelessScope` that reads current values and drops assignments.

    Code differentiated by `vjp` runs inside it: layers that assign state
    in training mode (BatchNorm statistics, seed generators, metric
    trackers) read the values of the enclosing step but do not write them,
    so a penalty pass leaves the model's state untouched on every backend
    alike (and JAX's nested trace cannot leak into the outer state).
    """
    from keras.src.backend.common.stateless_scope import get_stateless_scope

    parent = get_stateless_scope()
    scope = keras.StatelessScope()
    if parent is not None:
        # Variables are purged inside JAX's fit(): the child must see the
        # enclosing step's values, not the variables' own.
        scope.state_mapping = dict(parent.state_mapping)
    return scope


def unique_variables(groups):
    """The variables of several lists, each once (by identity), in order."""
    seen, variables = set(), []
    for group in groups:
        for variable in group:
            if id(variable) not in seen:
                seen.add(id(variable))
                variables.append(variable)
    return variables


def state_restorer(model):
    """A function restoring every variable of `model` (weights, RNG state,
    trackers, optimizer slots) to its current value, kept on the host."""
    variables = unique_variables([model.variables, model.optimizer.variables])
    values = [
        keras.ops.convert_to_numpy(keras.ops.copy(v.value)) for v in variables
    ]

    def restore():
        for variable, value in zip(variables, values):
            variable.assign(value)

    return restore
