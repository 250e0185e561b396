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

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_gans  # noqa: E402

GLOBAL_BATCH = 8
STEPS = 3


def build():
    keras.utils.set_random_seed(0)
    model = keras_gans.DCGAN(
        image_shape=(16, 16, 1),
        latent_dim=8,
        g_filters=(16, 8),
        d_filters=(8, 16),
        seed=7,
    )
    for network in (model.generator, model.discriminator):
        for layer in network._flatten_layers(include_self=False):
            if isinstance(layer, keras.layers.BatchNormalization):
                layer.synchronized = True
    model.compile(
        d_optimizer=keras.optimizers.SGD(0.1),
        g_optimizer=keras.optimizers.SGD(0.1),
    )
    return model


def images():
    rng = np.random.default_rng(0)
    return rng.uniform(-1, 1, (GLOBAL_BATCH * STEPS, 16, 16, 1)).astype(
        "float32"
    )


def main(out_path):
    if STRATEGY is None:
        model = build()
    else:
        with STRATEGY.scope():
            model = build()
    initial = [np.array(v.numpy()) for v in model.weights]
    dataset = tf.data.Dataset.from_tensor_slices(images()).batch(GLOBAL_BATCH)
    history = model.fit(dataset, epochs=1, verbose=0)
    arrays = {
        f"w{i}": np.array(v.numpy()) for i, v in enumerate(model.weights)
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
