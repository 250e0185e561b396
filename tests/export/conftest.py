"""Fixtures of the export tests: one tiny trained DCGAN and its exports.

Exports are session-scoped: on JAX and torch each one starts a TensorFlow
child process (about 5-8 s), so every test reuses them.
"""

import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

import keras_gans
from keras_gans.export import export_generator

BACKEND = keras.backend.backend()
LATENT_DIM = 8
IMAGE_SHAPE = (16, 16, 1)

# A Dense classifier `.tflite` (input (None, 4), output (None, 3)): a valid
# LiteRT file that is not a generator. Keras' LiteRT export needs the
# TensorFlow backend, so other backends run this in a TensorFlow child.
CLASSIFIER_SCRIPT = textwrap.dedent(
    """
    import sys
    import keras
    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(3, activation="softmax")]
    )
    model.export(sys.argv[1], format="litert", verbose=False)
    """
)


def build_tiny_dcgan(cls=keras_gans.DCGAN):
    """The smallest DCGAN of the suite: 16x16x1 images, 8 latents."""
    return cls(
        image_shape=IMAGE_SHAPE,
        latent_dim=LATENT_DIM,
        g_filters=(16, 8),
        d_filters=(8, 16),
        seed=0,
    )


def write_classifier_tflite(path):
    """Writes the non-generator `.tflite` to `path` and returns `path`."""
    path = str(path)
    if BACKEND == "tensorflow":
        model = keras.Sequential(
            [keras.Input((4,)), keras.layers.Dense(3, activation="softmax")]
        )
        model.export(path, format="litert", verbose=False)
        return path
    env = dict(os.environ, KERAS_BACKEND="tensorflow", TF_CPP_MIN_LOG_LEVEL="2")
    subprocess.run(
        [sys.executable, "-c", CLASSIFIER_SCRIPT, path],
        env=env,
        check=True,
        capture_output=True,
    )
    return path


@pytest.fixture(scope="session")
def tiny_dcgan_factory():
    """`build_tiny_dcgan`, as a fixture so tests need not import conftest."""
    return build_tiny_dcgan


@pytest.fixture(scope="session")
def trained_gan():
    """Tiny DCGAN fit for 2 steps, so BatchNorm statistics are not trivial."""
    keras.utils.set_random_seed(0)
    gan = build_tiny_dcgan()
    gan.compile()
    images = np.random.default_rng(0).uniform(-1, 1, (8,) + IMAGE_SHAPE)
    gan.fit(images.astype("float32"), batch_size=4, epochs=1, verbose=0)
    return gan


@pytest.fixture(scope="session")
def float32_export(trained_gan, tmp_path_factory):
    """`(directory, returned card)` of a float32 export."""
    directory = str(tmp_path_factory.mktemp("float32_export"))
    card = export_generator(
        trained_gan, directory, dataset="uniform-noise", epochs=1
    )
    return directory, card


@pytest.fixture(scope="session")
def quantized_exports(trained_gan, tmp_path_factory):
    """`{mode: (directory, card)}` for float16, int8 and full-integer int8.

    The float16 directory starts with a stale export and a foreign file, to
    check that only the exporter's own files are replaced. Dynamic-range
    int8 is exported only on TensorFlow: on other backends it would cost
    one more TensorFlow child while adding no path that the float16 and
    full-integer int8 exports (`--quantize` and `--representative` passed
    to the child) do not already take.
    """
    modes = [("float16", "float16", None), ("int8_full", "int8", 32)]
    if BACKEND == "tensorflow":
        modes.insert(1, ("int8", "int8", None))
    exports = {}
    for mode, quantize, representative in modes:
        directory = tmp_path_factory.mktemp(f"{mode}_export")
        if mode == "float16":
            (directory / "notes.txt").write_text("keep me")
            (directory / "saved_model").mkdir()
            (directory / "saved_model" / "stale.txt").write_text("stale")
            (directory / "generator.tflite").write_bytes(b"stale")
        card = export_generator(
            trained_gan,
            str(directory),
            quantize=quantize,
            representative_latents=representative,
        )
        exports[mode] = (str(directory), card)
    return exports


@pytest.fixture(scope="session")
def gan_keras_path(trained_gan, tmp_path_factory):
    """The trained GAN saved as a `.keras` file."""
    path = str(tmp_path_factory.mktemp("keras_file") / "gan.keras")
    trained_gan.save(path)
    return path


@pytest.fixture(scope="session")
def classifier_tflite(tmp_path_factory):
    """A valid `.tflite` that is not a generator."""
    return write_classifier_tflite(
        tmp_path_factory.mktemp("classifier") / "classifier.tflite"
    )
