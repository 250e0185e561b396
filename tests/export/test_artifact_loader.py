"""Tests of `keras_gans.export.load_generator_artifact`."""

import json
import os
import shutil

import keras
import numpy as np
import pytest

from keras_gans.export import Artifact
from keras_gans.export import load_generator_artifact
from tests import helpers

LATENT_DIM = 8  # the tiny DCGAN of conftest.py
IMAGE_SHAPE = (16, 16, 1)
TOLERANCE = 1e-4


def artifact_path(kind, float32_export, gan_keras_path):
    directory, _ = float32_export
    return {
        "keras": gan_keras_path,
        "export_dir": directory,
        "saved_model": os.path.join(directory, "saved_model"),
        "tflite": os.path.join(directory, "generator.tflite"),
    }[kind]


@pytest.mark.parametrize(
    "kind, expected_format, has_card",
    [
        ("keras", "keras", False),
        ("export_dir", "saved_model", True),
        ("saved_model", "saved_model", True),
        ("tflite", "tflite", True),
    ],
)
def test_loads_each_artifact_kind(
    float32_export, gan_keras_path, trained_gan, kind, expected_format, has_card
):
    artifact = load_generator_artifact(
        artifact_path(kind, float32_export, gan_keras_path)
    )
    assert isinstance(artifact, Artifact)
    assert artifact.format == expected_format
    assert artifact.kind == "generator"
    assert artifact.latent_dim == LATENT_DIM
    assert artifact.image_shape == IMAGE_SHAPE
    assert (artifact.card is not None) == has_card
    images = artifact.sample(5, seed=3)
    assert images.dtype == np.float32
    expected = trained_gan.generate(5, seed=3)
    assert np.max(np.abs(images - expected)) <= TOLERANCE


@helpers.tensorflow_only(
    "the loader reads a .tflite with LiteRT, whatever the Keras backend; "
    "writing a non-generator one off TensorFlow costs a TensorFlow child"
)
def test_tflite_not_a_generator_raises(classifier_tflite):
    with pytest.raises(ValueError) as info:
        load_generator_artifact(classifier_tflite)
    message = str(info.value)
    assert classifier_tflite in message
    assert "not a generator" in message
    assert "rank-4" in message
    assert "[-1, 3]" in message  # what was found: the (batch, 3) output


@pytest.mark.parametrize("content", [b"", b"not a flatbuffer at all"])
def test_a_file_that_is_not_tflite_raises_naming_it(tmp_path, content):
    path = str(tmp_path / "generator.tflite")
    with open(path, "wb") as f:
        f.write(content)
    match = r"generator.tflite' is not a readable TFLite"
    with pytest.raises(ValueError, match=match):
        load_generator_artifact(path)


def test_keras_file_not_a_generator_raises(tmp_path):
    path = str(tmp_path / "classifier.keras")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    model.save(path)
    with pytest.raises(ValueError, match="neither a keras-gans model"):
        load_generator_artifact(path)


def test_plain_keras_generator_file(trained_gan, tmp_path):
    path = str(tmp_path / "generator.keras")
    trained_gan.generator.save(path)
    artifact = load_generator_artifact(path)
    assert artifact.latent_dim == LATENT_DIM
    assert artifact.image_shape == IMAGE_SHAPE
    np.testing.assert_allclose(
        artifact.sample(3, seed=1), trained_gan.generate(3, seed=1), atol=1e-5
    )


def test_missing_path_raises(tmp_path):
    missing = str(tmp_path / "nothing.tflite")
    with pytest.raises(FileNotFoundError, match="Received: path="):
        load_generator_artifact(missing)


def test_unrecognised_path_raises(tmp_path):
    path = tmp_path / "weights.bin"
    path.write_bytes(b"\0")
    with pytest.raises(ValueError, match="A generator artifact is"):
        load_generator_artifact(str(path))


def test_card_mismatch_raises(float32_export, tmp_path):
    directory, card = float32_export
    copy = tmp_path / "export"
    copy.mkdir()
    shutil.copy(os.path.join(directory, "generator.tflite"), copy)
    stale_card = {**card, "latent_dim": 99}
    (copy / "model_card.json").write_text(json.dumps(stale_card))
    with pytest.raises(ValueError, match="does not match the model_card.json"):
        load_generator_artifact(str(copy / "generator.tflite"))


def test_card_of_another_file_is_ignored(float32_export, tmp_path):
    directory, card = float32_export
    shutil.copy(
        os.path.join(directory, "generator.tflite"), tmp_path / "other.tflite"
    )
    (tmp_path / "model_card.json").write_text(json.dumps(card))
    assert load_generator_artifact(str(tmp_path / "other.tflite")).card is None


def test_wrong_latent_shape_raises(float32_export):
    directory, _ = float32_export
    artifact = load_generator_artifact(
        os.path.join(directory, "generator.tflite")
    )
    with pytest.raises(ValueError, match=r"\(N, 8\)"):
        artifact(np.zeros((2, 3), "float32"))


def test_tflite_without_signature_uses_tensor_details(
    float32_export, trained_gan, monkeypatch
):
    # Older converters write no SignatureDef: the loader then resizes the
    # input tensor itself for each batch size.
    from ai_edge_litert.interpreter import Interpreter

    monkeypatch.setattr(Interpreter, "get_signature_list", lambda self: {})
    directory, _ = float32_export
    artifact = load_generator_artifact(
        os.path.join(directory, "generator.tflite")
    )
    for count in (1, 6):
        np.testing.assert_allclose(
            artifact.sample(count, seed=count),
            trained_gan.generate(count, seed=count),
            atol=TOLERANCE,
        )
