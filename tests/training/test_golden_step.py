"""The proof of "one train_step": one `fit` step on TensorFlow, JAX and torch.

Each backend runs tests/training/golden_step_check.py in its own process,
from the same initial weights, batch and random draws, and the test
compares everything the step produced: gradients (Adam's first moment
after one step is (1 - beta_1) * g), updated weights, BatchNorm statistics,
the EMA generator, the image pool, Adam's moments and the logged losses. It drives
all three backends itself, so it runs once per CI run (in the TensorFlow
session).

Tolerances are relative, per tensor: ||a - b|| / ||a||.
- DCGAN (gradient penalty, EMA): 1e-5. Measured: at most 2e-6.
- CycleGAN: 1e-4. Its gradients carry float32 round-off of 2-3e-5 on a
  single backend: TensorFlow with and without oneDNN differs by 2.5e-5
  (L2) on this step, as much as the backends differ from each other.
- Adam: the moments are linear in g and g**2 and get the gradients'
  tolerance (twice it for g**2); the updated weights the same relative
  tolerance over each tensor. Not elementwise: Adam's first step is
  lr * g / (|g| + eps), so a component whose gradient is within float
  noise of zero has that noise amplified by 1/eps (one element in ~2,300
  differed by 4% of lr between backends), while any other moves by lr
  whatever its noise. Elementwise, each backend's update must be Adam's
  step from its own moments (within 0.1% of lr).
"""

import os
import subprocess
import sys

import numpy as np
import pytest

from tests.conftest import REPO
from tests.training import golden_step_check as check

pytestmark = pytest.mark.once

BACKENDS = ("tensorflow", "jax", "torch")
RELATIVE = {"dcgan": 1e-5, "cyclegan": 1e-4}
LOGGED = {
    "dcgan": {"d_loss", "g_loss", "d_real", "d_fake", "gp"},
    "cyclegan": {"d_loss", "g_loss", "g_gan", "cycle", "identity", "d_a", "d_b"},
}


def run_every_backend(directory):
    """`{(case, optimizer, backend): {key: array}}` and the initial weights."""
    directory = str(directory)
    for backend in BACKENDS:  # TensorFlow first: it writes the weights.
        env = dict(
            os.environ,
            KERAS_BACKEND=backend,
            PYTHONPATH=REPO,
            TF_CPP_MIN_LOG_LEVEL="3",
            OMP_NUM_THREADS="1",
        )
        # XLA's quick CPU code generation, as tests/run.sh gives the JAX
        # session: the same operations, compiled in half the time.
        env["XLA_FLAGS"] = (
            "--xla_backend_optimization_level=0 "
            "--xla_llvm_disable_expensive_passes=true"
        )
        done = subprocess.run(
            [sys.executable, "-m", "tests.training.golden_step_check", directory],
            env=env, cwd=REPO, capture_output=True, text=True, timeout=600,
        )
        assert done.returncode == 0, f"{backend}:\n{done.stderr[-4000:]}"
    found = {}
    for case in check.CASES:
        with np.load(os.path.join(directory, f"weights_{case}.npz")) as saved:
            found[case, "initial"] = dict(saved)
        for name in check.OPTIMIZERS:
            for backend in BACKENDS:
                path = os.path.join(directory, f"{case}_{name}_{backend}.npz")
                with np.load(path) as saved:
                    found[case, name, backend] = dict(saved)
    return found


def relative_error(expected, actual):
    expected = np.asarray(expected, "float64")
    actual = np.asarray(actual, "float64")
    scale = np.linalg.norm(expected)
    return np.linalg.norm(actual - expected) / (scale if scale else 1.0)


def assert_agree(reference, other, keys, tolerance, label):
    errors = {k: relative_error(reference[k], other[k]) for k in keys}
    worst = max(errors, key=errors.get)
    assert errors[worst] <= tolerance, (
        f"{label}: {worst} differs by {errors[worst]:.2e} (relative), "
        f"more than {tolerance:.0e}"
    )


def adam_moments(values):
    """`{variable key: (first moment, second moment)}` of every trained
    variable.

    Optimizer keys are `optimizer/<position>:<optimizer>/<slot>`; Keras
    names an Adam's slots `<path with _ for />_momentum` and `..._velocity`
    and builds them in that order, so the velocity sits one position after
    its momentum. Paths repeat (CycleGAN's two generators), so the n-th
    variable of a path gets the n-th slot of that name.
    """
    slots = {}
    for key in sorted(values):
        if key.startswith("optimizer/") and key.endswith("_momentum"):
            position, slot = key[len("optimizer/"):].split(":", 1)
            optimizer, name = slot.split("/", 1)
            name = name[: -len("_momentum")]
            velocity = f"optimizer/{int(position) + 1:03d}:{optimizer}/{name}_velocity"
            slots.setdefault(name, []).append((key, velocity))
    found, seen = {}, {}
    for key in sorted(model_keys(values)):
        name = key.split(":", 1)[1].replace("/", "_")
        index = seen.get(name, 0)
        seen[name] = index + 1
        if index < len(slots.get(name, ())):
            momentum, velocity = slots[name][index]
            found[key] = (
                np.asarray(values[momentum], "float64"),
                np.asarray(values[velocity], "float64"),
            )
    assert found, "no Adam slots found"
    return found


def model_keys(values):
    return [k for k in values if not k.startswith(("optimizer/", "log/"))]


def slot_keys(values, slot):
    return [k for k in values if k.startswith("optimizer/") and k.endswith(slot)]


def check_the_step_did_something(results, case):
    """Not a comparison of untouched values: every gradient is non-zero,
    every trained weight moved, the EMA generator and the pool were
    updated, every expected loss was logged."""
    initial = results[case, "initial"]
    values = results[case, "adam", "tensorflow"]
    assert set(values) >= {f"log/{key}" for key in LOGGED[case]}
    assert set(model_keys(values)) == set(initial)
    slots = {k.split("/", 2)[-1] for k in slot_keys(values, "_momentum")}
    for key in slot_keys(values, "_momentum"):
        assert np.any(values[key] != 0), f"zero gradient: {key}"
    trained = [
        k for k in initial
        if k.split(":", 1)[1].replace("/", "_") + "_momentum" in slots
    ]
    assert len(trained) >= len(slots)
    for key in trained:
        assert not np.array_equal(initial[key], values[key]), key
    if case == "dcgan":
        # The second copy of the generator's paths is the EMA generator.
        paths = [k.split(":", 1)[1] for k in sorted(initial)]
        ema = [k for i, k in enumerate(sorted(initial))
               if paths.index(paths[i]) != i and k.endswith("kernel")]
        assert ema and all(
            not np.array_equal(initial[k], values[k]) for k in ema
        ), "the EMA generator did not move"
    else:
        for pool in ("pool_a", "pool_b"):
            (count,) = [k for k in values if k.endswith(f"{pool}/count")]
            assert int(values[count]) == 2  # full: pool_size 2
            (images,) = [k for k in values if k.endswith(f"{pool}/images")]
            assert np.all(np.abs(values[images]).max(axis=(1, 2, 3)) > 0)


def assert_step_agrees(results, case, optimizer, backend, slots):
    """Compares `backend`'s step with TensorFlow's: the optimizer slots
    (`{suffix: tolerance factor}`), and unless Adam's, the updated
    variables; the logged values. Returns (reference, other, label)."""
    reference = results[case, optimizer, "tensorflow"]
    other = results[case, optimizer, backend]
    assert set(other) == set(reference)
    tolerance = RELATIVE[case]
    label = f"{case} {optimizer} on {backend}"
    for suffix, factor in slots.items():
        assert_agree(
            reference, other, slot_keys(reference, suffix),
            factor * tolerance, f"{label}, {suffix} slots",
        )
    assert_agree(
        reference, other, model_keys(reference), tolerance,
        f"{label}, updated variables",
    )
    logs = [k for k in reference if k.startswith("log/")]
    assert_agree(reference, other, logs, tolerance, f"{label}, logged values")
    return reference, other, label


def check_adam_step(results, case, backend):
    # Moments: linear in g and in g**2 (twice g's relative error); the
    # first moment, (1 - beta_1) * g, compares the gradients.
    reference, other, label = assert_step_agrees(
        results, case, "adam", backend, {"_momentum": 1, "_velocity": 2}
    )
    initial = results[case, "initial"]
    for values in (reference, other):
        for key, (m, v) in adam_moments(values).items():
            # Keras' Adam after one step: w - lr * sqrt(1 - b2) / (1 - b1)
            # * m / (sqrt(v) + eps), with eps on sqrt(v), not on v-hat.
            step = check.ADAM_RATE * np.sqrt(1 - 0.999) / (1 - 0.5)
            expected = initial[key] - step * m / (np.sqrt(v) + 1e-7)
            np.testing.assert_allclose(
                values[key], expected, rtol=0, atol=1e-3 * check.ADAM_RATE,
                err_msg=f"{label}: {key} is not Adam's step from its moments",
            )


def test_one_fit_step_agrees_on_tensorflow_jax_and_torch(tmp_path):
    # One test, not one per comparison: the three child processes take a
    # minute or two, and pytest-xdist would rerun a shared module fixture
    # on each worker that gets a share of the tests.
    results = run_every_backend(tmp_path)
    for case in check.CASES:
        check_the_step_did_something(results, case)
        for backend in BACKENDS[1:]:
            check_adam_step(results, case, backend)
