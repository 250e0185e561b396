"""The conditional recipes (cgan, acgan): flags -> model, one full run."""

import importlib
import json
import os

import keras
import numpy as np
import pytest
from PIL import Image

from keras_gans.recipes import conditional_recipe
from keras_gans.recipes.latent_kind import final_samples
from tests import helpers


def _args(recipe, argv):
    module = importlib.import_module(f"keras_gans.recipes.{recipe}")
    return module.RECIPE.parse_args(argv)


@pytest.mark.parametrize(
    "recipe, class_name", [("cgan", "CGAN"), ("acgan", "ACGAN")]
)
def test_defaults_read_the_class_count_and_load_labels(recipe, class_name):
    args = _args(recipe, ["--dataset", "digits", "--image-shape", "16,16,1"])
    assert args.with_labels
    gan = conditional_recipe.build_model(class_name, args)
    assert type(gan).__name__ == class_name
    assert gan.num_classes == 10  # read from the digits dataset
    assert gan.ema_decay == 0.999
    np.testing.assert_allclose(
        helpers.to_numpy(gan.d_optimizer.learning_rate), args.d_lr
    )


def test_flags_reach_the_model():
    args = _args(
        "acgan",
        [
            "--dataset",
            "digits",
            "--image-shape",
            "16,16,1",
            "--num-classes",
            "12",
            "--d-conditioning",
            "projection",
            "--conditional-bn",
            "1",
            "--label-encoding",
            "one_hot",
            "--fake-labels",
            "uniform",
            "--class-weight",
            "0.5",
            "--d-lr",
            "1e-4",
            "--d-steps",
            "2",
        ],
    )
    gan = conditional_recipe.build_model("ACGAN", args)
    assert gan.num_classes == 12
    assert gan.d_conditioning == "projection"
    assert gan.g_conditional_batchnorm and gan.label_encoding == "one_hot"
    assert gan.fake_labels == "uniform" and gan.class_weight == 0.5
    assert gan.d_steps == 2
    np.testing.assert_allclose(
        helpers.to_numpy(gan.d_optimizer.learning_rate), 1e-4
    )
    none = _args("acgan", ["--dataset", "digits", "--d-conditioning", "none"])
    assert conditional_recipe.model_options(none)["d_conditioning"] is None


@pytest.mark.once  # flag resolution: backend-independent
def test_a_given_ema_half_life_replaces_the_recipes_default_decay():
    args = _args("cgan", ["--dataset", "digits", "--ema-half-life", "5"])
    assert (args.ema_decay, args.ema_half_life) == (None, 5.0)
    gan = conditional_recipe.build_model("CGAN", args)
    assert gan.ema.half_life_kimg == 5.0
    # And the other way round: a given decay is kept as given.
    assert _args("cgan", ["--dataset", "digits", "--ema-decay", "0.99"]).ema_decay == 0.99


def test_final_samples_have_one_row_per_class():
    gan = helpers.tiny_conditional()
    images, rows = final_samples(gan, seed=0)
    assert rows == 3 and images.shape == (30, 16, 16, 1)
    expected = gan.generate(30, labels=np.repeat(np.arange(3), 10), seed=0)
    np.testing.assert_array_equal(images, expected)
    images, rows = final_samples(helpers.tiny_dcgan(), seed=0)
    assert rows is None and len(images) == 64


# The conditional export (card, two-input signature, parity) is checked on
# every backend by tests/export/test_conditional_export.py; the recipe's
# export step is the shared runner's. So the recipe exports here on
# TensorFlow only: on JAX and torch it is one more TensorFlow child.
RECIPE_EXPORTS = keras.backend.backend() == "tensorflow"


def test_cgan_recipe_trains_exports_and_writes_a_class_grid(tmp_path):
    from keras_gans.recipes import cgan

    run_dir, out = str(tmp_path / "run"), str(tmp_path / "out")
    argv = [
        "--dataset", "digits", "--image-shape", "8,8,1", "--latent-dim", "8",
        "--epochs", "1", "--run-dir", run_dir,
    ]  # fmt: skip
    argv += ["--out", out] if RECIPE_EXPORTS else ["--no-export"]
    assert cgan.main(argv) == 0
    with open(os.path.join(run_dir, "summary.json")) as f:
        summary = json.load(f)
    assert summary["recipe"] == "CGAN"
    assert summary["generator_steps"] == 1797 // 64
    # 10 rows x 10 columns of 8x8 tiles with 2-pixel padding, upscaled 2x.
    epoch_grid = Image.open(os.path.join(run_dir, "samples", "epoch_0001.png"))
    assert epoch_grid.size == (204, 204)
    if not RECIPE_EXPORTS:
        return
    with open(os.path.join(out, "model_card.json")) as f:
        card = json.load(f)
    assert card["num_classes"] == 10
    assert card["signature"]["inputs"] == {"latent": [None, 8], "label": [None]}
    grid = Image.open(os.path.join(out, "samples.png"))
    assert grid.size == (204, 204)
