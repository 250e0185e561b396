"""The SRGAN recipe end to end: both stages, protocol scores, panel, export.

The runner it shares with every recipe (checkpoints, SIGKILL + resume
inside a stage, divergence) is tested in tests/recipes/ on the staged and
DCGAN recipes; SRGAN's own resume across the stage boundary is
tests/models/test_srgan.py. A recipe run here costs tens of seconds of
compilation on JAX and torch, so it runs on TensorFlow (the model trains
on every backend in the model tests).
"""

import json
import os

import keras
import numpy as np
import pytest
from PIL import Image

from keras_gans.export import load_artifact
from keras_gans.recipes import srgan
from tests import helpers

# x2 on 16-pixel HR patches of the four bundled photos: one step an epoch.
TINY = [
    "--scale", "2", "--patch-size", "16", "--filters", "4",
    "--num-blocks", "1", "--d-filters", "2", "--batch-size", "4",
    "--patches-per-image", "1", "--verbose", "0",
]


def hr_folder(root, count=2):
    folder = root / "hr"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for i in range(count):
        # Smooth images: a gradient with a bright square.
        image = np.add.outer(np.arange(40), np.arange(36)) * 3
        image = np.stack([image, image[::-1], 255 - image], -1) % 256
        image[10:20, 8:16] = rng.integers(150, 255, 3)
        Image.fromarray(image.astype("uint8")).save(folder / f"hr{i}.png")
    return str(folder)


def run_recipe(root, *flags):
    run_dir, out = str(root / "run"), str(root / "out")
    argv = TINY + ["--run-dir", run_dir, "--out", out, *flags]
    assert srgan.main(argv) == 0
    with open(os.path.join(run_dir, "summary.json")) as file:
        return run_dir, out, json.load(file)


@helpers.recipe_on_tensorflow_only
def test_both_stages_score_panel_and_export_two_upscalers(tmp_path):
    eval_dir = hr_folder(tmp_path)
    run_dir, out, summary = run_recipe(
        tmp_path, "--pretrain-steps", "2", "--gan-steps", "1",
        "--eval-dir", eval_dir,
    )
    assert [s["name"] for s in summary["stages"]] == ["pretrain", "gan"]
    assert summary["stage"] == "gan" and summary["generator_steps"] == 1
    scores = summary["eval_scores"]
    assert set(scores) == {"psnr", "gan"}
    for value in scores.values():
        assert {"psnr", "ssim", "sharpness", "bicubic_psnr"} <= set(value)
    # The PSNR model is the generator as pre-training left it.
    kept = keras.saving.load_model(
        os.path.join(run_dir, "psnr_generator.keras")
    )
    final = keras.saving.load_model(os.path.join(run_dir, "final.keras"))
    assert final.stage_name == "gan"
    assert not all(
        np.array_equal(a, b)
        for a, b in zip(kept.get_weights(), final.generator.get_weights())
    )
    lr = np.random.default_rng(1).uniform(-1, 1, (1, 9, 11, 3))
    for name, generator in (("psnr", kept), ("gan", final.generator)):
        artifact = load_artifact(os.path.join(out, name))
        assert (artifact.kind, artifact.scale) == ("upscaler", 2)
        np.testing.assert_allclose(
            artifact(lr.astype("float32")),
            keras.ops.convert_to_numpy(generator(lr, training=False)),
            atol=1e-4,
        )
        with open(os.path.join(out, name, "model_card.json")) as file:
            card = json.load(file)
        assert card["stage"] == name
        assert card["eval_scores"] == scores[name]
        assert "1 residual blocks of 4 channels" in card["architecture"]
    # bicubic | PSNR | GAN | HR, each the centre crop of the first image.
    panel = np.asarray(Image.open(summary["panel"]))
    assert panel.shape[0] == 40 + 4 and panel.shape[1] == 4 * 36 + 5 * 2


@helpers.recipe_on_tensorflow_only
def test_pretrain_only_then_the_game_from_its_generator(tmp_path):
    first, second = tmp_path / "pretrain", tmp_path / "game"
    first.mkdir(), second.mkdir()
    # (Exports are checked above: not again here.)
    run_dir, _, summary = run_recipe(
        first, "--stage", "pretrain", "--pretrain-steps", "2", "--no-export"
    )
    assert [s["name"] for s in summary["stages"]] == ["pretrain"]
    assert summary["generator_steps"] == 2
    pretrained = keras.saving.load_model(os.path.join(run_dir, "final.keras"))
    assert pretrained.stage_name == "pretrain"
    second_run, _, summary = run_recipe(
        second, "--stage", "gan", "--gan-steps", "1", "--no-export",
        "--init-generator", os.path.join(run_dir, "final.keras"),
    )
    assert [s["name"] for s in summary["stages"]] == ["gan"]
    assert summary["generator_steps"] == 1
    # The game started from the pre-trained generator: one step away.
    game = keras.saving.load_model(os.path.join(second_run, "final.keras"))
    moved = [
        np.abs(a - b).max()
        for a, b in zip(
            pretrained.generator.get_weights(), game.generator.get_weights()
        )
    ]
    assert 0 < max(moved) < 0.05


@pytest.mark.once
@pytest.mark.parametrize(
    "flags, message",
    [
        (["--scale", "5"], "--scale must be 2, 3 or 4"),
        (["--dataset", "folder"], "needs --data-dir"),
        (["--dataset", "mnist"], "--dataset must be 'photos' or 'folder'"),
    ],
)
def test_bad_flags_are_usage_errors_naming_the_flag(flags, message, capsys,
                                                    tmp_path):
    with pytest.raises(SystemExit) as raised:
        srgan.RECIPE.parse_args(flags)
    assert message in str(raised.value)


@pytest.mark.once
def test_stage_steps_round_up_to_whole_epochs():
    args = srgan.RECIPE.parse_args(["--pretrain-steps", "100"])
    assert srgan._stage_steps(args, 45) == (135, 315)
    args = srgan.RECIPE.parse_args(["--stage", "gan"])
    assert srgan._stage_steps(args, 45)[0] == 0
