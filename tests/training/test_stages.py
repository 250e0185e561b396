"""Training in stages: `Stage`, `build_stage`, `enter_stage`, `fit_stages`.

The model is tests/training/staged_model.py's `StagedGAN`: stage 0 "base"
trains G0 against D (optimizers "generator" and "discriminator"); stage 1
"grow" adds G1 refining G0's output, freezes G0, trains G1 with a new
optimizer, "generator_1", and logs one more key. Stages of 4 and 6 steps
at 2 steps per epoch: epochs 0-1 are stage 0's, 2-4 stage 1's.

The uninterrupted run (`reference`) is made once per module, in this
process; the SIGKILL test compares a killed-and-resumed pair of child
processes (tests/training/staged_run_check.py) to it, bit for bit.
"""

import json
import os
import signal
import subprocess
import sys
import types

import keras
import numpy as np
import pytest

from keras_gans import Stage
from keras_gans.training.state_paths import seed_generator_paths
from tests import helpers
from tests.conftest import REPO
from tests.conftest import one_torch_thread
from tests.training import staged_model
from tests.training.staged_model import STEPS_PER_EPOCH

PROCESS_TIMEOUT_S = 600


def _int(value):
    return int(helpers.to_numpy(value))


class _Recorder(keras.callbacks.Callback):
    """Where training is at each epoch, and the networks at stage 1's start."""

    def __init__(self):
        super().__init__()
        self.begins = []
        self.logged = {}
        self.at_stage_1 = None

    def on_epoch_begin(self, epoch, logs=None):
        model = self.model
        self.begins.append(
            (epoch, model.stage, model.stage_name, _int(model.stage_step))
        )
        if model.stage == 1 and self.at_stage_1 is None:
            self.at_stage_1 = {
                "generator": helpers.snapshot(model.generator.weights),
                "refiner": helpers.snapshot(model.refiner.weights),
                "frozen": not model.generator.trainable,
            }

    def on_epoch_end(self, epoch, logs=None):
        self.logged[epoch] = set(logs)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The uninterrupted run through both stages, saved at its end."""
    directory = tmp_path_factory.mktemp("staged_reference")
    with one_torch_thread():
        model = staged_model.build_compiled()
        initial_generator = helpers.snapshot(model.generator.weights)
        had_extra_tracker = hasattr(model, "refine_norm_tracker")
        recorder = _Recorder()
        history = model.fit_stages(
            staged_model.batches(),
            steps_per_epoch=STEPS_PER_EPOCH,
            callbacks=[recorder],
            verbose=0,
            shuffle=False,
        )
        path = os.path.join(str(directory), "final.keras")
        model.save(path)
        return types.SimpleNamespace(
            path=path,
            state=staged_model.state_of(model),
            recorder=recorder,
            history_epochs=list(history.epoch),
            history_keys=set(history.history),
            initial_generator=initial_generator,
            had_extra_tracker=had_extra_tracker,
            where=(
                model.stage,
                model.stage_name,
                _int(model.stage_step),
                _int(model.step_counter),
            ),
            iterations={
                name: helpers.iterations(optimizer)
                for name, optimizer in model.optimizer.members.items()
            },
            trainable_ids={id(v) for v in model.trainable_variables},
            network_ids={
                name: [id(v) for v in getattr(model, name).weights]
                for name in staged_model.NETWORKS
            },
            compile_config=model.get_compile_config(),
            config=model.get_config(),
            final_weights={
                name: helpers.snapshot(getattr(model, name).weights)
                for name in staged_model.NETWORKS
            },
        )


def _assert_same_arrays(expected, actual):
    for desired, found in zip(expected, actual, strict=True):
        np.testing.assert_array_equal(found, desired)


def _differ(before, after):
    return any(not np.array_equal(a, b) for a, b in zip(before, after))


def test_fit_stages_trains_each_stage_with_its_networks_optimizers_and_keys(
    reference,
):
    # Epochs are numbered across stages; stage_step restarts in each stage.
    assert reference.recorder.begins == [
        (0, 0, "base", 0),
        (1, 0, "base", 2),
        (2, 1, "grow", 0),
        (3, 1, "grow", 2),
        (4, 1, "grow", 4),
    ]
    assert reference.where == (1, "grow", 6, 10)
    # The returned History is the last fit()'s: stage 1's epochs.
    assert reference.history_epochs == [2, 3, 4]
    base_keys = {"d_loss", "g_loss"}
    grow_keys = base_keys | {"refine_norm"}
    assert reference.recorder.logged == {
        0: base_keys, 1: base_keys, 2: grow_keys, 3: grow_keys, 4: grow_keys
    }
    assert reference.history_keys == grow_keys
    assert not reference.had_extra_tracker
    # One update per step for each phase's optimizer; "generator" stopped
    # with stage 0, "generator_1" trained stage 1 only.
    assert reference.iterations == {
        "discriminator": 10, "generator": 4, "generator_1": 6
    }
    at_stage_1 = reference.recorder.at_stage_1
    assert at_stage_1["frozen"]
    # G0 trained in stage 0, not a bit in stage 1 (frozen); G1 trained.
    assert _differ(reference.initial_generator, at_stage_1["generator"])
    _assert_same_arrays(
        at_stage_1["generator"], reference.final_weights["generator"]
    )
    assert _differ(at_stage_1["refiner"], reference.final_weights["refiner"])
    frozen = set(reference.network_ids["generator"])
    assert not frozen & reference.trainable_ids
    for name in ("discriminator", "refiner"):
        assert set(reference.network_ids[name]) <= reference.trainable_ids


def test_compile_config_names_every_optimizer_and_round_trips(reference):
    config = reference.compile_config
    assert set(config["optimizers"]) == {
        "discriminator", "generator", "generator_1"
    }
    model = staged_model.StagedGAN()
    model.compile_from_config(config)
    members = model.optimizer.members
    assert set(members) == {"discriminator", "generator", "generator_1"}
    rates = {
        name: float(helpers.to_numpy(optimizer.learning_rate))
        for name, optimizer in members.items()
    }
    assert rates == pytest.approx(
        {"discriminator": 1e-3, "generator": 2e-4, "generator_1": 2e-3}
    )
    assert members["generator"].beta_1 == pytest.approx(0.5)
    assert model.get_compile_config()["optimizers"] == config["optimizers"]

    # An optimizer a later stage adds from default_optimizers() is saved
    # in the compile config too.
    model = staged_model.StagedGAN()
    model.compile()
    assert set(model.get_compile_config()["optimizers"]) == {
        "discriminator", "generator"
    }
    model.enter_stage(1)
    added = model.optimizer["generator_1"]
    assert float(helpers.to_numpy(added.learning_rate)) == pytest.approx(1e-3)
    assert added.built
    assert set(model.get_compile_config()["optimizers"]) == {
        "discriminator", "generator", "generator_1"
    }


def test_load_inside_stage_1_restores_networks_weights_slots_and_seeds(
    reference,
):
    assert reference.config["stage"] == 1
    loaded = keras.saving.load_model(reference.path)
    assert isinstance(loaded, staged_model.StagedGAN)
    assert (loaded.stage, loaded.stage_name) == (1, "grow")
    assert loaded.get_config()["stage"] == 1
    # from_config replayed build_stage(1): G1 exists, G0 is frozen.
    assert loaded.refiner is not None
    assert not loaded.generator.trainable
    assert loaded.optimizer_names() == ["discriminator", "generator_1"]
    state = staged_model.state_of(loaded)
    assert set(state) == set(reference.state)
    for key, value in reference.state.items():
        np.testing.assert_array_equal(state[key], value, err_msg=key)
    # What that covers: stage 1's optimizer slots (trained, so not the
    # zeros of a fresh build) and the grown network's seed generator.
    slots = [
        value
        for key, value in state.items()
        if key.startswith("optimizer:generator_1:")
    ]
    assert len(slots) == 2 + 2 * len(loaded.refiner.trainable_weights)
    assert all(np.any(slot) for slot in slots)
    (dropout,) = helpers.layers_of(loaded.refiner, keras.layers.Dropout)
    (key,) = [
        f"seed:{path}"
        for path, generator in seed_generator_paths(loaded).items()
        if generator is dropout.seed_generator
    ]
    assert not np.array_equal(
        state[key], helpers.to_numpy(keras.random.SeedGenerator(14).state)
    )
    assert _int(loaded.optimizer["generator_1"].iterations) == 6
    # A finished plan: fit_stages has nothing left to run.
    assert loaded.fit_stages(
        staged_model.batches(), steps_per_epoch=STEPS_PER_EPOCH, verbose=0
    ) is None
    assert _int(loaded.step_counter) == 10


def test_config_records_the_stage_and_from_config_replays_build_stage():
    model = staged_model.StagedGAN()
    assert model.get_config().get("stage", 0) == 0
    assert (model.stage, model.stage_name, model.refiner) == (0, "base", None)
    grown = staged_model.StagedGAN.from_config(
        {**model.get_config(), "stage": 1}
    )
    assert (grown.stage, grown.stage_name) == (1, "grow")
    assert grown.refiner is not None and not grown.generator.trainable
    assert hasattr(grown, "refine_norm_tracker")
    assert grown.get_config()["stage"] == 1


class _NoRefinerDefault(staged_model.StagedGAN):
    def default_optimizers(self):
        defaults = super().default_optimizers()
        del defaults["generator_1"]
        return defaults


class _OpenEnded(staged_model.StagedGAN):
    def stages(self):
        return [Stage("base", 4), Stage("grow")]


def test_stage_errors_are_clear():
    model = staged_model.StagedGAN()
    for index in (2, -1, True, 1.0, "grow"):
        with pytest.raises(
            ValueError, match=r"`stage` must be an index.*\[0, 2\)"
        ):
            model.enter_stage(index)
    assert model.stage == 0
    with pytest.raises(ValueError, match=r"`stage` must be an index.*stage=2"):
        staged_model.StagedGAN.from_config({**model.get_config(), "stage": 2})
    for steps in (0, -4):
        with pytest.raises(ValueError, match="steps"):
            Stage("bad", steps)

    model.compile()
    batches = staged_model.batches()
    with pytest.raises(
        ValueError, match=r"multiple of steps_per_epoch=4.*stage_grow=6"
    ):
        model.fit_stages(batches, steps_per_epoch=4)
    with pytest.raises(ValueError, match="steps_per_epoch"):
        model.fit_stages(batches, steps_per_epoch=0)
    open_ended = _OpenEnded()
    open_ended.compile()
    with pytest.raises(ValueError, match="stage_grow=None"):
        open_ended.fit_stages(batches, steps_per_epoch=2)
    # Nothing trained.
    assert _int(model.step_counter) == _int(open_ended.step_counter) == 0

    # No default for a later stage's optimizer, none given: named.
    model = _NoRefinerDefault()
    model.compile()
    with pytest.raises(ValueError, match=r"'generator_1'.*has no default"):
        model.enter_stage(1)


def test_compile_optimizer_errors_are_clear():
    model = staged_model.StagedGAN()
    for shortcut, name in (
        ("d_optimizer", "discriminator"),
        ("g_optimizer", "generator"),
    ):
        message = f"'{name}' optimizer is given twice, as `{shortcut}`"
        with pytest.raises(ValueError, match=message):
            model.compile(**{shortcut: "sgd"}, optimizers={name: "adam"})
    for bad in (["adam"], "adam", ("generator_1", "adam")):
        with pytest.raises(ValueError, match="`optimizers` must be a dict"):
            model.compile(optimizers=bad)
    with pytest.raises(ValueError, match=r"optimizers\['generator_1'\]"):
        model.compile(optimizers={"generator_1": 3})


def test_grown_network_seed_state_survives_a_reload_with_automatic_names(
    tmp_path,
):
    """A network grown by build_stage gets fresh automatic layer names in
    the loaded model (`dropout_7` where the original had `dropout_3`);
    its seed generator's state must still be restored, as its weights
    are."""
    model = staged_model.AutoNamedStagedGAN()
    model.compile()
    model.enter_stage(1)
    (dropout,) = helpers.layers_of(model.refiner, keras.layers.Dropout)
    generator = dropout.seed_generator
    # Advance the grown network's seed state, as training steps would.
    for _ in range(3):
        keras.random.normal((1,), seed=generator)
    advanced = helpers.to_numpy(generator.state)
    assert not np.array_equal(
        advanced, helpers.to_numpy(keras.random.SeedGenerator(14).state)
    )
    loaded = helpers.save_and_reload(model, tmp_path)
    (loaded_dropout,) = helpers.layers_of(loaded.refiner, keras.layers.Dropout)
    np.testing.assert_array_equal(
        helpers.to_numpy(loaded_dropout.seed_generator.state),
        advanced,
        err_msg=(
            f"saved paths {sorted(seed_generator_paths(model))}, "
            f"loaded paths {sorted(seed_generator_paths(loaded))}"
        ),
    )


def test_each_stage_optimizer_gets_its_own_slots_back(tmp_path):
    """Two optimizers a stage adds, with slots of the same shapes: each
    must load its own (the group saves them by member name)."""
    model = staged_model.TwinRefinerGAN()
    model.compile()
    model.enter_stage(1)
    assert model.optimizer_names() == [
        "discriminator", "generator_1", "generator_2"
    ]
    # Distinct contents, as training would leave them.
    for fill, name in ((1.0, "generator_1"), (2.0, "generator_2")):
        optimizer = model.optimizer[name]
        optimizer.iterations.assign(int(fill))
        for variable in optimizer.variables:
            if variable is not optimizer.iterations and len(variable.shape):
                variable.assign(keras.ops.full(variable.shape, fill))
    loaded = helpers.save_and_reload(model, tmp_path)
    for name in ("generator_1", "generator_2"):
        _assert_same_arrays(
            helpers.snapshot(model.optimizer[name].variables),
            helpers.snapshot(loaded.optimizer[name].variables),
        )


def _child_environment():
    env = dict(
        os.environ,
        KERAS_BACKEND=keras.backend.backend(),
        PYTHONPATH=os.pathsep.join(
            [REPO] + [p for p in [os.environ.get("PYTHONPATH")] if p]
        ),
        PYTHONUNBUFFERED="1",
        TF_CPP_MIN_LOG_LEVEL="3",
    )
    if keras.backend.backend() == "torch":
        # As the reference's one_torch_thread (and tests/conftest.py).
        env["OMP_NUM_THREADS"] = "1"
    return env


def _child(mode, directory):
    return subprocess.run(
        [sys.executable, "-m", "tests.training.staged_run_check", mode,
         str(directory)],
        check=False,
        capture_output=True,
        text=True,
        env=_child_environment(),
        cwd=REPO,
        timeout=PROCESS_TIMEOUT_S,
    )


def test_sigkill_inside_stage_1_resumes_there_bit_exact(reference, tmp_path):
    killed = _child("kill", tmp_path)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]
    # Killed by its own callback at the end of epoch 2, stage 1's first.
    (line,) = [x for x in killed.stdout.splitlines() if x.startswith("KILL")]
    assert json.loads(line.split(" ", 1)[1]) == {
        "epoch": 2, "stage": 1, "stage_name": "grow", "stage_step": 2,
        "step_counter": 6,
    }
    # The kill came after epoch 2's checkpoint (epoch 3 in
    # TrainingCheckpoint's count of completed epochs); keep=2 left 2 and 3.
    checkpoints = tmp_path / "checkpoints"
    with open(checkpoints / "latest.json") as f:
        assert json.load(f)["epoch"] == 3
    assert sorted(os.listdir(checkpoints)) == [
        "epoch_0002.keras", "epoch_0003.keras", "latest.json"
    ]

    resumed = _child("resume", tmp_path)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    with open(tmp_path / "resumed.json") as f:
        report = json.load(f)
    # It continued inside stage 1, after its first 2 steps there.
    assert report["epoch"] == 3
    assert report["restored"] == {
        "stage": 1, "stage_name": "grow", "stage_step": 2, "step_counter": 6
    }
    assert report["members"] == ["discriminator", "generator", "generator_1"]
    assert report["iterations"]["discriminator"] == 6
    assert report["iterations"]["generator_1"] == 2
    # Epochs 3 and 4 only, in stage 1, none repeated or lost.
    assert report["epochs"] == [[3, 1, 2], [4, 1, 4]]
    assert report["final"] == {
        "stage": 1, "stage_name": "grow", "stage_step": 6, "step_counter": 10
    }
    assert report["latest_checkpoint_epoch"] == 5

    # Bit-exact on every backend: every network weight, the step counters,
    # stage 1's optimizers' variables and every seed state.
    with np.load(tmp_path / "resumed.npz") as saved:
        state = dict(saved)
    assert set(state) == set(reference.state)
    for key, value in reference.state.items():
        np.testing.assert_array_equal(state[key], value, err_msg=key)
