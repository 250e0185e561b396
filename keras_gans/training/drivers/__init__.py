"""Per-backend gradient drivers: the only training code that imports a backend.

Each driver module exposes:

- `train_step(model, *args)`: the `fit()` entry point for that backend
  (`(data)` on TensorFlow and torch, `(state, data)` on JAX).
- `replica_info()`: `(num_replicas, replica_id)` of the current replica.
- `input_gradients(network, x, wrap_inputs=None)`: d sum(network(x))/dx,
  itself differentiable w.r.t. the network's weights (double backprop), for
  input-gradient penalties (WGAN-GP, R1). The network runs in training mode
  through `stateless_call`, so the penalty pass leaves its state (BatchNorm
  statistics, dropout seeds) untouched on every backend alike.
  `wrap_inputs(x)` builds the network's inputs from `x` (e.g. `[x, labels]`).
  A network with several outputs (ACGAN's `[scores, class_logits]`) is
  differentiated through its first output, the adversarial score.
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


def adversarial_scores(outputs):
    """The score output of a network that may return several outputs."""
    if isinstance(outputs, (list, tuple)):
        return outputs[0]
    return outputs
