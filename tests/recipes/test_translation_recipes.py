"""The image-to-image recipes end to end: train, score, export, resume.

Each recipe runs once, in one test, on its default digit task with the
tiniest networks: Pix2Pix and DiscoGAN here, on TensorFlow, and Pix2Pix on
JAX and torch (see `helpers.recipe_on_tensorflow_only`). CycleGAN's
end-to-end run is the uninterrupted reference run of the CycleGAN SIGKILL
test in tests/recipes/test_translation_resume.py (also TensorFlow only),
which gets the same checks (tests/recipes/translation_checks.py): it was
trained twice, once for each test.
Pix2Pix exports its one direction; DiscoGAN shares CycleGAN's two-way
export code and skips it.
"""

import os

import keras
import pytest

from tests import helpers
from tests.recipes import translation_checks as checks

BATCH_SIZE = 64
# Two PatchGAN layers: three need images of at least 24 pixels.
TINY = [
    "--epochs", "1", "--image-size", "16,16", "--filters", "4",
    "--d-layers", "2", "--batch-size", str(BATCH_SIZE), "--verbose", "0",
]


def _train(recipe, root, *flags):
    """Runs `recipe` into `root`; returns (run_dir, out, summary)."""
    run_dir, out = str(root / "run"), str(root / "export")
    argv = TINY + checks.RECIPES[recipe][3] + [
        "--run-dir", run_dir, "--out", out, *flags,
    ]
    assert checks.main(recipe, argv) == 0
    return run_dir, out, checks.read_json(os.path.join(run_dir, "summary.json"))


# One test per recipe run: under `pytest -n 2` a module-scoped run shared
# by several tests could be trained once per worker.
@pytest.mark.parametrize(
    "recipe",
    [
        recipe if recipe == "pix2pix"
        else pytest.param(recipe, marks=helpers.recipe_on_tensorflow_only)
        for recipe in sorted(checks.RECIPES)
        if recipe != "cyclegan"  # see the module docstring
    ],
)
def test_recipe_end_to_end(recipe, tmp_path):
    run_dir, out, summary = _train(recipe, tmp_path)
    model = keras.saving.load_model(os.path.join(run_dir, "final.keras"))
    checks.check_summary(
        recipe, run_dir, out, summary, model, epochs=1, batch_size=BATCH_SIZE
    )
    if recipe in checks.EXPORTED:
        checks.check_export(recipe, out, summary, model)


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
