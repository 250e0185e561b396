"""The image-to-image recipes end to end: train, score, export, resume.

Each recipe runs once, in one test, on its default digit task with the
tiniest networks: all three on TensorFlow, Pix2Pix on JAX and torch (see
`helpers.recipe_on_tensorflow_only`).
Pix2Pix exports its one direction; DiscoGAN shares CycleGAN's two-way
export code and skips it.
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
from tests import helpers
from tests.conftest import one_torch_thread

BATCH_SIZE = 64
SIZE = (16, 16)
# Two PatchGAN layers: three need images of at least 24 pixels.
TINY = [
    "--epochs", "1", "--image-size", "16,16", "--filters", "4",
    "--d-layers", "2", "--batch-size", str(BATCH_SIZE), "--verbose", "0",
]
RECIPES = {
    # recipe: (model class, default dataset, directions, extra flags)
    "pix2pix": ("Pix2Pix", "digits-edges", ("a_to_b",), []),
    "cyclegan": (
        "CycleGAN", "digits-inverted", ("a_to_b", "b_to_a"),
        ["--num-blocks", "1", "--pool-size", "4", "--no-identity"],
    ),
    "discogan": (
        "DiscoGAN", "digits-inverted", ("a_to_b", "b_to_a"),
        ["--no-identity", "--no-export"],
    ),
}
EXPORTED = ("cyclegan", "pix2pix")
PAIRED_KEYS = {
    "psnr", "ssim", "input_psnr", "input_ssim", "mean_psnr", "mean_ssim",
    "num_pairs",
}


def _read_json(path):
    with open(path) as f:
        return json.load(f)


def _arrays(dataset, split):
    return data.load_translation_arrays(dataset, split=split, image_size=SIZE)


def _steps_per_epoch(recipe):
    """Full batches of one epoch: pairs (paired), or the larger domain."""
    train = _arrays(RECIPES[recipe][1], "train")
    count = len(train.a) if train.paired else max(len(train.a), len(train.b))
    return count // BATCH_SIZE


def _main(recipe, argv):
    module = importlib.import_module(f"keras_gans.recipes.{recipe}")
    with one_torch_thread():
        return module.main(argv)


def _train(recipe, root, *flags):
    """Runs `recipe` into `root`; returns (run_dir, out, summary)."""
    run_dir, out = str(root / "run"), str(root / "export")
    argv = TINY + RECIPES[recipe][3] + [
        "--run-dir", run_dir, "--out", out, *flags,
    ]
    assert _main(recipe, argv) == 0
    return run_dir, out, _read_json(os.path.join(run_dir, "summary.json"))


# One test per recipe run: under `pytest -n 2` a module-scoped run shared
# by several tests could be trained once per worker.
@pytest.mark.parametrize(
    "recipe",
    [
        recipe if recipe == "pix2pix"
        else pytest.param(recipe, marks=helpers.recipe_on_tensorflow_only)
        for recipe in sorted(RECIPES)
    ],
)
def test_recipe_end_to_end(recipe, tmp_path):
    run_dir, out, summary = _train(recipe, tmp_path)
    model = keras.saving.load_model(os.path.join(run_dir, "final.keras"))
    check_summary(recipe, run_dir, out, summary, model)
    if recipe in EXPORTED:
        check_export(recipe, out, summary, model)
    if recipe == "cyclegan":  # pools, schedule and two optimizers
        check_resume_after_the_end(recipe, tmp_path, summary)


def check_summary(recipe, run_dir, out, summary, model):
    name, dataset, _, _ = RECIPES[recipe]
    assert summary["recipe"] == name == type(model).__name__
    assert summary["backend"] == keras.backend.backend()
    assert summary["dataset"] == dataset
    assert summary["resumed_from_epoch"] == 0
    assert summary["generator_steps"] == _steps_per_epoch(recipe)
    for path in ("final.keras", "samples/epoch_0001.png", "curves.png",
                 "checkpoints/epoch_0001.keras"):
        assert os.path.exists(os.path.join(run_dir, path)), path
    if recipe not in EXPORTED:  # --no-export
        assert "export_errors" not in summary and not os.path.exists(out)
    # The scores are those of the saved final model on the test split.
    test = _arrays(dataset, "test")
    scores = summary["test_scores"]
    if test.paired:
        assert set(scores) == PAIRED_KEYS
        train_b = _arrays(dataset, "train").b
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
    test = _arrays(RECIPES[recipe][1], "test")
    sources = {"a_to_b": test.a[:8], "b_to_a": test.b[:8]}
    for direction in directions:
        directory = os.path.join(out, direction)
        for name in ("saved_model", "generator.tflite", "model_card.json"):
            assert os.path.exists(os.path.join(directory, name)), name
        card = _read_json(os.path.join(directory, "model_card.json"))
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


def check_resume_after_the_end(recipe, root, summary):
    """`--resume` of a finished run restores it, trains nothing, rescores."""
    assert _main(
        recipe,
        TINY + RECIPES[recipe][3] + [
            "--run-dir", str(root / "run"), "--out", str(root / "export"),
            "--resume", "--no-export",
        ],
    ) == 0
    resumed = _read_json(os.path.join(str(root / "run"), "summary.json"))
    assert resumed["resumed_from_epoch"] == 1 == resumed["epochs"]
    assert resumed["generator_steps"] == summary["generator_steps"]
    assert resumed["test_scores"] == pytest.approx(summary["test_scores"])
    assert "export_errors" not in resumed


def test_cli_lists_and_explains_the_translation_recipes(capsys):
    from keras_gans.cli import known_variants
    from keras_gans.cli import main

    variants = known_variants()
    assert {"pix2pix", "cyclegan", "discogan"} <= set(variants)
    assert "translation_kind" not in variants
    assert main(["train", "pix2pix", "--help"]) == 0
    text = capsys.readouterr().out
    for flag in ("--image-size", "--d-layers", "--no-identity", "--resume"):
        assert flag in text, flag
    assert "digits-edges" in text and "Pix2Pix" in text
    # A translator has no latent: its parser never adds the latent flags.
    for flag in ("--latent-dim", "--image-shape"):
        assert flag not in text, flag
    assert main(["train", "translation_kind"]) == 2
