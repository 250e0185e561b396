"""One process of the multi-worker test (TensorFlow backend).

`python multi_worker_check.py OUT.npz` trains the tiny DCGAN for `STEPS`
steps at global batch `GLOBAL_BATCH` and saves its final weights and
losses. With `TF_CONFIG` set it is one worker of a
`MultiWorkerMirroredStrategy` cluster (each worker sees half of every global
batch); without it, a plain single-process run. The test compares the files.

BatchNorm is switched to synchronized statistics: per-replica statistics
(Keras' default) normalise each worker's half batch on its own, which is a
different computation from the single-process run.
"""

import json
import os
import sys

os.environ["KERAS_BACKEND"] = "tensorflow"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import tensorflow as tf  # noqa: E402

# The strategy must exist before TensorFlow creates any other op.
STRATEGY = (
    tf.distribute.MultiWorkerMirroredStrategy()
    if "TF_CONFIG" in os.environ
    else None
)

import numpy as np  # noqa: E402

from tests.training.distributed_dcgan import GLOBAL_BATCH  # noqa: E402
from tests.training.distributed_dcgan import build  # noqa: E402
from tests.training.distributed_dcgan import images  # noqa: E402


def main(out_path):
    if STRATEGY is None:
        model = build(synchronized_batch_norm=True)
    else:
        with STRATEGY.scope():
            model = build(synchronized_batch_norm=True)
    # Float state only: the step counters move by construction.
    weights = [v for v in model.weights if "float" in v.dtype]
    initial = [np.array(v.numpy()) for v in weights]
    dataset = tf.data.Dataset.from_tensor_slices(images()).batch(GLOBAL_BATCH)
    history = model.fit(dataset, epochs=1, verbose=0)
    arrays = {
        f"w{i}": np.array(v.numpy()) for i, v in enumerate(weights)
    }
    arrays.update({f"init{i}": a for i, a in enumerate(initial)})
    np.savez(out_path, **arrays)
    info = {
        "replicas": 1 if STRATEGY is None else STRATEGY.num_replicas_in_sync,
        "g_steps": int(model.g_optimizer.iterations.numpy()),
        "d_loss": history.history["d_loss"][-1],
    }
    print("REPORT " + json.dumps(info))


if __name__ == "__main__":
    main(sys.argv[1])
