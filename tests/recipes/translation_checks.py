"""What a finished translation recipe run must show: its summary, scores,
export and a `--resume` after its end.

Shared by tests/recipes/test_translation_recipes.py (Pix2Pix, DiscoGAN) and
tests/recipes/test_translation_resume.py, whose uninterrupted CycleGAN run
(the reference of its SIGKILL test) is also CycleGAN's end-to-end check.
"""

import importlib
import json
import os

import keras
import numpy as np
import pytest

from keras_gans import data
from keras_gans.export import load_translator_artifact
from keras_gans.metrics.translation_evaluation import paired_scores
from keras_gans.metrics.translation_evaluation import unpaired_scores
from tests.conftest import one_torch_thread

SIZE = (16, 16)
# Pix2Pix's recipe run exports on TensorFlow only: the translator export is
# checked against each backend's Keras model in tests/export (the free-size
# Pix2Pix U-Net), and on JAX and torch the recipe's export would be one
# more TensorFlow child process (~15 s on JAX).
_PIX2PIX_EXPORTS = keras.backend.backend() == "tensorflow"
RECIPES = {
    # recipe: (model class, default dataset, directions, extra flags)
    "pix2pix": (
        "Pix2Pix", "digits-edges", ("a_to_b",),
        [] if _PIX2PIX_EXPORTS else ["--no-export"],
    ),
    "cyclegan": (
        "CycleGAN", "digits-inverted", ("a_to_b", "b_to_a"),
        ["--num-blocks", "1", "--pool-size", "4", "--no-identity"],
    ),
    "discogan": (
        "DiscoGAN", "digits-inverted", ("a_to_b", "b_to_a"),
        ["--no-identity", "--no-export"],
    ),
}
EXPORTED = ("cyclegan", "pix2pix") if _PIX2PIX_EXPORTS else ("cyclegan",)
PAIRED_KEYS = {
    "psnr", "ssim", "input_psnr", "input_ssim", "mean_psnr", "mean_ssim",
    "num_pairs",
}


def read_json(path):
    with open(path) as f:
        return json.load(f)


def arrays(dataset, split):
    return data.load_translation_arrays(dataset, split=split, image_size=SIZE)


def steps_per_epoch(recipe, batch_size):
    """Full batches of one epoch: pairs (paired), or the larger domain."""
    train = arrays(RECIPES[recipe][1], "train")
    count = len(train.a) if train.paired else max(len(train.a), len(train.b))
    return count // batch_size


def main(recipe, argv):
    module = importlib.import_module(f"keras_gans.recipes.{recipe}")
    with one_torch_thread():
        return module.main(argv)


def check_summary(recipe, run_dir, out, summary, model, epochs, batch_size):
    name, dataset, _, _ = RECIPES[recipe]
    assert summary["recipe"] == name == type(model).__name__
    assert summary["backend"] == keras.backend.backend()
    assert summary["dataset"] == dataset
    assert summary["resumed_from_epoch"] == 0
    assert summary["generator_steps"] == epochs * steps_per_epoch(
        recipe, batch_size
    )
    last = f"epoch_{epochs:04d}"
    for path in ("final.keras", f"samples/{last}.png", "curves.png",
                 f"checkpoints/{last}.keras"):
        assert os.path.exists(os.path.join(run_dir, path)), path
    if recipe not in EXPORTED:  # --no-export
        assert "export_errors" not in summary and not os.path.exists(out)
    # The scores are those of the saved final model on the test split.
    test = arrays(dataset, "test")
    scores = summary["test_scores"]
    if test.paired:
        assert set(scores) == PAIRED_KEYS
        train_b = arrays(dataset, "train").b
        mean_target = (train_b.astype("float32") / 127.5 - 1.0).mean(axis=0)
        expected = paired_scores(model.translate, test.a, test.b, mean_target)
        assert scores["num_pairs"] == len(test.a)
        assert 0.0 < scores["psnr"] < np.inf and -1 <= scores["ssim"] <= 1
    else:
        assert set(scores) == {"cycle_a", "cycle_b"}  # --no-identity
        expected = unpaired_scores(model, test)
        assert 0.0 < scores["cycle_a"] < 2.0 and 0.0 < scores["cycle_b"] < 2.0
    assert scores == pytest.approx(expected, rel=1e-4)


def check_export(recipe, out, summary, model):
    directions = RECIPES[recipe][2]
    assert sorted(os.listdir(out)) == sorted(
        directions + ("samples.png", "curves.png")
    )
    assert set(summary["export_errors"]) == set(directions)
    test = arrays(RECIPES[recipe][1], "test")
    sources = {"a_to_b": test.a[:8], "b_to_a": test.b[:8]}
    for direction in directions:
        directory = os.path.join(out, direction)
        for name in ("saved_model", "generator.tflite", "model_card.json"):
            assert os.path.exists(os.path.join(directory, name)), name
        card = read_json(os.path.join(directory, "model_card.json"))
        assert card["kind"] == "translator"
        assert card["direction"] == direction.replace("_to_", "->").upper()
        assert card["steps"] == summary["generator_steps"]
        assert card["test_scores"] == pytest.approx(summary["test_scores"])
        errors = card["export_errors"]
        assert errors == summary["export_errors"][direction]
        assert errors["saved_model_max_abs_error"] <= 1e-4
        assert errors["tflite_max_abs_error"] <= 1e-4
        # The TFLite file translates held-out images like the final model.
        images = sources[direction].astype("float32") / 127.5 - 1.0
        tflite = load_translator_artifact(
            os.path.join(directory, "generator.tflite")
        )
        np.testing.assert_allclose(
            tflite(images), model.translate(images, direction), atol=1e-4
        )


def check_resume_after_the_end(recipe, argv, run_dir, out, summary, epochs):
    """`--resume` of a finished run restores it, trains nothing, rescores.

    `argv`: the run's flags without `--run-dir` and `--out`.
    """
    assert main(
        recipe,
        argv + [
            "--run-dir", str(run_dir), "--out", str(out),
            "--resume", "--no-export",
        ],
    ) == 0
    resumed = read_json(os.path.join(str(run_dir), "summary.json"))
    assert resumed["resumed_from_epoch"] == epochs == resumed["epochs"]
    assert resumed["generator_steps"] == summary["generator_steps"]
    assert resumed["test_scores"] == pytest.approx(summary["test_scores"])
    assert "export_errors" not in resumed
