"""JAX data parallelism: keras.distribution.DataParallel over 2 devices.

Runs data_parallel_check.py in a JAX process with 2 host-platform CPU
devices (XLA_FLAGS must be set before JAX starts).
"""

import json
import os
import subprocess
import sys

import keras
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

# keras.distribution is JAX's (TensorFlow's multi-device training is
# tf.distribute: test_distribution.py, test_multi_worker.py; torch has
# none). The child runs JAX whatever the session's backend, so one run, in
# the JAX session, covers it.
pytestmark = pytest.mark.skipif(
    keras.backend.backend() != "jax",
    reason="keras.distribution.DataParallel is the JAX backend's; checked "
    "once, in the JAX test session",
)


@pytest.fixture(scope="module")
def report():
    env = dict(
        os.environ,
        KERAS_BACKEND="jax",
        PYTHONPATH=REPO,
        # Two host devices; and XLA's quick CPU code generation, as
        # tests/run.sh gives the JAX session and the golden step its
        # children: the same operations, compiled in half the time.
        XLA_FLAGS="--xla_force_host_platform_device_count=2 "
        "--xla_backend_optimization_level=0 "
        "--xla_llvm_disable_expensive_passes=true",
    )
    out = subprocess.run(
        [sys.executable, os.path.join(HERE, "data_parallel_check.py")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    line = [l for l in out.stdout.splitlines() if l.startswith("REPORT ")][-1]
    return json.loads(line[len("REPORT ") :])


def test_weights_are_replicated_on_both_devices(report):
    assert report["devices"] == report["replicas"] == 2
    assert report["distribution"] == "DataParallel"
    assert report["weight_devices"] == 2
    assert report["g_steps"] == 3


def test_two_devices_take_the_one_device_step(report):
    assert report["same_init"] == 0.0
    assert report["moved"] > 1e-3, "training must move the weights"
    assert report["diff_1_vs_2"] < 1e-5, report
    one, two = report["d_loss"]
    assert two == pytest.approx(one, rel=1e-5)


def test_a_global_batch_that_does_not_split_is_refused(report):
    assert "batch_size=7" in report["odd_batch_error"]
