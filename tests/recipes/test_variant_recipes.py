"""The variant recipes: flags -> model, and one end-to-end run."""

import importlib
import json
import os

import keras
import numpy as np
import pytest

from keras_gans.recipes import variant_recipe
from tests import helpers

RECIPES = {
    "gan": "GAN",
    "wgan": "WGAN",
    "wgan_gp": "WGANGP",
    "lsgan": "LSGAN",
    "sngan": "SNGAN",
    "sagan": "SAGAN",
}


def _args(recipe, argv):
    module = importlib.import_module(f"keras_gans.recipes.{recipe}")
    return module.RECIPE.parse_args(argv)


@pytest.mark.parametrize("recipe", sorted(RECIPES))
def test_mnist_defaults_build_the_variant_with_the_recipes_rates(recipe):
    args = _args(recipe, ["--dataset", "mnist-idx", "--image-shape", "28,28,1"])
    gan = variant_recipe.build_model(RECIPES[recipe], args)
    assert type(gan).__name__ == RECIPES[recipe]
    assert gan.image_shape == (28, 28, 1)
    # A fixed decay would keep the initial weights in a short run's
    # average; every recipe ramps a half-life instead.
    assert gan.ema.half_life_kimg == args.ema_half_life == 10.0
    if recipe == "wgan":
        # The clipped critic cannot read a code: the small networks only.
        assert (gan.g_filters, gan.d_filters, gan.latent_classes) == (
            (128, 64), (32, 64), 0
        )
        assert gan.d_penalties == []
    elif recipe != "gan":
        # The DCGAN family's digit networks and code, with its penalty.
        assert (gan.g_filters, gan.d_filters, gan.latent_classes) == (
            (128, 64), (32, 64), 10
        )
        assert "ClusterConsistency" in [type(p).__name__ for p in gan.d_penalties]
        # Per-category scores only for the BatchNorm critic (LSGAN's).
        assert gan.cluster_scores == (recipe == "lsgan")
    paper = gan.default_optimizers()
    for key, rate in (
        ("discriminator", getattr(args, "d_lr")),
        ("generator", getattr(args, "g_lr")),
    ):
        expected = paper[key].learning_rate if rate is None else rate
        np.testing.assert_allclose(
            helpers.to_numpy(gan.optimizer[key].learning_rate),
            helpers.to_numpy(expected),
        )
    assert args.out == os.path.join("saved_models", f"{recipe}_mnist-idx")


def test_flags_override_rates_steps_and_add_adaptive_augmentation():
    args = _args(
        "wgan_gp",
        [
            "--dataset", "digits", "--image-shape", "16,16,1",
            "--d-lr", "3e-4", "--g-lr", "5e-5", "--d-steps", "2",
            "--augment", "translation,color", "--ada-target", "0.6",
        ],
    )
    gan = variant_recipe.build_model("WGANGP", args)
    np.testing.assert_allclose(helpers.to_numpy(gan.d_optimizer.learning_rate), 3e-4)
    np.testing.assert_allclose(helpers.to_numpy(gan.g_optimizer.learning_rate), 5e-5)
    assert gan.d_steps == 2
    assert gan.augment.policy == ("translation", "color")
    assert gan.augment.target == 0.6
    assert float(helpers.to_numpy(gan.augment.probability)) == 0.0


def test_sngan_recipe_trains_one_epoch_and_writes_its_summary(tmp_path):
    from keras_gans.recipes import sngan

    run_dir = str(tmp_path / "run")
    argv = [
        "--dataset", "digits", "--image-shape", "8,8,1", "--latent-dim", "16",
        "--g-filters", "16,8", "--d-filters", "8,16",
        "--epochs", "1", "--no-export", "--run-dir", run_dir,
        "--augment", "translation,cutout,color", "--ada-target", "0.6",
    ]
    assert sngan.main(argv) == 0
    with open(os.path.join(run_dir, "summary.json")) as f:
        summary = json.load(f)
    assert summary["recipe"] == "SNGAN"
    assert summary["generator_steps"] == 1797 // 32  # the digits' batch
    restored = keras.saving.load_model(os.path.join(run_dir, "final.keras"))
    assert float(helpers.to_numpy(restored.augment.probability)) > 0.0
    assert os.path.exists(os.path.join(run_dir, "samples", "epoch_0001.png"))


def test_cli_knows_every_variant_recipe():
    from keras_gans.cli import known_variants

    assert set(known_variants()) == set(RECIPES) | {
        "dcgan", "cgan", "acgan", "pix2pix", "cyclegan", "discogan", "srgan",
        "stylegan2", "singan",
    }


def test_cli_does_not_run_shared_recipe_modules_as_variants(capsys):
    from keras_gans.cli import main

    assert main(["train", "variant_recipe"]) == 2
    assert "unknown variant 'variant_recipe'" in capsys.readouterr().err


@pytest.mark.once  # flag parsing and model building: backend-independent
def test_network_flags_reach_a_dcgan_family_variant_but_not_the_mlp_gan():
    args = _args(
        "lsgan",
        [
            "--dataset", "digits", "--image-shape", "16,16,1",
            "--g-filters", "16,8", "--d-filters", "8,16",
            "--latent-classes", "4", "--cluster-weight", "0.5",
            "--consistency-weight", "1.5",
        ],
    )
    gan = variant_recipe.build_model("LSGAN", args)
    assert (gan.g_filters, gan.d_filters) == ((16, 8), (8, 16))
    assert (gan.latent_classes, gan.cluster_weight) == (4, 0.5)
    (penalty,) = gan.d_penalties
    assert (penalty.name, penalty.weight) == ("consistency", 1.5)
    # Without a code there is no head for the penalty to regularize.
    no_code = variant_recipe.build_model(
        "LSGAN", _args("lsgan", ["--dataset", "mnist-idx", "--latent-classes", "0"])
    )
    assert (no_code.latent_classes, no_code.d_penalties) == (0, [])
    with pytest.raises(SystemExit):
        _args("gan", ["--latent-classes", "4"])


@pytest.mark.once  # flag parsing: backend-independent
def test_a_negative_or_unreadable_weight_is_a_usage_error_naming_the_flag(capsys):
    from keras_gans.recipes import lsgan

    for value in ("-1", "nan", "heavy"):
        with pytest.raises(SystemExit) as stop:
            lsgan.RECIPE.parse_args(["--consistency-weight", value])
        assert stop.value.code == 2
        err = capsys.readouterr().err
        assert "--consistency-weight" in err and f"Received: {value!r}" in err
    assert _args("lsgan", ["--cluster-weight", "0"]).cluster_weight == 0.0
