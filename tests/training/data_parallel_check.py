"""Run under KERAS_BACKEND=jax with 2 host devices (the test sets XLA_FLAGS).

Trains the tiny DCGAN for `STEPS` steps at global batch `GLOBAL_BATCH`
twice from the same initial weights: on one device, then under the
`keras.distribution.DataParallel` over both devices that the recipes'
`--strategy auto` sets up. Prints a JSON report.

Under DataParallel the step is one SPMD program over the global batch (the
batch is sharded, the weights replicated), so BatchNorm statistics, the
latent draws and the loss means are those of the whole batch, as on one
device.
"""

import json
import os

os.environ["KERAS_BACKEND"] = "jax"

import jax  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402

from keras_gans.recipes.strategy import select_strategy  # noqa: E402
from tests.training.distributed_dcgan import GLOBAL_BATCH  # noqa: E402
from tests.training.distributed_dcgan import build  # noqa: E402
from tests.training.distributed_dcgan import images  # noqa: E402


def train():
    model = build()
    # Float state only: the step counters move by construction.
    weights = [v for v in model.weights if "float" in v.dtype]
    initial = [np.array(keras.ops.convert_to_numpy(v)) for v in weights]
    history = model.fit(
        images(),
        batch_size=GLOBAL_BATCH,
        epochs=1,
        shuffle=False,
        verbose=0,
    )
    final = [np.array(keras.ops.convert_to_numpy(v)) for v in weights]
    return model, initial, final, history.history


def max_difference(a, b):
    return max(float(np.abs(x - y).max()) for x, y in zip(a, b))


def main():
    devices = jax.devices()
    _, initial1, final1, history1 = train()
    try:
        select_strategy("auto", batch_size=GLOBAL_BATCH - 1)
        odd_batch_error = None
    except ValueError as error:
        odd_batch_error = str(error)
    # What the recipes' `--strategy auto` does with several devices.
    _, replicas = select_strategy("auto", batch_size=GLOBAL_BATCH)
    model2, initial2, final2, history2 = train()
    kernel = model2.generator.trainable_variables[0].value
    report = {
        "devices": len(devices),
        "replicas": replicas,
        "distribution": type(keras.distribution.distribution()).__name__,
        "odd_batch_error": odd_batch_error,
        "weight_devices": len(kernel.sharding.device_set),
        "same_init": max_difference(initial1, initial2),
        "moved": max_difference(initial1, final1),
        "diff_1_vs_2": max_difference(final1, final2),
        "d_loss": [history1["d_loss"][-1], history2["d_loss"][-1]],
        "g_steps": int(
            keras.ops.convert_to_numpy(model2.g_optimizer.iterations)
        ),
    }
    print("REPORT " + json.dumps(report))


if __name__ == "__main__":
    main()
