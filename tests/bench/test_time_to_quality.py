"""bench/time_to_quality.py: one short run, and the target bookkeeping."""

import importlib.util
import json
import pathlib

import pytest


# Backend-independent: runs in one backend's session (tests/conftest.py).
pytestmark = pytest.mark.once

SCRIPT = pathlib.Path(__file__).parents[2] / "bench" / "time_to_quality.py"


def load_script():
    spec = importlib.util.spec_from_file_location("time_to_quality", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_first_evaluation_at_or_below_the_target_counts():
    ttq = load_script()
    rows = [
        {"train_minutes": 1.0, "generator_steps": 10, "fid": 30.0},
        {"train_minutes": 2.0, "generator_steps": 20, "fid": 15.0},
        {"train_minutes": 3.0, "generator_steps": 30, "fid": 12.0},
    ]
    assert ttq.time_to_target(rows, 15.0) == (2.0, 20)
    assert ttq.time_to_target(rows, 10.0) == (None, None)
    assert ttq.time_to_target([], 15.0) == (None, None)


def test_one_epoch_on_digits_is_scored_and_timed(tmp_path, capsys):
    from keras_gans.metrics import ClassifierFeatureExtractor

    ttq = load_script()
    out = tmp_path / "ttq.json"
    # The recipe flags after the script's own change the recipe's model
    # (narrow and small here, to keep the test quick).
    recipe_flags = [
        "--image-shape", "16,16,1", "--g-filters", "32,16",
        "--d-filters", "16,32", "--batch-size", "64", "--epochs", "1",
        "--seed", "3",
    ]  # fmt: skip
    # A quick extractor: the default one trains ~150k augmented
    # presentations, minutes that measure nothing here.
    extractor = ClassifierFeatureExtractor.for_dataset(
        "digits", image_shape=(16, 16, 1), cache_dir=tmp_path, epochs=2,
        augment=False,
    )
    grid = tmp_path / "grid.png"
    argv = [
        "--dataset", "digits", "--n", "128", "--target", "1e9",
        "--json", str(out), "--extractor", extractor.path,
        "--grid", str(grid), *recipe_flags,
    ]  # fmt: skip
    assert ttq.main(argv) == 0
    result = json.loads(out.read_text())
    assert result["recipe_flags"] == recipe_flags and result["seed"] == 3
    (row,) = result["evaluations"]
    assert row["epoch"] == 1 and row["generator_steps"] == 1797 // 64
    assert 0 < row["train_minutes"] < 5
    assert row["fid"] > 0 and 0 < row["recognisability"] <= 1
    assert 0 <= row["min_class_share"] <= row["max_class_share"] <= 1
    assert result["minutes_to_target"] == row["train_minutes"]
    assert result["final_fid"] == row["fid"]
    assert grid.stat().st_size > 0
    lines = capsys.readouterr().out.strip().splitlines()
    # The evaluation it printed while training is the one it saved.
    printed = [json.loads(line) for line in lines if line.startswith("{")]
    assert printed == result["evaluations"]
    assert lines[-2] == f"minutes_to_target={row['train_minutes']}"
    assert lines[-1] == f"final_fid={row['fid']}"


def test_a_bad_recipe_flag_is_the_recipes_usage_error():
    ttq = load_script()
    with pytest.raises(SystemExit) as stop:
        ttq.main(["--dataset", "digits", "--g-filters", "32,0"])
    assert stop.value.code == 2


def test_recipe_picks_the_latent_recipe_whose_flags_are_read():
    ttq = load_script()
    args = ttq.recipe_args("digits", None, ["--d-lr", "1e-3"], recipe="sngan")
    assert (args.d_lr, args.image_shape) == (1e-3, (28, 28, 1))
    for name in ("pix2pix", "no_such_recipe"):
        with pytest.raises(ValueError, match=f"`--recipe`.*Received: '{name}'"):
            ttq.recipe_runner(name)
