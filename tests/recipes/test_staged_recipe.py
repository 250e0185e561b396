"""The recipe runner trains a staged model with `fit_stages` and resumes it.

The model is `staged_recipe_model.WarmupGAN`: 7 steps of D alone
("warmup"), then 14 of the game ("game"). At 256 digits a batch an epoch
is 7 steps, so the stages, not `--epochs`, make the run 3 epochs long.
"""

import os
import shutil

import keras
import numpy as np

from keras_gans.recipes.latent_kind import LatentKind
from keras_gans.recipes.recipe_runner import RecipeRunner
from tests.conftest import one_torch_thread
from tests.recipes import recipe_processes as processes
from tests.recipes import staged_recipe_model

RECIPE = RecipeRunner(
    __name__,
    "warmup_gan",
    "A GAN whose discriminator trains alone first.",
    LatentKind(),
    {"*": {"epochs": 1, "batch_size": 256, "latent_dim": 8}},
    staged_recipe_model.build_model,
)
ARGV = [
    "--dataset", "digits", "--image-shape", "8,8,1", "--no-export",
    "--verbose", "0",
]
STAGES = [{"name": "warmup", "steps": 7}, {"name": "game", "steps": 14}]


def _main(argv):
    with one_torch_thread():
        return RECIPE.main(argv)


def test_staged_model_trains_in_stages_and_resumes_inside_a_stage(tmp_path):
    full_dir, resumed_dir = tmp_path / "full", tmp_path / "resumed"
    assert _main(ARGV + ["--run-dir", str(full_dir)]) == 0
    summary = processes.summary(full_dir)
    assert summary["stages"] == STAGES and summary["stage"] == "game"
    assert summary["epochs"] == 3
    # G trained in the game stage only: fit_stages ran both stages.
    assert summary["generator_steps"] == 14
    assert (full_dir / "samples" / "epoch_0003.png").exists()

    # Epoch 2's checkpoint is 7 steps into "game": the resumed run must
    # continue there, with the batches of epoch 3.
    (resumed_dir / "checkpoints").mkdir(parents=True)
    shutil.copy(
        full_dir / "checkpoints" / "epoch_0002.keras",
        resumed_dir / "checkpoints",
    )
    keras.backend.clear_session()
    argv = ARGV + ["--run-dir", str(resumed_dir), "--resume"]
    assert _main(argv) == 0
    resumed = processes.summary(resumed_dir)
    assert resumed["resumed_from_epoch"] == 2
    assert resumed["stages"] == STAGES and resumed["generator_steps"] == 14
    for value, reference in zip(
        processes.saved_state(resumed_dir / "final.keras", "variables"),
        processes.saved_state(full_dir / "final.keras", "variables"),
        strict=True,
    ):
        np.testing.assert_array_equal(value, reference)
    assert os.path.exists(resumed_dir / "final.keras")
