"""The StyleGAN2 recipe: flags -> model, and one end-to-end run."""

import json
import os

import numpy as np
import pytest
from PIL import Image

from keras_gans.recipes import stylegan2
from keras_gans.recipes import style_kind
from tests import helpers

TINY = [
    "--image-shape", "8,8,1", "--latent-dim", "8", "--w-dim", "8",
    "--mapping-layers", "1", "--channel-base", "32", "--channel-max", "8",
    "--mbstd-group", "2", "--latent-classes", "4",
]


@pytest.mark.once  # flag parsing and model building: backend-independent
def test_digit_defaults_build_the_digit_preset_with_the_lazy_adam():
    args = stylegan2.RECIPE.parse_args(
        ["--dataset", "mnist-idx", "--image-shape", "28,28,1"]
    )
    gan = stylegan2.build_model(args)
    preset = gan.presets["digits_32"]
    assert gan.image_shape == (28, 28, 1) and gan.generator.resolution == 32
    assert gan.latent_classes == preset["latent_classes"]
    assert gan.ema.half_life_kimg == args.ema_half_life
    assert gan.style_mixing == 0.0
    assert [(type(p).__name__, p.weight) for p in gan.g_penalties] == [
        ("ModeSeeking", args.mode_seeking)
    ]
    assert args.mode_seeking > 0
    # R1 every 16 D steps: Adam's rate and betas scaled by 16/17.
    ratio = 16 / 17
    d_optimizer = gan.optimizer["discriminator"]
    np.testing.assert_allclose(
        helpers.to_numpy(d_optimizer.learning_rate), args.lr * ratio, rtol=1e-6
    )
    np.testing.assert_allclose(d_optimizer.beta_2, 0.99**ratio, rtol=1e-6)
    assert args.out == os.path.join("saved_models", "stylegan2_mnist-idx")


@pytest.mark.once
def test_flags_override_the_preset():
    args = stylegan2.RECIPE.parse_args(
        ["--dataset", "digits", *TINY, "--style-mixing", "0.5",
         "--r1-gamma", "2", "--pl-weight", "0", "--g-lr", "1e-3",
         "--mode-seeking", "0"]
    )
    gan = stylegan2.build_model(args)
    assert (gan.style_mixing, gan.r1_gamma, gan.g_penalties) == (0.5, 2.0, [])
    assert gan.generator.w_dim == 8 and gan.generator.mapping_layers == 1
    assert gan.latent_classes == 4
    # The code's clustering terms go with the code.
    no_code = stylegan2.build_model(
        stylegan2.RECIPE.parse_args(
            ["--dataset", "digits", *TINY, "--latent-classes", "0",
             "--consistency-weight", "3", "--cluster-scores", "1"]
        )
    )
    assert (no_code.latent_classes, no_code.cluster_weight) == (0, 0.0)
    assert not no_code.cluster_scores
    assert [p.name for p in no_code.d_penalties] == ["r1"]
    np.testing.assert_allclose(
        helpers.to_numpy(gan.optimizer["generator"].learning_rate), 1e-3
    )


@helpers.recipe_on_tensorflow_only
def test_recipe_trains_exports_and_draws_the_style_pictures(tmp_path):
    out, run_dir = str(tmp_path / "out"), str(tmp_path / "run")
    argv = [
        "--dataset", "digits", *TINY, "--epochs", "1", "--batch-size", "64",
        "--truncation", "0.7", "--out", out, "--run-dir", run_dir,
    ]
    assert stylegan2.main(argv) == 0
    with open(os.path.join(run_dir, "summary.json")) as f:
        summary = json.load(f)
    assert summary["recipe"] == "StyleGAN2"
    assert summary["generator_steps"] == 1797 // 64
    # One row per seed with a column per psi; the mixing figure has a
    # header row and column of sources.
    assert _grid_size(out, "truncation.png") == (
        style_kind.STRIP_SEEDS, len(style_kind.TRUNCATION_STRIP)
    )
    assert _grid_size(out, "mixing.png") == (
        len(style_kind.MIX_ROWS) + 1, len(style_kind.MIX_COLS) + 1
    )
    with open(os.path.join(out, "model_card.json")) as f:
        card = json.load(f)
    assert card["variant"] == "StyleGAN2"
    assert os.path.exists(os.path.join(out, "samples.png"))


def _grid_size(out, name, tile=8, padding=2):
    """`(rows, columns)` of 8-pixel tiles in a saved (enlarged) grid."""
    width, height = Image.open(os.path.join(out, name)).size
    for scale in range(1, 65):
        rows, rest_h = divmod(height // scale - padding, tile + padding)
        cols, rest_w = divmod(width // scale - padding, tile + padding)
        if height % scale == width % scale == rest_h == rest_w == 0 and (
            scale == max(1, 256 // (max(rows, cols) * (tile + padding) + padding))
        ):
            return rows, cols
    raise AssertionError(f"{name} is not a grid of {tile}-pixel tiles")
