"""Export of image-to-image generators: both directions, loaded back.

Three exports are shared by the module: A->B, a 1->3 channel network built
at 16x16 and exported at that size (`free_size=False`); B->A, a 3->1
network built with free height and width, exported free and verified on
the caller's parity images and at a second size; and a tiny U-Net (built
at 16x16) with instance normalization exported free with float16 weights.
The issue's own case, a Pix2Pix U-Net trained at 64x64 and run at 128x192,
is tests/export/test_free_size_export.py.

They export on TensorFlow only. On JAX and torch, where each export is a
TensorFlow child process, the translator's representative is that
Pix2Pix U-Net: exported free (the default) from the network rebuilt at
free size on the backend, verified at two sizes against it and loaded
back; a network built free exports as the upscaler
(tests/export/test_upscaler_export.py). What these exports add (a pinned
size, the caller's parity images, the card, the loaders' checks, float16
weights, a failed parity check) is the exporter's bookkeeping, the
converter's and the loaders', the same code whatever the backend.
"""

import importlib
import json
import os
import shutil

import keras
import numpy as np
import pytest
from ai_edge_litert.interpreter import Interpreter

import keras_gans
from keras_gans.export import ExportParityError
from keras_gans.export import Artifact
from keras_gans.export import LiteRTRunner
from keras_gans.export import export_translator
from keras_gans.export import load_generator_artifact
from keras_gans.export import load_translator_artifact
from keras_gans.models import UNet
from tests import helpers

BACKEND = keras.backend.backend()
TOLERANCE = 1e-4
SIZE = 16
EXPORT_FILES = ["generator.tflite", "model_card.json", "saved_model"]
# The tests of the module's exports (see the module docstring).
variant_on_tensorflow_only = helpers.tensorflow_only(
    "translator variants export on TensorFlow only; this backend's "
    "translator export is the free-size Pix2Pix U-Net of "
    "tests/export/test_free_size_export.py (see the module docstring)"
)


def conv_translator(in_channels, out_channels, size, name):
    """conv -> GroupNorm -> conv -> tanh, `in_channels` -> `out_channels`."""
    inputs = keras.Input((size, size, in_channels), name="image_in")
    x = keras.layers.Conv2D(8, 3, padding="same", activation="relu")(inputs)
    x = keras.layers.GroupNormalization(groups=4)(x)
    x = keras.layers.Conv2D(out_channels, 3, padding="same")(x)
    outputs = keras.layers.Activation("tanh")(x)
    return keras.Model(inputs, outputs, name=name)


def domain_images(n, channels, seed):
    return helpers.random_images(n, (SIZE, SIZE, channels), seed=seed)


def keras_outputs(model, images):
    return helpers.to_numpy(model(images, training=False))


def default_parity_images(shape):
    """The parity images the card describes (the exporter's default)."""
    rng = np.random.default_rng(0)
    return rng.uniform(-1.0, 1.0, (4, *shape)).astype("float32")


@pytest.fixture(scope="module")
def a_to_b():
    keras.utils.set_random_seed(1)
    return conv_translator(1, 3, SIZE, "g_ab")


@pytest.fixture(scope="module")
def b_to_a():
    keras.utils.set_random_seed(2)
    # Built with free height and width.
    return conv_translator(3, 1, None, "g_ba")


@pytest.fixture(scope="module")
def tiny_unet():
    keras.utils.set_random_seed(3)
    return UNet(
        (SIZE, SIZE, 1),
        out_channels=3,
        filters=4,
        max_filters=8,
        depth=2,
        norm="instance",
    )


@pytest.fixture(scope="module")
def exports(a_to_b, b_to_a, tmp_path_factory):
    """`{direction: (directory, card)}` for A->B and B->A."""
    ab_dir = str(tmp_path_factory.mktemp("a2b"))
    ba_dir = str(tmp_path_factory.mktemp("b2a"))
    ab_card = export_translator(
        a_to_b,
        ab_dir,
        free_size=False,
        dataset="digits<->inverted-digits",
        epochs=2,
        steps=10,
        direction="A->B",
        extra_card={
            "variant": "CycleGAN",
            "lambda_cycle": np.float32(10.0),
            "test_scores": {"psnr": np.float64(21.5), "hist": np.arange(3)},
        },
    )
    ba_card = export_translator(
        b_to_a,
        ba_dir,
        parity_images=domain_images(3, 3, seed=5),
        direction="B->A",
    )
    return {"A->B": (ab_dir, ab_card), "B->A": (ba_dir, ba_card)}


@pytest.fixture(scope="module")
def unet_float16_export(tiny_unet, tmp_path_factory):
    directory = tmp_path_factory.mktemp("unet_float16")
    (directory / "notes.txt").write_text("keep me")
    card = export_translator(tiny_unet, str(directory), quantize="float16")
    return str(directory), card


@variant_on_tensorflow_only
def test_each_direction_writes_the_three_artifacts(exports):
    for directory, _ in exports.values():
        assert sorted(os.listdir(directory)) == EXPORT_FILES
        saved_model = os.path.join(directory, "saved_model", "saved_model.pb")
        assert os.path.isfile(saved_model)
        with open(os.path.join(directory, "model_card.json")) as handle:
            assert json.load(handle)["kind"] == "translator"


@variant_on_tensorflow_only
def test_card_describes_the_translation(exports):
    directory, card = exports["A->B"]
    with open(os.path.join(directory, "model_card.json")) as handle:
        assert json.load(handle) == card
    assert card["kind"] == "translator"
    assert card["direction"] == "A->B"
    assert card["network"] == "g_ab"
    assert card["input_shape"] == [SIZE, SIZE, 1]
    assert card["output_shape"] == [SIZE, SIZE, 3]
    assert card["value_range"] == [-1.0, 1.0]
    assert (card["dataset"], card["epochs"], card["steps"]) == (
        "digits<->inverted-digits",
        2,
        10,
    )
    assert card["trained_backend"] == BACKEND
    assert card["reference_backend"] == BACKEND
    assert card["export_backend"] == "tensorflow"
    assert card["keras_gans_version"] == keras_gans.__version__
    # extra_card entries, NumPy values converted to JSON ones.
    assert card["variant"] == "CycleGAN" and card["lambda_cycle"] == 10.0
    assert card["test_scores"] == {"psnr": 21.5, "hist": [0, 1, 2]}
    assert card["signature"] == {
        "name": "serving_default",
        "inputs": {"image": [None, SIZE, SIZE, 1]},
        "outputs": {"images": [None, SIZE, SIZE, 3]},
    }
    assert card["quantize"] is None
    assert card["quantization"] == {
        "scheme": "none",
        "representative_images": None,
    }
    files = card["files"]
    assert files["tflite"]["bytes"] == os.path.getsize(
        os.path.join(directory, "generator.tflite")
    )
    assert files["saved_model"]["bytes"] > files["tflite"]["bytes"]
    # The converter kept the batch size free.
    assert files["tflite"]["inputs"] == {"image": [None, SIZE, SIZE, 1]}
    errors = card["export_errors"]
    assert 0.0 <= errors["saved_model_max_abs_error"] <= TOLERANCE
    assert 0.0 <= errors["tflite_max_abs_error"] <= TOLERANCE
    assert errors["images"] == (
        f"numpy.random.default_rng(0).uniform(-1, 1, (4, {SIZE}, {SIZE}, 1))"
    )


@variant_on_tensorflow_only
def test_free_size_network_is_exported_with_free_height_and_width(exports):
    directory, card = exports["B->A"]
    assert card["direction"] == "B->A"
    assert card["input_shape"] == [None, None, 3]
    assert card["output_shape"] == [None, None, 1]
    assert card["signature"]["inputs"] == {"image": [None, None, None, 3]}
    assert card["free_dims"] == {"image": ["height", "width"]}
    assert card["size_multiple"] == 1  # no strides
    assert card["files"]["tflite"]["inputs"] == {
        "image": [None, None, None, 3]
    }
    errors = card["export_errors"]
    assert errors["images"] == "3 images given as parity_images"
    # Verified at the parity images' size and at a second one.
    shapes = [case["input_shapes"]["image"] for case in errors["cases"]]
    assert shapes == [[3, SIZE, SIZE, 3], [2, SIZE + 1, SIZE + 2, 3]]
    for key in ("saved_model_max_abs_error", "tflite_max_abs_error"):
        assert errors[key] == max(case[key] for case in errors["cases"])
        assert errors[key] <= TOLERANCE
    assert card["dataset"] is None and card["steps"] is None
    assert "free_dims" not in exports["A->B"][1]


@variant_on_tensorflow_only
def test_tflite_signature_has_image_in_images_out(exports):
    directory, _ = exports["A->B"]
    interpreter = Interpreter(
        model_path=os.path.join(directory, "generator.tflite")
    )
    assert interpreter.get_signature_list() == {
        "serving_default": {"inputs": ["image"], "outputs": ["images"]}
    }


@variant_on_tensorflow_only
@pytest.mark.parametrize("count", [1, 5])
def test_tflite_runs_any_batch_and_matches_keras(
    exports, a_to_b, b_to_a, count
):
    networks = {"A->B": (a_to_b, 1), "B->A": (b_to_a, 3)}
    outputs = {}
    for direction, (network, channels) in networks.items():
        directory, _ = exports[direction]
        runner = LiteRTRunner(os.path.join(directory, "generator.tflite"))
        # A->B is exported at its size, B->A with free height and width.
        size = SIZE if direction == "A->B" else None
        assert runner.inputs == (("image", "float32", (size, size, channels)),)
        images = domain_images(count, channels, seed=count)
        expected = keras_outputs(network, images)
        outputs[direction] = runner({"image": images})
        assert outputs[direction].shape == (count, SIZE, SIZE, 4 - channels)
        assert np.max(np.abs(outputs[direction] - expected)) <= TOLERANCE
        # Non-trivial outputs: the comparison is not vacuous.
        assert np.std(expected) > 0.01


def artifact_paths(directory, keras_path):
    return {
        "keras": keras_path,
        "export_dir": directory,
        "saved_model": os.path.join(directory, "saved_model"),
        "tflite": os.path.join(directory, "generator.tflite"),
    }


@variant_on_tensorflow_only
@pytest.mark.parametrize(
    "kind, expected_format, has_card",
    [
        ("keras", "keras", False),
        ("export_dir", "saved_model", True),
        ("saved_model", "saved_model", True),
        ("tflite", "tflite", True),
    ],
)
def test_load_translator_artifact_round_trip(
    exports, a_to_b, tmp_path, kind, expected_format, has_card
):
    directory, card = exports["A->B"]
    keras_path = str(tmp_path / "g_ab.keras")
    a_to_b.save(keras_path)
    artifact = load_translator_artifact(
        artifact_paths(directory, keras_path)[kind]
    )
    assert isinstance(artifact, Artifact)
    assert artifact.format == expected_format
    assert artifact.kind == "translator"
    assert artifact.input_shape == (SIZE, SIZE, 1)
    assert artifact.output_shape == (SIZE, SIZE, 3)
    assert (artifact.card == card) if has_card else artifact.card is None
    assert artifact.direction == ("A->B" if has_card else None)
    images = domain_images(3, 1, seed=9)
    outputs = artifact(images)
    assert outputs.dtype == np.float32
    expected = keras_outputs(a_to_b, images)
    assert np.max(np.abs(outputs - expected)) <= TOLERANCE


@variant_on_tensorflow_only
def test_unet_float16_export_records_its_error(
    unet_float16_export, tiny_unet
):
    directory, card = unet_float16_export
    assert sorted(os.listdir(directory)) == sorted(EXPORT_FILES + ["notes.txt"])
    assert card["network"] == "unet"
    assert card["quantize"] == "float16"
    assert card["quantization"]["scheme"] == "float16_weights"
    errors = card["export_errors"]
    # The SavedModel stays float32 whatever the TFLite quantization.
    assert errors["saved_model_max_abs_error"] <= TOLERANCE
    # The recorded error is the one measured on the images the card names
    # (the first case; the second is at 20x24, the U-Net's multiple is 4).
    assert card["size_multiple"] == 4
    images = default_parity_images((SIZE, SIZE, 1))
    expected = keras_outputs(tiny_unet, images)
    artifact = load_translator_artifact(
        os.path.join(directory, "generator.tflite")
    )
    error = float(np.max(np.abs(artifact(images) - expected)))
    first, second = errors["cases"]
    assert error == pytest.approx(
        first["tflite_max_abs_error"], rel=1e-3, abs=1e-6
    )
    assert second["input_shapes"]["image"] == [2, SIZE + 4, SIZE + 8, 1]
    assert errors["tflite_max_abs_error"] == max(
        first["tflite_max_abs_error"], second["tflite_max_abs_error"]
    )
    assert 0.0 < error < 0.05
    assert np.std(expected) > 0.01


@variant_on_tensorflow_only
def test_wrong_input_images_raise(exports):
    directory, _ = exports["A->B"]
    artifact = load_translator_artifact(directory)
    good = domain_images(2, 1, seed=0)
    cases = [
        (
            domain_images(2, 3, seed=0),
            r"must have 1 channels.*\(2, 16, 16, 3\)",
        ),
        (np.zeros((2, 8, 8, 1), "float32"), r"height and width \(16, 16\)"),
        (
            good[0],
            r"add a batch axis.*"
            r"Received: images='array of shape \(16, 16, 1\)'",
        ),
        (
            np.where(good > 0, 255.0, 0.0),
            r"\[-1, 1\].*Received: images='values in \[0, 255\]'",
        ),
        (np.full_like(good, np.nan), "must be finite"),
        (np.array(["a"] * 4), "numeric array"),
    ]
    for images, message in cases:
        with pytest.raises(ValueError, match=message):
            artifact(images)


def test_latent_generator_is_refused(float32_export, tmp_path):
    # float32_export (conftest.py): a DCGAN, whose card says "generator".
    directory, _ = float32_export
    for path in (directory, os.path.join(directory, "generator.tflite")):
        with pytest.raises(ValueError, match="load_generator_artifact"):
            load_translator_artifact(path)
    # Without its card, the latent-shaped signature gives it away.
    alone = str(tmp_path / "alone.tflite")
    shutil.copy(os.path.join(directory, "generator.tflite"), alone)
    with pytest.raises(ValueError, match="latent generator"):
        load_translator_artifact(alone)
    keras_path = str(tmp_path / "latent.keras")
    helpers.tiny_dcgan().generator.save(keras_path)
    with pytest.raises(ValueError, match="latent generator"):
        load_translator_artifact(keras_path)


def test_whole_gan_keras_file_is_refused(tmp_path):
    path = str(tmp_path / "dcgan.keras")
    helpers.tiny_dcgan().save(path)
    with pytest.raises(ValueError, match="whole DCGAN model"):
        load_translator_artifact(path)


@variant_on_tensorflow_only
def test_generator_loader_refuses_a_translator(exports):
    directory, _ = exports["A->B"]
    with pytest.raises(ValueError, match="load_translator_artifact"):
        load_generator_artifact(directory)


def test_loader_path_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="No translator artifact"):
        load_translator_artifact(str(tmp_path / "missing.tflite"))
    other = tmp_path / "weights.bin"
    other.write_bytes(b"\0")
    with pytest.raises(ValueError, match="A translator artifact is"):
        load_translator_artifact(str(other))


@variant_on_tensorflow_only
def test_card_mismatch_raises(exports, tmp_path):
    directory, card = exports["A->B"]
    shutil.copy(os.path.join(directory, "generator.tflite"), tmp_path)
    stale = {**card, "output_shape": [SIZE, SIZE, 1]}
    (tmp_path / "model_card.json").write_text(json.dumps(stale))
    with pytest.raises(ValueError, match="does not match the model_card"):
        load_translator_artifact(str(tmp_path / "generator.tflite"))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"quantize": "int4"}, "Received: quantize='int4'"),
        ({"steps": -1}, "Received: steps=-1"),
        ({"epochs": 1.5}, "Received: epochs=1.5"),
        ({"direction": ""}, "Received: direction=''"),
        ({"free_size": "yes"}, "Received: free_size='yes'"),
        ({"extra_card": {"kind": "x"}}, r"may not replace.*\(kind\)"),
        ({"extra_card": {"files": 1}}, r"may not replace.*\(files\)"),
        ({"extra_card": {"model": object()}}, "JSON values"),
        ({"extra_card": {3: "three"}}, "string keys"),
        ({"extra_card": ["variant"]}, "must be a dict"),
        (
            {"parity_images": np.zeros((2, SIZE, SIZE, 3), "float32")},
            r"must have 1 channels.*Received: parity_images=",
        ),
        (
            {"parity_images": np.full((2, SIZE, SIZE, 1), 2.0, "float32")},
            r"\[-1, 1\].*Received: parity_images='values in \[2, 2\]'",
        ),
    ],
)
def test_export_argument_errors(a_to_b, tmp_path, kwargs, message):
    with pytest.raises(ValueError, match=message):
        export_translator(a_to_b, str(tmp_path / "out"), **kwargs)
    assert not os.path.exists(tmp_path / "out")


def test_export_refuses_non_translators(b_to_a, tmp_path):
    latent = helpers.tiny_dcgan().generator
    with pytest.raises(ValueError, match="export_generator"):
        export_translator(latent, str(tmp_path))
    with pytest.raises(ValueError, match="functional keras.Model"):
        export_translator(lambda x: x, str(tmp_path))
    # Pinned to one size, a free-size network needs parity images to fix
    # it.
    with pytest.raises(ValueError, match="pass `parity_images`"):
        export_translator(b_to_a, str(tmp_path), free_size=False)
    assert not os.listdir(tmp_path)


@helpers.tensorflow_only(
    "the parity check and the failed export's clean-up are the TensorFlow "
    "exporter's, the same code in the TensorFlow child (whose error report "
    "tests/export/test_export_generator.py checks through the hand-over)"
)
def test_parity_failure_raises_and_keeps_directory(
    a_to_b, tmp_path, monkeypatch
):
    # A reference that disagrees with the network, as a backend bug would.
    # (The module that exports translators and upscalers.)
    module = importlib.import_module("keras_gans.export.export_image_network")
    translate = module._translate
    monkeypatch.setattr(
        module, "_translate", lambda g, x: translate(g, x) + 0.5
    )
    (tmp_path / "notes.txt").write_text("previous")
    with pytest.raises(ExportParityError, match="SavedModel differs"):
        export_translator(a_to_b, str(tmp_path))
    assert sorted(os.listdir(tmp_path)) == ["notes.txt"]
