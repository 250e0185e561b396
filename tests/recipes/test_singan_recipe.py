"""The SinGAN recipe's flags: the image, the run's names, the preset's steps.

Training and resuming a SinGAN are tests/models/test_singan.py's (and the
recipe runner's kill-and-resume tests of staged models,
tests/recipes/test_staged_recipe.py); here, what the recipe adds.
"""

import os

import pytest

from keras_gans.recipes import singan
from keras_gans.recipes.single_image_kind import _steps_per_epoch
from keras_gans.recipes.single_image_kind import load_training_image


@pytest.mark.once  # flag parsing: backend-independent
def test_the_run_takes_the_images_name_and_the_presets_steps():
    args = singan.RECIPE.parse_args([])
    assert args.image == "rocket" and args.preset == "cpu"
    assert args.steps_per_scale == 300
    assert args.out == os.path.join("saved_models", "singan_rocket")
    assert args.run_dir == os.path.join("runs", "singan_rocket")
    args = singan.RECIPE.parse_args(
        ["--image", "photos/tree.png", "--preset", "singan"]
    )
    assert args.steps_per_scale == 2000
    assert args.out == os.path.join("saved_models", "singan_tree")
    with pytest.raises(SystemExit, match="steps-per-scale"):
        singan.RECIPE.parse_args(["--steps-per-scale", "0"])


@pytest.mark.once
def test_epochs_tile_every_scale_and_images_are_checked(tmp_path):
    # Checkpoints land inside each scale, and a scale ends on an epoch.
    assert _steps_per_epoch(300) == 100
    assert _steps_per_epoch(2000) == 100
    assert _steps_per_epoch(7) == 7
    assert _steps_per_epoch(101) == 1
    image = load_training_image("chelsea")
    assert image.shape[-1] == 3 and image.min() >= -1 and image.max() <= 1
    with pytest.raises(SystemExit, match="--image"):
        load_training_image(str(tmp_path / "missing.png"))
