"""bench/time_to_quality.py: one short run, and the target bookkeeping."""

import importlib.util
import json
import pathlib

import pytest

from keras_gans.recipes import dcgan

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
    # A quick extractor: the default one trains ~150k augmented
    # presentations, minutes that measure nothing here.
    shape = ttq.recipe_args("digits", None, 1).image_shape
    extractor = ClassifierFeatureExtractor.for_dataset(
        "digits", image_shape=shape, cache_dir=tmp_path, epochs=2,
        augment=False,
    )
    argv = [
        "--dataset", "digits", "--epochs", "1", "--n", "128",
        "--target", "1e9", "--json", str(out), "--extractor", extractor.path,
    ]  # fmt: skip
    assert ttq.main(argv) == 0
    result = json.loads(out.read_text())
    (row,) = result["evaluations"]
    batch_size = dcgan.DATASET_DEFAULTS["digits"]["batch_size"]
    assert row["epoch"] == 1 and row["generator_steps"] == 1797 // batch_size
    assert 0 < row["train_minutes"] < 5
    assert row["fid"] > 0
    assert result["minutes_to_target"] == row["train_minutes"]
    assert result["final_fid"] == row["fid"]
    lines = capsys.readouterr().out.strip().splitlines()
    # The evaluation it printed while training is the one it saved.
    printed = [json.loads(line) for line in lines if line.startswith("{")]
    assert printed == result["evaluations"]
    assert lines[-2] == f"minutes_to_target={row['train_minutes']}"
    assert lines[-1] == f"final_fid={row['fid']}"
