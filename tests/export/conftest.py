"""Fixtures of the export tests: one tiny trained DCGAN and its exports.

Exports are session-scoped: on JAX and torch each one starts a TensorFlow
child process (about 5-8 s), so every test reuses them. There only
`float32_export`, this backend's representative latent generator, is
built: the quantized exports and the non-generator `.tflite` are used by
tests that run on TensorFlow only (see tests/export/test_export_generator.py
and test_artifact_loader.py).
"""

import contextlib
import importlib
import subprocess
import types

import keras
import numpy as np
import pytest

import keras_gans
from keras_gans.export import export_generator
from keras_gans.export import tensorflow_subprocess
from keras_gans.export.__main__ import main as export_child_main

LATENT_DIM = 8
IMAGE_SHAPE = (16, 16, 1)


def build_tiny_dcgan(cls=keras_gans.DCGAN):
    """The smallest DCGAN of the suite: 16x16x1 images, 8 latents."""
    return cls(
        image_shape=IMAGE_SHAPE,
        latent_dim=LATENT_DIM,
        g_filters=(16, 8),
        d_filters=(8, 16),
        seed=0,
    )


@contextlib.contextmanager
def hand_over_in_this_process():
    """Exports on TensorFlow through the JAX/torch hand-over, in process.

    Off TensorFlow every export goes through `export_in_tensorflow_process`
    (the network, parity cases and int8 calibration inputs saved to a work
    folder, `--quantize` passed) and the child's entry point,
    `python -m keras_gans.export`, whose errors come back through the work
    folder's `error.json`. Those are the same code on JAX and torch, and the
    same whatever the parent's backend: inside this context the TensorFlow
    session exports through them, the child's `main` run in this process
    instead of a TensorFlow child (which would cost seconds per export).
    The child process itself is started by every export on JAX and torch.
    """

    def run_child_here(command, env, **kwargs):
        assert command[1:3] == ["-m", "keras_gans.export"]
        assert env["KERAS_BACKEND"] == "tensorflow"
        code = export_child_main(command[3:])
        return subprocess.CompletedProcess(command, code, "", "")

    with pytest.MonkeyPatch.context() as patch:
        for name in ("export_generator", "export_image_network"):
            module = importlib.import_module(f"keras_gans.export.{name}")
            patch.setattr(
                module,
                "exporter_for_backend",
                lambda: tensorflow_subprocess.export_in_tensorflow_process,
            )
        patch.setattr(
            tensorflow_subprocess,
            "subprocess",
            types.SimpleNamespace(run=run_child_here),
        )
        yield


@pytest.fixture(scope="session")
def tiny_dcgan_factory():
    """`build_tiny_dcgan`, as a fixture so tests need not import conftest."""
    return build_tiny_dcgan


@pytest.fixture(scope="session")
def export_hand_over():
    """`hand_over_in_this_process`, as a fixture (TensorFlow only)."""
    return hand_over_in_this_process


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
    check that only the exporter's own files are replaced.
    `int8_full_hand_over` is the full-integer int8 export again, through
    the JAX/torch hand-over (`hand_over_in_this_process`): `--quantize`
    and the calibration latents passed to the child. Used on TensorFlow
    only.
    """
    modes = [
        ("float16", "float16", None, False),
        ("int8", "int8", None, False),
        ("int8_full", "int8", 32, False),
        ("int8_full_hand_over", "int8", 32, True),
    ]
    exports = {}
    for mode, quantize, representative, hand_over in modes:
        directory = tmp_path_factory.mktemp(f"{mode}_export")
        if mode == "float16":
            (directory / "notes.txt").write_text("keep me")
            (directory / "saved_model").mkdir()
            (directory / "saved_model" / "stale.txt").write_text("stale")
            (directory / "generator.tflite").write_bytes(b"stale")
        route = contextlib.nullcontext()
        if hand_over:
            route = hand_over_in_this_process()
        with route:
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
    """A valid `.tflite` that is not a generator (input (None, 4), output
    (None, 3)). Keras' LiteRT export needs the TensorFlow backend: used on
    TensorFlow only."""
    path = str(tmp_path_factory.mktemp("classifier") / "classifier.tflite")
    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(3, activation="softmax")]
    )
    model.export(path, format="litert", verbose=False)
    return path
