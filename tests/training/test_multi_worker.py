"""MultiWorkerMirroredStrategy: 2 worker processes on 127.0.0.1.

The workers and the single-process reference run in their own
KERAS_BACKEND=tensorflow processes (TF_CONFIG must be read before
TensorFlow starts).
"""

import json
import os
import socket
import subprocess
import sys

import keras
import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SCRIPT = os.path.join(HERE, "multi_worker_check.py")
TIMEOUT = 180

# Multi-worker training is tf.distribute's, TensorFlow-only by nature (JAX
# has test_data_parallel.py; torch has no multi-device fit). The children
# run TensorFlow whatever the session's backend, so running them from the
# JAX and torch sessions too would only repeat the same ~40 s check.
pytestmark = pytest.mark.skipif(
    keras.backend.backend() != "tensorflow",
    reason="MultiWorkerMirroredStrategy is TensorFlow-only; checked once, "
    "in the TensorFlow test session",
)


def free_ports(count):
    """Ports the OS just handed out (closed again, so very likely free)."""
    sockets = []
    for _ in range(count):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        sockets.append(s)
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def start(out_path, tf_config=None):
    env = dict(os.environ, KERAS_BACKEND="tensorflow", PYTHONPATH=REPO)
    env.pop("TF_CONFIG", None)
    if tf_config is not None:
        env["TF_CONFIG"] = json.dumps(tf_config)
    return subprocess.Popen(
        [sys.executable, SCRIPT, str(out_path)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process):
    try:
        out, err = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
    assert process.returncode == 0, err[-3000:]
    line = [l for l in out.splitlines() if l.startswith("REPORT ")][-1]
    return json.loads(line[len("REPORT ") :])


def weights(path, prefix="w"):
    with np.load(path) as data:
        indices = sorted(
            int(key[len(prefix) :])
            for key in data.files
            if key.startswith(prefix) and key[len(prefix) :].isdigit()
        )
        return [data[f"{prefix}{i}"] for i in indices]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    directory = tmp_path_factory.mktemp("multi_worker")
    hosts = [f"127.0.0.1:{port}" for port in free_ports(2)]
    workers = [
        start(
            directory / f"worker{index}.npz",
            {
                "cluster": {"worker": hosts},
                "task": {"type": "worker", "index": index},
            },
        )
        for index in range(2)
    ]
    single_process = start(directory / "single.npz")
    reports = [finish(worker) for worker in workers]
    single = finish(single_process)
    return {
        "reports": reports,
        "single_report": single,
        "workers": [weights(directory / f"worker{i}.npz") for i in range(2)],
        "single": weights(directory / "single.npz"),
        "initial": weights(directory / "single.npz", prefix="init"),
    }


def max_difference(a, b):
    return max(float(np.abs(x - y).max()) for x, y in zip(a, b))


def test_both_workers_train_one_cluster(runs):
    assert [r["replicas"] for r in runs["reports"]] == [2, 2]
    assert [r["g_steps"] for r in runs["reports"]] == [3, 3]
    assert runs["single_report"]["replicas"] == 1


def test_workers_end_with_identical_weights(runs):
    first, second = runs["workers"]
    assert len(first) == len(second) == len(runs["single"])
    assert max_difference(first, second) == 0.0


def test_workers_take_the_single_process_step_at_equal_global_batch(runs):
    moved = max_difference(runs["single"], runs["initial"])
    assert moved > 1e-3, "training must move the weights"
    # Unscaled per-worker means would double the step (a difference of the
    # order of `moved`); float reduction order allows ~1e-6.
    assert max_difference(runs["workers"][0], runs["single"]) < 1e-4 * max(
        1.0, moved
    )
    reports = runs["reports"] + [runs["single_report"]]
    losses = [r["d_loss"] for r in reports]
    np.testing.assert_allclose(losses, losses[-1], rtol=1e-4)
