"""Smoke test of bench/train_speed.py on the current Keras backend."""

import os
import pathlib
import re
import subprocess
import sys

SCRIPT = pathlib.Path(__file__).parents[2] / "bench" / "train_speed.py"


def test_train_speed_quick_reports_positive_numbers(tmp_path):
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    out = tmp_path / "speed.json"
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--json", str(out)],
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
    assert values["images_per_sec"] > 0
    assert values["ratio_vs_plain_keras"] > 0
    try:
        import torch  # noqa: F401
    except ImportError:
        return
    assert values["ratio_vs_torch"] > 0
    assert out.exists()
