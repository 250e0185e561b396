"""`jit_compile` and `steps_per_execution` pass through `compile()`."""

import keras
import pytest

from tests import helpers


@pytest.mark.skipif(
    keras.backend.backend() == "torch",
    reason="Keras' torch trainer only runs steps_per_execution=1 (below)",
)
def test_steps_per_execution_runs_every_adversarial_step(tmp_path):
    model = helpers.tiny_dcgan()
    model.compile(steps_per_execution=3)
    assert model.steps_per_execution == 3
    history = helpers.fit_steps(model, 6, batch_size=4)
    # Two executions of 3 steps: 6 updates of each player.
    assert helpers.iterations(model.g_optimizer) == 6
    assert helpers.iterations(model.d_optimizer) == 6
    assert set(history.history) >= {"d_loss", "g_loss"}
    restored = helpers.save_and_reload(model, tmp_path)
    assert restored.steps_per_execution == 3


def test_jit_compile_passes_through_and_is_saved(tmp_path):
    # Not fitted: on JAX `jit_compile=False` runs every op eagerly, each
    # compiled on its own (17 s of the JAX session for a 6-step fit).
    model = helpers.tiny_dcgan()
    model.compile(jit_compile=False)
    assert model.jit_compile is False
    restored = helpers.save_and_reload(model, tmp_path)
    assert restored.jit_compile is False


@pytest.mark.skipif(
    keras.backend.backend() != "torch", reason="torch's limitation"
)
def test_torch_refuses_several_steps_per_execution():
    model = helpers.tiny_dcgan()
    model.compile(steps_per_execution=3)
    with pytest.raises(ValueError, match="steps_per_execution"):
        helpers.fit_steps(model, 3, batch_size=4)
