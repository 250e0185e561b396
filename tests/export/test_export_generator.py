"""Tests of `keras_gans.export.export_generator` on the current backend."""

import contextlib
import json
import os

import keras
import numpy as np
import pytest
from ai_edge_litert.interpreter import Interpreter

import keras_gans
from keras_gans.export import ExportParityError
from keras_gans.export import export_generator
from tests import helpers

BACKEND = keras.backend.backend()
LATENT_DIM = 8  # the tiny DCGAN of conftest.py
IMAGE_SHAPE = (16, 16, 1)
TOLERANCE = 1e-4

# Off TensorFlow each export is a TensorFlow child process (seconds); there
# `float32_export` represents the latent generator (parity with this
# backend's Keras generator, the card, every loader). The quantized exports
# differ only in what the TensorFlow converter and exporter do, the same
# code in the child as on TensorFlow, where they run in process and once
# more through the JAX/torch hand-over (`hand_over_in_this_process` of
# conftest.py).
quantized_on_tensorflow_only = helpers.tensorflow_only(
    "quantization (float16, int8, full-integer int8) and the replaced "
    "stale files are the TensorFlow converter's and exporter's, the same "
    "code in the TensorFlow child: checked on TensorFlow, in process and "
    "through the child's hand-over; this backend's generator export is "
    "float32_export"
)


def run_tflite(path, latents):
    """Runs a .tflite file with the raw interpreter API, any batch size."""
    interpreter = Interpreter(model_path=path)
    (input_details,) = interpreter.get_input_details()
    (output_details,) = interpreter.get_output_details()
    interpreter.resize_tensor_input(input_details["index"], latents.shape)
    interpreter.allocate_tensors()
    interpreter.set_tensor(input_details["index"], latents)
    interpreter.invoke()
    return interpreter.get_tensor(output_details["index"])


def test_writes_the_three_artifacts(float32_export):
    directory, _ = float32_export
    assert os.path.isfile(
        os.path.join(directory, "saved_model", "saved_model.pb")
    )
    assert os.path.getsize(os.path.join(directory, "generator.tflite")) > 0
    assert os.path.isfile(os.path.join(directory, "model_card.json"))
    # The staging folder is gone once the export is published.
    assert sorted(os.listdir(directory)) == [
        "generator.tflite",
        "model_card.json",
        "saved_model",
    ]


def test_card_on_disk_is_the_returned_card(float32_export):
    directory, card = float32_export
    with open(os.path.join(directory, "model_card.json")) as handle:
        assert json.load(handle) == card


def test_card_describes_model_and_training(float32_export, trained_gan):
    directory, card = float32_export
    assert card["variant"] == "DCGAN"
    assert card["latent_dim"] == LATENT_DIM
    assert card["image_shape"] == list(IMAGE_SHAPE)
    assert card["value_range"] == [-1.0, 1.0]
    assert card["dataset"] == "uniform-noise"
    assert card["epochs"] == 1
    assert card["steps"] == int(trained_gan.g_optimizer.iterations) == 2
    assert card["quantize"] is None
    assert card["keras_version"] == keras.__version__
    assert card["trained_backend"] == BACKEND
    assert card["reference_backend"] == BACKEND
    assert card["export_backend"] == "tensorflow"
    assert card["signature"] == {
        "name": "serving_default",
        "inputs": {"latent": [None, LATENT_DIM]},
        "outputs": {"images": [None, *IMAGE_SHAPE]},
    }
    files = card["files"]
    assert files["tflite"]["bytes"] == os.path.getsize(
        os.path.join(directory, "generator.tflite")
    )
    assert files["saved_model"]["bytes"] > files["tflite"]["bytes"]


def test_card_records_float32_parity(float32_export):
    _, card = float32_export
    errors = card["export_errors"]
    assert 0.0 <= errors["saved_model_max_abs_error"] <= TOLERANCE
    assert 0.0 <= errors["tflite_max_abs_error"] <= TOLERANCE


@pytest.mark.parametrize("count, seed", [(8, 0), (5, 123), (1, 7)])
def test_float32_tflite_matches_keras_generator(
    float32_export, trained_gan, count, seed
):
    directory, _ = float32_export
    latents = trained_gan.latents_for(count, seed=seed)
    expected = trained_gan.generate_from_latents(latents)
    images = run_tflite(os.path.join(directory, "generator.tflite"), latents)
    assert images.shape == (count, *IMAGE_SHAPE)
    assert np.max(np.abs(images - expected)) <= TOLERANCE
    # BatchNorm statistics moved during fit: the check is not vacuous.
    assert np.std(expected) > 0.01


def test_tflite_signature(float32_export):
    directory, _ = float32_export
    interpreter = Interpreter(
        model_path=os.path.join(directory, "generator.tflite")
    )
    assert interpreter.get_signature_list() == {
        "serving_default": {"inputs": ["latent"], "outputs": ["images"]}
    }


@pytest.mark.skipif(
    BACKEND != "tensorflow",
    reason="Loads the SavedModel in-process, which needs TensorFlow's "
    "runtime; on other backends the card's SavedModel error (measured by "
    "the TensorFlow child against this backend's images) is checked.",
)
def test_saved_model_matches_keras_generator(float32_export, trained_gan):
    import tensorflow as tf

    directory, _ = float32_export
    loaded = tf.saved_model.load(os.path.join(directory, "saved_model"))
    signature = loaded.signatures["serving_default"]
    (spec,) = signature.structured_input_signature[1].values()
    assert spec.name == "latent"
    assert spec.shape.as_list() == [None, LATENT_DIM]
    assert spec.dtype == tf.float32
    latents = trained_gan.latents_for(6, seed=42)
    images = signature(latent=tf.constant(latents))["images"].numpy()
    expected = trained_gan.generate_from_latents(latents)
    assert np.max(np.abs(images - expected)) <= TOLERANCE


@quantized_on_tensorflow_only
@pytest.mark.parametrize(
    "mode", ["float16", "int8", "int8_full", "int8_full_hand_over"]
)
def test_quantized_files_are_smaller_with_finite_error(
    float32_export, quantized_exports, mode
):
    _, float32_card = float32_export
    directory, card = quantized_exports[mode]
    size = os.path.getsize(os.path.join(directory, "generator.tflite"))
    assert card["files"]["tflite"]["bytes"] == size
    assert size < float32_card["files"]["tflite"]["bytes"]
    error = card["export_errors"]["tflite_max_abs_error"]
    assert np.isfinite(error)
    # Quantization changes the outputs, but a 16x16 tanh image stays close.
    assert 0.0 <= error < 0.1
    # The SavedModel stays float32 whatever the TFLite quantization.
    assert card["export_errors"]["saved_model_max_abs_error"] <= TOLERANCE


def scheme(name, representative_latents):
    return {"scheme": name, "representative_latents": representative_latents}


@quantized_on_tensorflow_only
def test_quantization_scheme_recorded(quantized_exports):
    schemes = {
        mode: (card["quantize"], card["quantization"])
        for mode, (_, card) in quantized_exports.items()
    }
    expected = {
        "float16": ("float16", scheme("float16_weights", None)),
        "int8": ("int8", scheme("int8_dynamic_range", None)),
        "int8_full": ("int8", scheme("int8_full_integer_float_io", 32)),
        # The child got `--quantize int8` and the calibration latents.
        "int8_full_hand_over": (
            "int8", scheme("int8_full_integer_float_io", 32),
        ),
    }
    assert schemes == expected
    # Calibrated on the same latents, the child's file is as faithful.
    errors = [
        quantized_exports[mode][1]["export_errors"]["tflite_max_abs_error"]
        for mode in ("int8_full", "int8_full_hand_over")
    ]
    assert errors[1] == pytest.approx(errors[0], rel=1e-4)


@quantized_on_tensorflow_only
def test_quantized_tflite_error_is_the_measured_one(
    quantized_exports, trained_gan
):
    latents = trained_gan.latents_for(8, seed=0)
    expected = trained_gan.generate_from_latents(latents)
    for directory, card in quantized_exports.values():
        tflite_path = os.path.join(directory, "generator.tflite")
        images = run_tflite(tflite_path, latents)
        error = float(np.max(np.abs(images - expected)))
        assert error == pytest.approx(
            card["export_errors"]["tflite_max_abs_error"], rel=1e-3, abs=1e-6
        )


@quantized_on_tensorflow_only
def test_existing_directory_replaces_owned_files_only(quantized_exports):
    directory, _ = quantized_exports["float16"]
    with open(os.path.join(directory, "notes.txt")) as handle:
        assert handle.read() == "keep me"
    stale = os.path.join(directory, "saved_model", "stale.txt")
    assert not os.path.exists(stale)
    with open(os.path.join(directory, "generator.tflite"), "rb") as handle:
        assert handle.read() != b"stale"
    assert not [n for n in os.listdir(directory) if n.startswith(".export")]


@pytest.mark.parametrize("quantize", ["int4", "FLOAT16", "", 8, "dynamic"])
def test_invalid_quantize_raises(trained_gan, tmp_path, quantize):
    with pytest.raises(ValueError) as info:
        export_generator(trained_gan, str(tmp_path), quantize=quantize)
    message = str(info.value)
    assert "`quantize`" in message
    assert f"Received: quantize={quantize!r}" in message
    assert "'float16'" in message and "'int8'" in message
    assert not os.listdir(tmp_path)


def test_representative_latents_need_int8(trained_gan, tmp_path):
    with pytest.raises(ValueError, match="quantize='int8'"):
        export_generator(
            trained_gan, str(tmp_path), quantize="float16",
            representative_latents=16,
        )


@pytest.mark.parametrize(
    "latents", [np.zeros((4, LATENT_DIM + 1)), np.zeros((0, LATENT_DIM)), 0]
)
def test_representative_latents_shape_checked(trained_gan, tmp_path, latents):
    with pytest.raises(ValueError, match="representative_latents"):
        export_generator(
            trained_gan, str(tmp_path), quantize="int8",
            representative_latents=latents,
        )


@pytest.mark.parametrize(
    "kwargs", [{"dataset": 3}, {"epochs": -1}, {"epochs": 1.5}]
)
def test_card_values_checked(trained_gan, tmp_path, kwargs):
    (name, value), = kwargs.items()
    with pytest.raises(ValueError, match=f"Received: {name}={value!r}"):
        export_generator(trained_gan, str(tmp_path), **kwargs)


def test_not_a_gan_raises(trained_gan, tmp_path):
    with pytest.raises(ValueError, match="AdversarialModel"):
        export_generator(trained_gan.generator, str(tmp_path))


class OffByHalfDCGAN(keras_gans.DCGAN):
    """Its Keras reference images disagree with its own generator network."""

    def generate_from_latents(self, z, batch_size=256):
        return super().generate_from_latents(z, batch_size) + 0.5


@helpers.tensorflow_only(
    "the parity check and the failed export's clean-up are the TensorFlow "
    "exporter's, the same code in the TensorFlow child: checked on "
    "TensorFlow, in process and through the child's hand-over (its error "
    "report re-raised); this backend's exports pass the check"
)
@pytest.mark.parametrize("route", ["in_process", "hand_over"])
def test_parity_failure_raises_and_keeps_directory(
    tmp_path, tiny_dcgan_factory, export_hand_over, route
):
    (tmp_path / "notes.txt").write_text("previous")
    gan = tiny_dcgan_factory(OffByHalfDCGAN)
    context = contextlib.nullcontext()
    if route == "hand_over":
        context = export_hand_over()
    with context, pytest.raises(ExportParityError, match="SavedModel differs"):
        export_generator(gan, str(tmp_path))
    assert sorted(os.listdir(tmp_path)) == ["notes.txt"]
