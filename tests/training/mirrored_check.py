"""Run as a script under KERAS_BACKEND=tensorflow with 2 logical CPUs.

Trains the same tiny GAN for 2 steps at global batch 8 on 1 and on 2
replicas and prints a JSON report. Latents are fixed, so both runs see identical noise and must take identical steps when
losses are averaged over the global batch.
"""

import json
import os

os.environ["KERAS_BACKEND"] = "tensorflow"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import tensorflow as tf  # noqa: E402

_cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(
    _cpu, [tf.config.LogicalDeviceConfiguration()] * 2
)

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import ops  # noqa: E402

import keras_gans  # noqa: E402


class FixedNoiseGAN(keras_gans.AdversarialModel):
    """Uses one fixed latent for every sample, on any number of replicas.

    (MirroredStrategy runs replicas in threads, so the latents must not
    depend on per-call Python state.)
    """

    def sample_latents(self, batch_size):
        z = ops.linspace(-1.0, 1.0, self.latent_dim)
        return ops.ones((batch_size, 1)) * z[None, :]


def build(seed=0, regularized=False, r1_interval=1):
    """The tiny GAN; `regularized` adds spectral norm in D and R1."""
    keras.utils.set_random_seed(seed)
    hidden = keras.layers.Dense(8, activation="relu")
    if regularized:
        hidden = keras_gans.layers.SpectralNormalization(hidden)
    g = keras.Sequential(
        [keras.Input((16,)), keras.layers.Dense(16, activation="tanh"),
         keras.layers.Reshape((4, 4, 1))],
        name="generator",
    )
    d = keras.Sequential(
        [keras.Input((4, 4, 1)), keras.layers.Flatten(),
         hidden, keras.layers.Dense(1)],
        name="discriminator",
    )
    model = FixedNoiseGAN(
        g, d, latent_dim=16, r1_gamma=1.0 if regularized else 0.0,
        r1_interval=r1_interval,
    )
    model.compile(
        d_optimizer=keras.optimizers.SGD(0.5),
        g_optimizer=keras.optimizers.SGD(0.5),
    )
    return model


def train(devices, images, regularized=False):
    strategy = tf.distribute.MirroredStrategy(devices)
    with strategy.scope():
        model = build(regularized=regularized)
        # Float state only: the step counters move by construction.
        weights = [v for v in model.weights if "float" in v.dtype]
        before = [v.numpy().copy() for v in weights]
        history = model.fit(
            images, batch_size=8, epochs=1, shuffle=False, verbose=0
        )
    after = [v.numpy() for v in weights]
    return strategy.num_replicas_in_sync, before, after, history.history


def replica_latents():
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    with strategy.scope():
        model = keras_gans.DCGAN(
            image_shape=(8, 8, 1), latent_dim=4, g_filters=(8,), d_filters=(8,)
        )
    result = strategy.run(tf.function(lambda: model.sample_latents(3)))
    a, b = [t.numpy() for t in strategy.experimental_local_results(result)]
    return float(np.abs(a - b).max())


def replica_fake_labels():
    """How many of 32 uniform fake labels differ between two replicas."""
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    with strategy.scope():
        model = keras_gans.CGAN(
            image_shape=(8, 8, 1), num_classes=10, latent_dim=4,
            g_filters=(8,), d_filters=(8,), fake_labels="uniform",
        )
    real = tf.zeros((32,), "int32")
    result = strategy.run(tf.function(lambda: model.sample_fake_labels(real)))
    a, b = [t.numpy() for t in strategy.experimental_local_results(result)]
    return int(np.sum(a != b))


def _regularized_difference(images):
    """1 vs 2 replicas with R1 (input gradients) and spectral norm."""
    _, before1, after1, _ = train(["/cpu:0"], images, regularized=True)
    _, _, after2, _ = train(["/cpu:0", "/cpu:1"], images, regularized=True)
    return {
        "step_1": max(float(np.abs(a - b).max()) for a, b in zip(before1, after1)),
        "diff_1_vs_2": max(
            float(np.abs(a - b).max()) for a, b in zip(after1, after2)
        ),
    }


def _lazy_phase_error(images):
    """The error a lazy phase raises under a strategy (None if it trains)."""
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    with strategy.scope():
        model = build(regularized=True, r1_interval=2)
    try:
        model.fit(images, batch_size=8, epochs=1, verbose=0)
    except NotImplementedError as error:
        return str(error)
    return None


def main():
    rng = np.random.default_rng(0)
    images = rng.uniform(-1, 1, (16, 4, 4, 1)).astype("float32")
    n1, before1, after1, hist1 = train(["/cpu:0"], images)
    n2, before2, after2, hist2 = train(["/cpu:0", "/cpu:1"], images)
    report = {
        "replicas": [n1, n2],
        "same_init": max(float(np.abs(a - b).max()) for a, b in zip(before1, before2)),
        "step_1": max(float(np.abs(a - b).max()) for a, b in zip(before1, after1)),
        "diff_1_vs_2": max(float(np.abs(a - b).max()) for a, b in zip(after1, after2)),
        "d_loss": [hist1["d_loss"][-1], hist2["d_loss"][-1]],
        "replica_latent_diff": replica_latents(),
        "replica_fake_label_diff": replica_fake_labels(),
        "regularized": _regularized_difference(images),
        "lazy_error": _lazy_phase_error(images),
    }
    print("REPORT " + json.dumps(report))


if __name__ == "__main__":
    main()
