"""Export of conditional generators: two inputs (latent, label) everywhere."""

import json
import os
import shutil

import keras
import numpy as np
import pytest
from ai_edge_litert.interpreter import Interpreter

import keras_gans
from keras_gans.export import export_generator
from keras_gans.export import load_generator_artifact
from tests import helpers

BACKEND = keras.backend.backend()
TOLERANCE = 1e-4
NUM_CLASSES = 3


@pytest.fixture(scope="module")
def trained_cgan():
    """Tiny CGAN with conditional BatchNorm in G, fit for 2 steps."""
    keras.utils.set_random_seed(0)
    gan = helpers.tiny_conditional(
        keras_gans.CGAN, g_conditional_batchnorm=True, ema_decay=0.9
    )
    gan.compile()
    helpers.fit_steps(gan, 2, batch_size=4)
    return gan


@pytest.fixture(scope="module")
def cgan_export(trained_cgan, tmp_path_factory):
    """`(directory, card, .keras path)` of a float32 export."""
    directory = str(tmp_path_factory.mktemp("cgan_export"))
    card = export_generator(trained_cgan, directory, dataset="blobs")
    keras_path = os.path.join(directory, "cgan.keras")
    trained_cgan.save(keras_path)
    return directory, card, keras_path


def _run_tflite(path, latents, labels):
    interpreter = Interpreter(model_path=path)
    runner = interpreter.get_signature_runner("serving_default")
    return runner(latent=latents, label=labels)["images"]


def test_card_records_classes_and_the_two_input_signature(cgan_export):
    directory, card, _ = cgan_export
    assert card["variant"] == "CGAN"
    assert card["num_classes"] == NUM_CLASSES
    assert card["signature"] == {
        "name": "serving_default",
        "inputs": {"latent": [None, 8], "label": [None]},
        "outputs": {"images": [None, 16, 16, 1]},
    }
    assert card["export_errors"]["labels"] == [0, 0, 0, 1, 1, 1, 2, 2]
    assert card["export_errors"]["tflite_max_abs_error"] <= TOLERANCE
    with open(os.path.join(directory, "model_card.json")) as handle:
        assert json.load(handle) == card


def test_tflite_has_two_inputs_and_matches_keras(cgan_export, trained_cgan):
    directory, _, _ = cgan_export
    path = os.path.join(directory, "generator.tflite")
    interpreter = Interpreter(model_path=path)
    signature = interpreter.get_signature_list()["serving_default"]
    assert sorted(signature["inputs"]) == ["label", "latent"]
    latents = trained_cgan.latents_for(5, seed=4)
    labels = np.array([2, 0, 1, 1, 2], "int32")
    expected = trained_cgan.generate_from_latents(latents, labels=labels)
    images = _run_tflite(path, latents, labels)
    assert np.max(np.abs(images - expected)) <= TOLERANCE
    # The label input is live: other labels, other images.
    other = _run_tflite(path, latents, (labels + 1) % NUM_CLASSES)
    assert np.max(np.abs(other - images)) > 1e-3


@pytest.mark.parametrize(
    "kind", ["keras", "export_dir", "saved_model", "tflite"]
)
def test_artifacts_take_labels(cgan_export, trained_cgan, kind):
    directory, _, keras_path = cgan_export
    path = {
        "keras": keras_path,
        "export_dir": directory,
        "saved_model": os.path.join(directory, "saved_model"),
        "tflite": os.path.join(directory, "generator.tflite"),
    }[kind]
    artifact = load_generator_artifact(path)
    assert artifact.num_classes == NUM_CLASSES
    assert "num_classes=3" in repr(artifact)
    labels = [1, 2, 0, 2]
    np.testing.assert_allclose(
        artifact.sample(4, seed=7, labels=labels),
        trained_cgan.generate(4, labels=labels, seed=7),
        atol=TOLERANCE,
    )
    # Default labels are the model's class-balanced ones.
    np.testing.assert_allclose(
        artifact.sample(6, seed=2),
        trained_cgan.generate(6, seed=2),
        atol=TOLERANCE,
    )
    latents = artifact.latents_for(3, seed=0)
    np.testing.assert_allclose(
        artifact(latents, labels=2),
        trained_cgan.generate_from_latents(latents, labels=[2, 2, 2]),
        atol=TOLERANCE,
    )
    with pytest.raises(
        ValueError, match=r"\[0, 3\); found 3\. Received: labels=3"
    ):
        artifact.sample(2, seed=0, labels=3)
    with pytest.raises(ValueError, match="Received: labels=0.5"):
        artifact.sample(2, seed=0, labels=0.5)
    with pytest.raises(
        ValueError, match=r"shape \(2,\).*Received: labels=\[1\]"
    ):
        artifact.sample(2, seed=0, labels=[1])


def test_tflite_without_its_card_needs_explicit_labels(cgan_export, tmp_path):
    directory, _, _ = cgan_export
    copy = str(tmp_path / "alone.tflite")
    shutil.copy(os.path.join(directory, "generator.tflite"), copy)
    artifact = load_generator_artifact(copy)
    assert artifact.conditional and artifact.num_classes is None
    assert artifact.sample(2, seed=0, labels=[0, 1]).shape == (2, 16, 16, 1)
    with pytest.raises(ValueError, match="number of classes is unknown"):
        artifact.sample(2, seed=0)


def test_saved_model_carries_its_class_count(cgan_export, tmp_path):
    directory, _, _ = cgan_export
    copy = str(tmp_path / "saved_model")
    shutil.copytree(os.path.join(directory, "saved_model"), copy)
    artifact = load_generator_artifact(copy)
    assert artifact.card is None and artifact.num_classes == NUM_CLASSES


def test_plain_keras_conditional_generator(trained_cgan, tmp_path):
    path = str(tmp_path / "generator.keras")
    trained_cgan.generator.save(path)
    artifact = load_generator_artifact(path)
    assert artifact.num_classes == NUM_CLASSES
    latents = artifact.latents_for(3, seed=1)
    expected = helpers.to_numpy(
        trained_cgan.generator([latents, np.array([0, 2, 1], "int32")])
    )
    np.testing.assert_allclose(
        artifact(latents, [0, 2, 1]), expected, atol=1e-5
    )


def test_card_mismatch_on_classes_raises(cgan_export, tmp_path):
    directory, card, _ = cgan_export
    # The SavedModel knows its class count, so the card can disagree.
    copy = tmp_path / "export"
    shutil.copytree(
        os.path.join(directory, "saved_model"), copy / "saved_model"
    )
    (copy / "model_card.json").write_text(
        json.dumps({**card, "num_classes": 7})
    )
    with pytest.raises(ValueError, match="num_classes=7"):
        load_generator_artifact(str(copy))


def test_unconditional_artifacts_refuse_labels(tmp_path):
    gan = helpers.tiny_dcgan()
    path = str(tmp_path / "dcgan.keras")
    gan.save(path)
    artifact = load_generator_artifact(path)
    assert artifact.num_classes is None and not artifact.conditional
    with pytest.raises(ValueError, match="unconditional.*Received: labels=1"):
        artifact.sample(2, seed=0, labels=1)


def test_cli_samples_requested_labels(cgan_export, tmp_path):
    from keras_gans.cli import main
    from keras_gans.export import load_generator_artifact
    from keras_gans.utils.images import save_grid

    directory, _, _ = cgan_export
    output = str(tmp_path / "twos.png")
    code = main(["sample", directory, "-n", "4", "-o", output, "--seed", "1",
                 "--labels", "2", "--scale", "1"])
    assert code == 0
    artifact = load_generator_artifact(directory)
    expected = str(tmp_path / "expected.png")
    save_grid(artifact.sample(4, seed=1, labels=2), expected, scale=1)
    with open(output, "rb") as a, open(expected, "rb") as b:
        assert a.read() == b.read()
    bad = main(["sample", directory, "-n", "2", "-o", output,
                "--labels", "0,1,5"])
    assert bad != 0
