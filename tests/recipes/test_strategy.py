"""`--strategy` and `--dtype-policy` of the recipes.

The multi-replica cases run in their own processes: 2 logical CPUs for
MirroredStrategy (tests/training/test_distribution.py), 2 worker processes
(test_multi_worker.py) and 2 JAX host devices (test_data_parallel.py, which
sets its distribution through `select_strategy`).
"""

import json
import os

import keras
import numpy as np
import pytest

from keras_gans.recipes import dcgan
from keras_gans.recipes.strategy import non_chief_name
from keras_gans.recipes.strategy import select_strategy
from tests import helpers

BACKEND = keras.backend.backend()
# Narrow networks: mixed_bfloat16 on CPU is emulated, and the digits
# defaults' widths made this one epoch cost 21 s instead of 6 s.
FAST = [
    "--dataset", "digits", "--image-shape", "16,16,1", "--latent-dim", "8",
    "--latent-classes", "4", "--g-filters", "32,16", "--d-filters", "16,32",
]


def test_unknown_strategy_names_the_choices():
    with pytest.raises(ValueError, match="strategy.*'mirrored'"):
        select_strategy("horovod")


def test_auto_on_one_device_is_a_single_replica():
    scope, replicas = select_strategy("auto", batch_size=7)
    assert replicas == 1
    with scope:
        model = helpers.tiny_dcgan()
    assert model.built


@pytest.mark.skipif(BACKEND != "torch", reason="torch's refusal")
@pytest.mark.parametrize("name", ["mirrored", "multiworker", "tpu"])
def test_torch_refuses_multi_device_strategies(name):
    with pytest.raises(ValueError, match="tensorflow or jax backend"):
        select_strategy(name)


@pytest.mark.skipif(BACKEND != "tensorflow", reason="tf.distribute only")
def test_mirrored_builds_the_model_under_mirrored_strategy():
    import tensorflow as tf

    scope, replicas = select_strategy("mirrored", batch_size=8)
    with scope:
        model = helpers.tiny_dcgan()
        model.compile()
    assert isinstance(model.distribute_strategy, tf.distribute.MirroredStrategy)
    assert replicas == model.distribute_strategy.num_replicas_in_sync


@pytest.mark.skipif(BACKEND != "tensorflow", reason="tf.distribute only")
def test_multiworker_without_tf_config_explains_it(monkeypatch):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    with pytest.raises(ValueError, match="TF_CONFIG"):
        select_strategy("multiworker")


@pytest.mark.skipif(BACKEND == "torch", reason="torch refuses it (above)")
def test_tpu_without_a_tpu_says_so():
    with pytest.raises(ValueError, match="found no TPU"):
        select_strategy("tpu")


@pytest.mark.skipif(
    BACKEND == "jax", reason="JAX names processes by jax.process_index()"
)
@pytest.mark.parametrize(
    "task, cluster, expected",
    [
        (None, None, None),
        ({"type": "worker", "index": 0}, {"worker": ["a", "b"]}, None),
        ({"type": "worker", "index": 1}, {"worker": ["a", "b"]}, "worker_1"),
        (
            {"type": "worker", "index": 0},
            {"chief": ["c"], "worker": ["a"]},
            "worker_0",
        ),
        (
            {"type": "chief", "index": 0},
            {"chief": ["c"], "worker": ["a"]},
            None,
        ),
    ],
)
def test_only_the_chief_writes(monkeypatch, task, cluster, expected):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    if task is not None:
        monkeypatch.setenv(
            "TF_CONFIG", json.dumps({"cluster": cluster, "task": task})
        )
    assert non_chief_name() == expected


def run_with_strategy_and_bfloat16(recipe, flags, run_dir):
    """Runs `recipe.main` under mirrored (TF/JAX) or auto (torch) and
    mixed_bfloat16; returns its summary and the reloaded final model."""
    strategy = "mirrored" if BACKEND != "torch" else "auto"
    argv = flags + [
        "--epochs", "1", "--run-dir", run_dir, "--no-export",
        "--strategy", strategy, "--dtype-policy", "mixed_bfloat16",
    ]  # fmt: skip
    try:
        assert recipe.main(argv) == 0
    finally:
        keras.config.set_dtype_policy("float32")
    with open(os.path.join(run_dir, "summary.json")) as f:
        summary = json.load(f)
    assert summary["replicas"] == 1
    assert summary["dtype_policy"] == "mixed_bfloat16"
    restored = keras.saving.load_model(os.path.join(run_dir, "final.keras"))
    return summary, restored


def test_recipe_trains_with_strategy_and_mixed_bfloat16(tmp_path):
    summary, restored = run_with_strategy_and_bfloat16(
        dcgan, FAST + ["--batch-size", "256"], str(tmp_path / "run")
    )
    assert summary["generator_steps"] == 1797 // 256
    images = restored.generate(4, seed=0)
    assert images.dtype == "float32"
    assert abs(images).max() <= 1.0


@helpers.recipe_on_tensorflow_only
def test_translation_recipe_trains_with_strategy_and_mixed_bfloat16(tmp_path):
    from keras_gans.recipes import pix2pix

    flags = [
        "--image-size", "16,16", "--filters", "4", "--d-layers", "2",
        "--batch-size", "128", "--verbose", "0",
    ]  # fmt: skip
    summary, restored = run_with_strategy_and_bfloat16(
        pix2pix, flags, str(tmp_path / "run")
    )
    assert summary["generator_steps"] > 0
    assert summary["test_scores"]["psnr"] > 0
    images = restored.translate(np.zeros((2, 16, 16, 1), "float32"))
    assert images.dtype == "float32"
    assert np.isfinite(images).all() and abs(images).max() <= 1.0
