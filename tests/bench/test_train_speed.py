"""bench/train_speed.py: a quick run on TensorFlow, and its bookkeeping."""

import json
import math
import os
import pathlib
import re
import statistics
import subprocess
import sys

import pytest

# Backend-independent: runs in one backend's session (tests/conftest.py).
pytestmark = pytest.mark.once

SCRIPT = pathlib.Path(__file__).parents[2] / "bench" / "train_speed.py"


def test_train_speed_quick_prints_the_ratios_of_its_timings(tmp_path):
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    out = tmp_path / "speed.json"
    proc = subprocess.run(
        [
            sys.executable, str(SCRIPT), "--quick", "--json", str(out),
            "--threads", "1", "--variant", "steps_per_execution=2",
        ],  # fmt: skip
        capture_output=True,
        text=True,
        env=env,
        timeout=240,  # ~30-60 s on 2 idle cores; JAX compiles two models
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    last = proc.stdout.strip().splitlines()[-3:]
    keys = ("images_per_sec", "ratio_vs_plain_keras", "ratio_vs_torch")
    values = {}
    for key, line in zip(keys, last):
        match = re.fullmatch(rf"{key}=(\S+)", line)
        assert match, last
        values[key] = float(match.group(1))
    speedup = proc.stdout.strip().splitlines()[-4]
    assert re.fullmatch(r"speedup\[steps_per_execution=2\]=\S+", speedup)
    # The printed figures are the ones computed from the timings the run
    # recorded: the median images/s of keras_gans, and the per-round
    # (paired) ratios.
    summary = json.loads(out.read_text())
    windows = summary["per_window"]
    assert set(windows) >= {
        "keras_gans", "plain_keras", "keras_gans[steps_per_execution=2]"
    }
    rounds = len(windows["keras_gans"])
    assert rounds >= 1 and all(len(runs) == rounds for runs in windows.values())
    for runs in windows.values():
        assert all(rate > 0 and cpu > 0 for rate, cpu in runs)
    ours = statistics.median(rate for rate, _ in windows["keras_gans"])
    assert values["images_per_sec"] == pytest.approx(ours, abs=0.005)

    def paired(name, other):
        return statistics.median(
            a[0] / b[0] for a, b in zip(windows[name], windows[other])
        )

    assert values["ratio_vs_plain_keras"] == pytest.approx(
        paired("keras_gans", "plain_keras"), abs=5e-5
    )
    assert float(speedup.split("=")[-1]) == pytest.approx(
        paired("keras_gans[steps_per_execution=2]", "keras_gans"),
        abs=5e-5,
    )
    try:
        import torch  # noqa: F401
    except ImportError:
        assert math.isnan(values["ratio_vs_torch"])
        return
    assert values["ratio_vs_torch"] == pytest.approx(
        paired("keras_gans", "torch"), abs=5e-5
    )


def _load_script():
    import importlib.util

    spec = importlib.util.spec_from_file_location("train_speed", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_variants_parse_and_bad_ones_say_what_is_allowed():
    import argparse

    script = _load_script()
    text, options = script.parse_variant(
        "jit_compile=true,steps_per_execution=4,dtype_policy=mixed_bfloat16"
    )
    assert options == {
        "jit_compile": True,
        "steps_per_execution": 4,
        "dtype_policy": "mixed_bfloat16",
    }
    for bad in ("jit=true", "steps_per_execution=four", "dtype_policy=fp8"):
        with pytest.raises(argparse.ArgumentTypeError, match="KEY=VALUE"):
            script.parse_variant(bad)


def test_ratios_pair_the_windows_of_each_round():
    script = _load_script()
    # The load changed between rounds 1 and 2: the medians' ratio would be
    # 300 / 200 = 1.5, the per-round ratios are 0.5, 2.0 and 0.5.
    results = {
        "keras_gans": [(100.0, 0), (300.0, 0), (320.0, 0)],
        "plain_keras": [(200.0, 0), (150.0, 0), (640.0, 0)],
    }
    assert script.paired_ratio(results, "keras_gans", "plain_keras") == 0.5
    assert math.isnan(script.paired_ratio(results, "keras_gans", "torch"))
