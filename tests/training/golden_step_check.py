"""One `fit` step of a fixed model on a fixed batch, on this process's backend.

Run by tests/training/test_golden_step.py once per backend, as

    KERAS_BACKEND=jax python -m tests.training.golden_step_check DIR

For each CASE in `CASES` (`dcgan`: gradient penalty and EMA; `cyclegan`:
image pool) and each OPTIMIZER (`adam`: after one step its first moment is
exactly (1 - beta_1) * g, so the slots hold the gradients and their
squares), it fits one step and writes DIR/CASE_OPTIMIZER_BACKEND.npz: every model and
optimizer variable after the step, keyed `<position>:<path>`, and the
logged values (`log/<key>`). DIR/weights_CASE.npz holds the initial value
of every model variable; a process that finds no such file writes it from
its own freshly built model, so every backend starts from the weights of
the first.

Keras' random ops draw from a different generator on each backend
(`keras.random.normal` with one seed gives other numbers on TensorFlow, JAX
and torch), so the draws of the step (latents, the penalty's interpolation
weights, the pool's coin flips) come from a fixed table instead: the n-th
draw of a given shape is the same array on every backend. A backend that
traced the step twice would shift the table and fail the comparison
loudly, not pass it silently.
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_gans  # noqa: E402

BATCH = 4
CASES = ("dcgan", "cyclegan")
# Adam only: its first moment is the gradient scaled, as SGD's momentum
# slot would be, so a second optimizer's fits (6 more, a quarter of the
# test's minute) compared nothing that Adam's do not.
OPTIMIZERS = ("adam",)
ADAM_RATE = 1e-3


class FixedDraws:
    """Stands in for `keras.random.{normal,uniform,randint}`."""

    def __init__(self):
        self.counts = {}

    def _rng(self, kind, shape):
        shape = tuple(int(d) for d in shape)
        key = (kind, shape)
        self.counts[key] = self.counts.get(key, 0) + 1
        # Not `hash()`: it is salted per process for strings.
        seed = [len(kind), self.counts[key], *shape]
        return np.random.default_rng(seed), shape

    def normal(self, shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
        rng, shape = self._rng("normal", shape)
        values = rng.normal(mean, stddev, shape)
        return keras.ops.convert_to_tensor(values, dtype or "float32")

    def uniform(self, shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
        rng, shape = self._rng("uniform", shape)
        values = rng.uniform(minval, maxval, shape)
        return keras.ops.convert_to_tensor(values, dtype or "float32")

    def randint(self, shape, minval, maxval, dtype="int32", seed=None):
        rng, shape = self._rng("randint", shape)
        values = rng.integers(int(minval), int(maxval), shape)
        return keras.ops.convert_to_tensor(values, dtype)

    def install(self):
        keras.random.normal = self.normal
        keras.random.uniform = self.uniform
        keras.random.randint = self.randint


def build(case):
    keras.utils.set_random_seed(0)
    if case == "dcgan":
        return keras_gans.DCGAN(
            image_shape=(8, 8, 1),
            latent_dim=4,
            g_filters=(8, 4),
            d_filters=(4, 8),
            d_batchnorm=False,
            gp_weight=10.0,
            ema_decay=0.9,
            seed=1,
        )
    if case == "cyclegan":
        # 16x16, not 8x8: instance norm over the 2x2 bottleneck maps of an
        # 8x8 generator divides by near-zero deviations and turns float32
        # round-off into 1e-4 relative gradient noise (on one backend too).
        return keras_gans.CycleGAN(
            image_shape=(16, 16, 1),
            filters=4,
            num_blocks=1,
            d_layers=1,
            pool_size=2,
            seed=1,
        )
    raise ValueError(f"CASE must be 'dcgan' or 'cyclegan', got {case!r}")


def optimizer(name):
    if name == "adam":
        return keras.optimizers.Adam(ADAM_RATE, beta_1=0.5)
    raise ValueError(f"OPTIMIZER must be 'adam', got {name!r}")


def batch(case):
    rng = np.random.default_rng(2)
    if case == "dcgan":
        return (rng.uniform(-1, 1, (BATCH, 8, 8, 1)).astype("float32"),)
    images = rng.uniform(-1, 1, (2, BATCH, 16, 16, 1)).astype("float32")
    # A pool of 2 and a batch of 4: the first two fakes fill the pool, the
    # last two go through the coin flip and the slot draw.
    return (images[0], images[1])


def keyed(variables):
    """`{"<position>:<path>": variable}`: paths alone are not unique (the
    EMA generator's variables carry the generator's paths)."""
    return {f"{i:03d}:{v.path}": v for i, v in enumerate(variables)}


def step(case, optimizer_name, weights_path, out_path):
    # Fresh layer and optimizer names (`adam_1`, ...) in every backend's
    # process alike.
    keras.backend.clear_session()
    model = build(case)
    model.compile(
        d_optimizer=optimizer(optimizer_name),
        g_optimizer=optimizer(optimizer_name),
    )
    weights = keyed(model.weights)
    if os.path.exists(weights_path):
        with np.load(weights_path) as saved:
            if set(saved.files) != set(weights):
                raise ValueError(
                    "variable paths differ from the saved ones: "
                    f"{sorted(set(saved.files) ^ set(weights))}"
                )
            for path, variable in weights.items():
                variable.assign(saved[path])
    else:
        np.savez(
            weights_path,
            **{p: keras.ops.convert_to_numpy(v) for p, v in weights.items()},
        )
    originals = keras.random.normal, keras.random.uniform, keras.random.randint
    FixedDraws().install()
    try:
        history = model.fit(
            *batch(case), batch_size=BATCH, epochs=1, shuffle=False, verbose=0
        )
    finally:
        keras.random.normal, keras.random.uniform, keras.random.randint = (
            originals
        )
    result = {
        path: keras.ops.convert_to_numpy(variable)
        for path, variable in {
            **keyed(model.weights),
            **{f"optimizer/{k}": v
               for k, v in keyed(model.optimizer.variables).items()},
        }.items()
    }
    for key, values in history.history.items():
        result[f"log/{key}"] = np.asarray(values[-1], "float64")
    np.savez(out_path, **result)


def main(directory):
    backend = keras.backend.backend()
    if backend == "torch":
        import torch

        torch.set_num_threads(1)
    for case in CASES:
        for name in OPTIMIZERS:
            step(
                case,
                name,
                os.path.join(directory, f"weights_{case}.npz"),
                os.path.join(directory, f"{case}_{name}_{backend}.npz"),
            )


if __name__ == "__main__":
    main(*sys.argv[1:])
