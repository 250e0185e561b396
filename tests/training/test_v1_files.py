"""`.keras` files written by keras-gans v1 (commit 05a052e) still load.

tests/fixtures/v1/ holds, per case of `make_v1_files.CASES`, a compiled
model fitted 2 steps and saved by the v1 code (`<case>.keras`), and what
the v1 code found in it once loaded back (`<case>.npz`: outputs, weights,
optimizer variables, seed-generator states and, for `ONE_STEP_CASES`, the
weights after one more `fit` step). tests/fixtures/v1/make_v1_files.py
wrote them (run against a checkout of 05a052e; see its docstring). Never
regenerate them with the current code: they are what users' saved files
look like.

Each test loads the files with the current code (`load_keras_file(path,
compile=True)`, as resuming does) on this session's backend and compares
with the v1 expectations:

- the class and the constructor values of the configuration, which
  survives `from_config(get_config())`;
- `generate(4, seed=0)` (CycleGAN: `translate` both ways), atol 1e-5;
- every weight, exactly (matched by path: see `v1_weights`);
- each member optimizer's variables (Adam's slots, learning rate,
  iterations) exactly, matched per member (`model.optimizer.members`, or
  `d_optimizer` / `g_optimizer`), and `d_optimizer.iterations` and
  `g_optimizer.iterations`;
- the seed-generator states, in v1's enumeration order (every layer's
  `_seed_generators`, model first, as v1's `_all_seed_generators()`);
- one more `fit` step on a saved batch counts one more generator update
  (and `d_steps` discriminator updates) and gives v1's post-step weights
  (rtol 1e-5, atol 1e-6), Keras' random draws replaced by the fixed
  table of `make_v1_files.FixedDraws` so the TensorFlow step replays on
  JAX and torch. For `make_v1_files.DENSE_STEP_CASES` (label embeddings,
  whose TensorFlow Adam step differs from the dense-gradient backends'),
  JAX and torch compare with v1's step on JAX instead.

The read-only tests share one load per file and backend (`loaded`); the
one-step test loads its own copy.
"""

import importlib.util
import json
import os

import keras
import numpy as np
import pytest

import keras_gans
from keras_gans.utils.safe_loading import load_keras_file
from tests.conftest import REPO
from tests.conftest import one_torch_thread

FIXTURES = os.path.join(REPO, "tests", "fixtures", "v1")


def _import_generator_script():
    path = os.path.join(FIXTURES, "make_v1_files.py")
    spec = importlib.util.spec_from_file_location("make_v1_files", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


v1 = _import_generator_script()

CASES = tuple(v1.CASES)
# The files whose one more `fit` step must reproduce v1's post-step
# weights. A change that deliberately alters a model's training step (its
# losses, the order or number of its random draws, its update order) takes
# that model out of this list, and says so in the commit.
# `dcgan_r1_clip` left: its lazy R1 (`r1_interval=2`) used to be folded
# into the main discriminator update and is now a discriminator phase of
# its own on due steps (StyleGAN2's lazy regularization, training core v2).
ONE_STEP_CASES = ("dcgan_ema", "wgangp", "cgan")
# JAX compiles each model's step (5-10 s apiece on 2 cores, the bulk of
# this module there); the step's numbers agree across backends by the
# golden-step test, so JAX replays one file's step and loads them all.
ONE_STEP_CASES_ON_JAX = ("dcgan_ema",)

OUTPUT_ATOL = 1e-5
STEP_RTOL = 1e-5
STEP_ATOL = 1e-6


def expected(case):
    with np.load(os.path.join(FIXTURES, f"{case}.npz")) as saved:
        return dict(saved)


def load(case):
    path = os.path.join(FIXTURES, f"{case}.keras")
    with one_torch_thread():
        return load_keras_file(path, compile=True)


@pytest.fixture(scope="module")
def loaded():
    """`loaded(case)`: the file of `case`, loaded once per module (for
    tests that only read the model)."""
    models = {}

    def get(case):
        if case not in models:
            models[case] = load(case)
        return models[case]

    return get


def to_numpy(value):
    return np.array(keras.ops.convert_to_numpy(value))


def indexed(saved, prefix):
    """`[saved[f"{prefix}/0"], saved[f"{prefix}/1"], ...]`."""
    count = sum(1 for key in saved if key.startswith(prefix + "/"))
    return [saved[f"{prefix}/{i}"] for i in range(count)]


def plain(value):
    """JSON-comparable: tuples become lists."""
    return json.loads(json.dumps(value))


def v1_seed_generators(model):
    """The seed generators in v1's order (`_all_seed_generators()` of
    05a052e: every layer's `_seed_generators`, the model first), which is
    how v1 keyed their states (`seed_state_<k>`) in `.keras` files."""
    generators = []
    for layer in model._flatten_layers(include_self=True):
        generators.extend(getattr(layer, "_seed_generators", []))
    return generators


def v1_weights(model, saved):
    """The loaded model's values of v1's `model.weights`, in v1's order.

    Matched by path, the n-th variable of a path to v1's n-th of that path
    (paths repeat: the EMA generator's copy, twin networks), as a `.keras`
    file keys weights by layer names: variables the current code added
    (which a v1 file cannot hold) are left out; a v1 path the current
    model lacks fails, naming it.
    """
    found, seen = {}, {}
    for variable in model.weights:
        n = seen.get(variable.path, 0)
        seen[variable.path] = n + 1
        found[variable.path, n] = variable
    keys, seen = [], {}
    for path in (str(path) for path in saved["weight_paths"]):
        n = seen.get(path, 0)
        seen[path] = n + 1
        keys.append((path, n))
    missing = [key for key in keys if key not in found]
    assert not missing, (
        f"v1 weights the loaded model lacks (path, occurrence): {missing}; "
        f"its weights: {[v.path for v in model.weights]}"
    )
    return [to_numpy(found[key]) for key in keys]


def member_optimizers(model):
    """`{member name: optimizer}`: the group's members where it has them,
    else the two sides' optimizers under v1's member names."""
    members = getattr(model.optimizer, "members", None)
    if members is not None:
        return dict(members)
    return {"discriminator": model.d_optimizer, "generator": model.g_optimizer}


def v1_members(saved):
    """`{member name: [values]}`: v1's concatenated group variables split
    by member."""
    values = indexed(saved, "optimizer")
    sizes = [int(size) for size in saved["member_sizes"]]
    assert sum(sizes) == len(values)
    members, start = {}, 0
    for name, size in zip(saved["member_names"], sizes):
        members[str(name)] = values[start : start + size]
        start += size
    return members


def assert_same_values(found, saved, label, paths=None):
    assert len(found) == len(saved), f"{label}: {len(found)} != {len(saved)}"
    for i, (value, reference) in enumerate(zip(found, saved)):
        where = f"{label} {i}" + (f" ({paths[i]})" if paths is not None else "")
        assert value.shape == reference.shape, where
        np.testing.assert_array_equal(value, reference, err_msg=where)


@pytest.mark.parametrize("case", CASES)
def test_config_round_trip(case, loaded):
    class_name, kwargs, _ = v1.CASES[case]
    model = loaded(case)
    assert type(model) is getattr(keras_gans, class_name)
    config = model.get_config()
    for key, value in kwargs.items():
        assert plain(config[key]) == plain(value), key
    rebuilt = type(model).from_config(model.get_config())
    assert plain(rebuilt.get_config()) == plain(config)


@pytest.mark.parametrize("case", CASES)
def test_outputs_match_v1(case, loaded):
    model = loaded(case)
    saved = expected(case)
    with one_torch_thread():
        if case in v1.TRANSLATION_CASES:
            for source, direction in (("a", "a_to_b"), ("b", "b_to_a")):
                np.testing.assert_allclose(
                    model.translate(saved[f"translate_{source}"], direction),
                    saved[f"translated_{direction}"],
                    atol=OUTPUT_ATOL,
                    err_msg=direction,
                )
        else:
            np.testing.assert_allclose(
                model.generate(4, seed=0), saved["generated"], atol=OUTPUT_ATOL
            )


@pytest.mark.parametrize("case", CASES)
def test_weights_match_v1(case, loaded):
    model = loaded(case)
    saved = expected(case)
    assert_same_values(
        v1_weights(model, saved),
        indexed(saved, "weight"),
        "weight",
        paths=list(saved["weight_paths"]),
    )


@pytest.mark.parametrize("case", CASES)
def test_optimizer_state_matches_v1(case, loaded):
    class_name, kwargs, _ = v1.CASES[case]
    model = loaded(case)
    saved = expected(case)
    # The fixture is not of untouched optimizers: 2 steps were taken.
    d_steps = kwargs.get("d_steps", 1)
    assert int(saved["g_iterations"]) == v1.FIT_STEPS
    if case not in v1.TRANSLATION_CASES:
        assert int(saved["d_iterations"]) == v1.FIT_STEPS * d_steps
    assert int(to_numpy(model.d_optimizer.iterations)) == int(
        saved["d_iterations"]
    )
    assert int(to_numpy(model.g_optimizer.iterations)) == int(
        saved["g_iterations"]
    )
    members = member_optimizers(model)
    saved_members = v1_members(saved)
    assert set(members) >= set(saved_members)
    for name, values in saved_members.items():
        assert any(np.any(v != 0) for v in values[2:]), f"{name}: no slots"
        assert_same_values(
            [to_numpy(v) for v in members[name].variables],
            values,
            f"optimizer {name!r} variable",
        )


@pytest.mark.parametrize("case", CASES)
def test_seed_states_match_v1(case, loaded):
    model = loaded(case)
    saved = expected(case)
    count = int(saved["seed_state_count"])
    generators = v1_seed_generators(model)
    assert len(generators) == count
    states = indexed(saved, "seed_state")
    assert len(states) == count
    # Saved after training: the states moved past their initial counters.
    assert any(int(state[1]) != 0 for state in states)
    for k, (generator, state) in enumerate(zip(generators, states)):
        np.testing.assert_array_equal(
            to_numpy(generator.state).astype("int64"),
            state.astype("int64"),
            err_msg=f"seed generator {k} ({generator.name})",
        )


@pytest.mark.parametrize(
    "case",
    ONE_STEP_CASES_ON_JAX if keras.backend.backend() == "jax" else ONE_STEP_CASES,
)
def test_one_more_step_matches_v1(case):
    model = load(case)
    saved = expected(case)
    before = indexed(saved, "weight")
    after = indexed(saved, "post_step_weight")
    if case in v1.DENSE_STEP_CASES and keras.backend.backend() != "tensorflow":
        after = indexed(saved, "dense_post_step_weight")
    assert len(after) == len(before)
    # The saved step trained something.
    assert any(not np.array_equal(a, b) for a, b in zip(before, after))
    with one_torch_thread(), v1.fixed_draws():
        v1.fit(model, saved["step_images"], saved.get("step_labels"))
    d_steps = v1.CASES[case][1].get("d_steps", 1)
    assert int(to_numpy(model.d_optimizer.iterations)) == (
        int(saved["d_iterations"]) + d_steps
    )
    assert int(to_numpy(model.g_optimizer.iterations)) == (
        int(saved["g_iterations"]) + 1
    )
    paths = saved["weight_paths"]
    found = v1_weights(model, saved)
    for i, (value, reference) in enumerate(zip(found, after)):
        np.testing.assert_allclose(
            value,
            reference,
            rtol=STEP_RTOL,
            atol=STEP_ATOL,
            err_msg=f"weight {i} ({paths[i]}) after one more step",
        )
