"""The DCGAN recipe end to end: train, checkpoint, resume, export."""

import glob
import json
import os
import subprocess
import sys

import keras
import numpy as np
import pytest
from PIL import Image

from keras_gans.recipes import dcgan
from tests.conftest import REPO

# 1,797 digits at batch 64: 28 generator steps per epoch.
STEPS_PER_EPOCH = 1797 // 64
# A 4-way latent code (the digit defaults' InfoGAN code, smaller) goes
# through training, checkpoints and export on every backend; narrow
# networks, as the defaults' widths only cost time here.
FAST = [
    "--dataset", "digits", "--image-shape", "16,16,1", "--latent-dim", "16",
    "--latent-classes", "4", "--batch-size", "64",
    "--g-filters", "32,16", "--d-filters", "16,32",
]


def _summary(run_dir):
    with open(os.path.join(run_dir, "summary.json")) as f:
        return json.load(f)


def _curves(run_dir):
    """The epoch records of the run's training curves (`curves.json`)."""
    with open(os.path.join(run_dir, "curves.json")) as f:
        return json.load(f)["epochs"]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """One epoch through the real script entry point, as a user runs it."""
    root = tmp_path_factory.mktemp("dcgan_recipe")
    run_dir, out = str(root / "run"), str(root / "export")
    command = [
        sys.executable,
        os.path.join(REPO, "recipes", "dcgan.py"),
        *FAST,
        "--epochs", "1",
        "--run-dir", run_dir,
        "--out", out,
        "--backend", keras.backend.backend(),
        "--tensorboard",
    ]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=600, cwd=str(root)
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return run_dir, out, result.stdout


def test_script_trains_and_exports_a_verified_generator(trained):
    run_dir, out, stdout = trained
    summary = _summary(run_dir)
    assert summary["backend"] == keras.backend.backend()
    assert summary["generator_steps"] == STEPS_PER_EPOCH
    with open(os.path.join(out, "model_card.json")) as f:
        card = json.load(f)
    assert card["variant"] == "DCGAN"
    assert card["dataset"] == "digits" and card["epochs"] == 1
    assert card["steps"] == STEPS_PER_EPOCH
    assert card["image_shape"] == [16, 16, 1] and card["latent_dim"] == 16
    assert card["export_errors"]["tflite_max_abs_error"] <= 1e-4
    for name in ("saved_model", "generator.tflite", "samples.png"):
        assert os.path.exists(os.path.join(out, name)), name
    assert os.path.exists(os.path.join(run_dir, "samples", "epoch_0001.png"))
    assert "d_loss" in stdout and "g_loss" in stdout
    # The curves of the logged losses: in the run folder, and exported.
    records = _curves(run_dir)
    assert [r["epoch"] for r in records] == [1]
    assert {"d_loss", "g_loss"} <= set(records[0])
    for folder in (run_dir, out):
        with Image.open(os.path.join(folder, "curves.png")) as image:
            assert image.format == "PNG" and min(image.size) >= 240
    # --tensorboard: an event file with the epoch scalars.
    events = glob.glob(
        os.path.join(run_dir, "tensorboard", "train", "events.out.tfevents.*")
    )
    assert events
    with open(events[0], "rb") as f:
        assert b"epoch_d_loss" in f.read()


def test_resume_continues_from_the_last_checkpoint(trained):
    run_dir, out, _ = trained
    argv = FAST + ["--epochs", "2", "--run-dir", run_dir, "--out", out]
    assert dcgan.main(argv + ["--resume", "--no-export"]) == 0
    summary = _summary(run_dir)
    assert summary["resumed_from_epoch"] == 1
    assert summary["generator_steps"] == 2 * STEPS_PER_EPOCH
    # The curves go on from the first run's epoch.
    assert [r["epoch"] for r in _curves(run_dir)] == [1, 2]
    restored = keras.saving.load_model(os.path.join(run_dir, "final.keras"))
    generated = restored.generate(4, seed=0)
    assert generated.shape == (4, 16, 16, 1)
    assert np.all(np.abs(generated) <= 1.0)


@pytest.mark.once  # argument checking: backend-independent
def test_unknown_dataset_fails_with_the_known_names(tmp_path):
    known = "'digits', 'mnist-5k', 'mnist-idx', 'folder'"
    with pytest.raises(ValueError, match=known):
        dcgan.main(["--dataset", "no_such_dataset_xyz", "--run-dir", str(tmp_path)])


@pytest.mark.once  # argument parsing: backend-independent
def test_bad_image_shape_flag_is_a_usage_error():
    with pytest.raises(SystemExit) as stop:
        dcgan.main(["--image-shape", "28x28"])
    assert stop.value.code == 2


# Starts another backend's interpreter: once per CI run is proof.
@pytest.mark.once
def test_cli_train_runs_the_recipe_on_another_backend(tmp_path):
    """`keras-gans train dcgan --backend X` relaunches under backend X."""
    from keras_gans.cli import main

    other = "torch" if keras.backend.backend() == "tensorflow" else "tensorflow"
    run_dir = str(tmp_path / "run")
    argv = [
        "train", "dcgan", "--dataset", "digits", "--image-shape", "8,8,1",
        "--latent-dim", "8", "--latent-classes", "0", "--batch-size", "64",
        "--g-filters", "16", "--d-filters", "16", "--epochs", "1", "--no-export",
        "--run-dir", run_dir, "--backend", other,
    ]
    assert main(argv) == 0
    summary = _summary(run_dir)
    assert summary["backend"] == other
    assert summary["generator_steps"] == STEPS_PER_EPOCH


@pytest.mark.once  # flag resolution: backend-independent
def test_ema_flags_resolve_to_a_ramped_half_life_or_a_fixed_decay():
    from keras_gans.recipes.recipe_flags import ema_options

    half_life = dcgan.DATASET_DEFAULTS["mnist-idx"]["ema_half_life"]
    args = dcgan.RECIPE.parse_args(["--dataset", "mnist-idx"])
    ema = ema_options(args)["ema"]
    assert (ema.half_life_kimg, ema.rampup, ema.decay) == (half_life, 0.05, None)
    # Early in a run the ramp shortens the half-life to 5% of the images
    # seen: after 10 batches of 64 it is 32 images, so beta = 0.5 ** 2.
    beta = keras.ops.convert_to_numpy(ema.beta(640, 64))
    np.testing.assert_allclose(beta, 0.25, rtol=1e-6)
    # A decay given on the command line replaces the half-life; 0 disables.
    args = dcgan.RECIPE.parse_args(["--ema-decay", "0.99"])
    assert ema_options(args) == {"ema_decay": 0.99}
    assert ema_options(dcgan.RECIPE.parse_args(["--ema-decay", "0"])) == {}


@pytest.mark.once  # flag parsing and model building: backend-independent
def test_width_flags_build_those_networks():
    args = dcgan.RECIPE.parse_args(
        ["--dataset", "mnist-idx", "--g-filters", "32,16", "--d-filters", "8,16"]
    )
    gan = dcgan.build_model(args)
    assert (gan.g_filters, gan.d_filters) == ((32, 16), (8, 16))
    with pytest.raises(SystemExit) as stop:
        dcgan.main(["--g-filters", "32,0"])
    assert stop.value.code == 2


@pytest.mark.once  # flag parsing and model building: backend-independent
def test_discriminator_regularization_flags_reach_the_model():
    args = dcgan.RECIPE.parse_args(
        [
            "--dataset", "mnist-idx", "--g-filters", "32,16",
            "--d-filters", "8,16", "--r1-gamma", "2", "--r1-interval", "4",
            "--consistency-weight", "0.5", "--d-dropout", "0.25",
        ]
    )
    gan = dcgan.build_model(args)
    penalties = {penalty.name: penalty for penalty in gan.d_penalties}
    assert sorted(penalties) == ["consistency", "r1"]
    r1 = penalties["r1"]
    assert (r1.gamma, r1.interval) == (2.0, 4)
    assert penalties["consistency"].weight == 0.5
    assert gan.d_dropout == 0.25
    # Unset (the consistency is a digits default), the recipe adds none.
    plain = dcgan.build_model(
        dcgan.RECIPE.parse_args(
            [
                "--g-filters", "32,16", "--d-filters", "8,16",
                "--consistency-weight", "0",
            ]
        )
    )
    assert (plain.d_penalties, plain.d_dropout) == ([], 0.0)


@pytest.mark.once  # flag resolution: backend-independent
def test_no_code_turns_the_codes_cluster_options_off():
    args = dcgan.RECIPE.parse_args(["--dataset", "mnist-idx"])
    assert (args.latent_classes, args.cluster_weight, args.cluster_scores) == (
        10, 2.0, 1
    )
    assert args.consistency_weight == 3.0
    with_code = dcgan.build_model(args)
    assert [type(p).__name__ for p in with_code.d_penalties] == [
        "ClusterConsistency"
    ]
    gan = dcgan.build_model(
        dcgan.RECIPE.parse_args(["--dataset", "mnist-idx", "--latent-classes", "0"])
    )
    assert (gan.latent_classes, gan.cluster_weight, gan.cluster_scores) == (
        0, 0.0, False
    )
    assert gan.d_penalties == []
