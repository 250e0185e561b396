"""Per-backend gradient drivers: the only training code that imports a backend.

The training step itself is written once, backend-neutral, in
`keras_gans.training.step_loop`. Each driver module only knows how to take
gradients and apply updates on its backend, and exposes:

- `replica_info()`: `(num_replicas, replica_id)` of the current replica.
- `vjp(fn, inputs, cotangent=None, create_graph=True)`: the
  vector-Jacobian product of any function written with `keras.ops`
  (see `keras_gans.training.vjp`, which dispatches here).
- `StepSession(model, *args)`: one `train_step` on that backend (`(data)`
  on TensorFlow and torch, `(state, data)` on JAX). It runs code against
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
