"""The tiny DCGAN and data of the multi-worker and data-parallel checks.

Imported by multi_worker_check.py and data_parallel_check.py after they
have chosen their backend.
"""

import keras
import numpy as np

import keras_gans

GLOBAL_BATCH = 8
STEPS = 3


def build(synchronized_batch_norm=False):
    """The DCGAN, seeded, compiled with plain SGD (steps easy to compare).

    Args:
        synchronized_batch_norm: BatchNorm statistics over the global batch
            on tf.distribute (Keras' default normalises each replica's part
            of the batch on its own, a different computation from one
            device). JAX's DataParallel computes them over the global batch
            anyway.
    """
    keras.utils.set_random_seed(0)
    model = keras_gans.DCGAN(
        image_shape=(16, 16, 1),
        latent_dim=8,
        g_filters=(16, 8),
        d_filters=(8, 16),
        seed=7,
    )
    if synchronized_batch_norm:
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
    """`GLOBAL_BATCH * STEPS` fixed float32 images in [-1, 1]."""
    rng = np.random.default_rng(0)
    return rng.uniform(-1, 1, (GLOBAL_BATCH * STEPS, 16, 16, 1)).astype(
        "float32"
    )
