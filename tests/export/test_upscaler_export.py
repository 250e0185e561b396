"""The upscaler kind: a super-resolution network through the one exporter.

A tiny fully convolutional x4 network built on `(None, None, 3)` inputs is
exported on this backend's export path (on JAX and torch through the
TensorFlow child process). Every format loads back as an `upscaler` that
takes low-resolution images of any size and matches the Keras network at
a size the export was not verified at; the kind is checked by the loaders
and the `translate` command runs it.
"""

import json
import os

import keras
import numpy as np
import pytest
from PIL import Image

from keras_gans.cli import main
from keras_gans.export import export_upscaler
from keras_gans.export import load_artifact
from keras_gans.export import load_translator_artifact
from keras_gans.export import load_upscaler_artifact
from keras_gans.export.export_image_network import export_image_network

SCALE = 4
TOLERANCE = 1e-4
# Not a size the export verified (16x16 and 17x18): any size works.
LOW_RES = (2, 12, 20, 3)


def tiny_upscaler():
    """Conv -> x4 transposed conv -> conv: any input size, output 4x."""
    initializer = keras.initializers.GlorotUniform(seed=1)
    images = keras.Input((None, None, 3), name="image")
    x = keras.layers.Conv2D(
        8, 3, padding="same", kernel_initializer=initializer
    )(images)
    x = keras.layers.Conv2DTranspose(
        8, 8, strides=SCALE, padding="same", kernel_initializer=initializer
    )(x)
    x = keras.layers.Conv2D(
        3, 3, padding="same", activation="tanh", kernel_initializer=initializer
    )(x)
    return keras.Model(images, x, name="tiny_upscaler")


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    # Through `keras-gans export`: a .keras image network exports by the
    # kind its output size shows (export_from_file -> export_upscaler).
    network = tiny_upscaler()
    folder = tmp_path_factory.mktemp("upscaler")
    keras_path = str(folder / "network.keras")
    network.save(keras_path)
    directory = str(folder / "export")
    assert main(["export", keras_path, "--out", directory, "--dataset",
                 "tiny", "--epochs", "0"]) == 0
    with open(os.path.join(directory, "model_card.json")) as handle:
        card = json.load(handle)
    return network, directory, card, keras_path


def low_res_images(shape=LOW_RES, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1.0, 1.0, shape).astype("float32")


def test_card_records_the_kind_the_scale_and_free_sizes(exported):
    _, _, card, _ = exported
    assert card["kind"] == "upscaler"
    assert card["scale"] == SCALE
    assert (card["dataset"], card["epochs"]) == ("tiny", 0)
    assert card["free_dims"] == {"image": ["height", "width"]}
    assert card["input_shape"] == [None, None, 3]
    assert card["output_shape"] == [None, None, 3]
    cases = card["export_errors"]["cases"]
    assert [case["input_shapes"]["image"] for case in cases] == [
        [4, 16, 16, 3],
        [2, 17, 18, 3],
    ]
    for case in cases:
        assert case["saved_model_max_abs_error"] <= TOLERANCE
        assert case["tflite_max_abs_error"] <= TOLERANCE


@pytest.mark.parametrize(
    "artifact, expected_format",
    [
        ("", "saved_model"),
        ("saved_model", "saved_model"),
        ("generator.tflite", "tflite"),
        ("../network.keras", "keras"),
    ],
)
def test_every_format_upscales_any_size_like_keras(
    exported, artifact, expected_format
):
    network, directory, _, _ = exported
    loaded = load_artifact(os.path.join(directory, artifact))
    assert loaded.format == expected_format
    assert (loaded.kind, loaded.scale) == ("upscaler", SCALE)
    small = low_res_images()
    expected = keras.ops.convert_to_numpy(network(small, training=False))
    output = loaded(small)
    assert output.shape == (2, 48, 80, 3)
    assert np.max(np.abs(output - expected)) <= TOLERANCE
    # Non-trivial outputs: the comparison is not vacuous.
    assert np.std(expected) > 0.01


def test_loaders_check_the_kind(exported, tmp_path):
    _, directory, _, _ = exported
    assert load_upscaler_artifact(directory).kind == "upscaler"
    with pytest.raises(ValueError, match="super-resolution upscaler.*"
                       "load_upscaler_artifact"):
        load_translator_artifact(directory)
    same_size = keras.Sequential(
        [keras.Input((8, 8, 3)), keras.layers.Conv2D(3, 3, padding="same")]
    )
    with pytest.raises(ValueError, match="must be an upscaler"):
        export_upscaler(same_size, str(tmp_path / "refused"))
    assert not os.path.exists(tmp_path / "refused" / "saved_model")
    fixed = keras.Sequential(
        [keras.Input((8, 8, 3)), keras.layers.UpSampling2D(3)]
    )
    fixed.save(str(tmp_path / "fixed.keras"))
    fixed_artifact = load_upscaler_artifact(str(tmp_path / "fixed.keras"))
    assert (fixed_artifact.scale, fixed_artifact.output_shape) == (3, (24, 24, 3))
    path = str(tmp_path / "same_size.keras")
    same_size.save(path)
    with pytest.raises(ValueError, match="image-to-image translator.*not a "
                       "super-resolution upscaler"):
        load_upscaler_artifact(path)
    with pytest.raises(ValueError, match="must be 'translator' or 'upscaler'"):
        export_image_network(same_size, str(tmp_path / "x"), kind="generator")


def test_translate_command_upscales_image_files(exported, tmp_path):
    network, directory, _, _ = exported
    pixels = np.random.default_rng(3).integers(0, 256, (10, 14, 3), "uint8")
    source = str(tmp_path / "small.png")
    Image.fromarray(pixels).save(source)
    target = str(tmp_path / "big.png")
    assert main(["translate", directory, source, "-o", target]) == 0
    written = np.asarray(Image.open(target))
    assert written.shape == (40, 56, 3)
    expected = network(pixels[None].astype("float32") / 127.5 - 1.0)
    expected = keras.ops.convert_to_numpy(expected)[0]
    expected = np.round((np.clip(expected, -1, 1) + 1) * 127.5)
    assert np.max(np.abs(written.astype("float32") - expected)) <= 1


def test_a_whole_srgan_exports_its_generator_at_any_size(tmp_path):
    # A recipe's final.keras: SRGAN's generator with its own layers
    # (PixelShuffle, the bicubic skip, ImageRange) through the TensorFlow
    # exporter on every backend, verified at two sizes.
    from tests.helpers import tiny_srgan

    model = tiny_srgan(image_skip="bicubic")
    keras_path = str(tmp_path / "final.keras")
    model.save(keras_path)
    directory = str(tmp_path / "export")
    assert main(["export", keras_path, "--out", directory]) == 0
    artifact = load_upscaler_artifact(directory)
    assert artifact.scale == 2
    with open(os.path.join(directory, "model_card.json")) as handle:
        card = json.load(handle)
    assert card["export_errors"]["tflite_max_abs_error"] <= TOLERANCE
    # The network's own receptive field (head 9x9, two 3x3 convs of the
    # block, the trunk conv; the upsampling conv and the last 9x9 at x2).
    assert isinstance(card["receptive_field"], int)
    assert card["receptive_field"] > 4
    images = low_res_images((1, 7, 10, 3))
    np.testing.assert_allclose(
        artifact(images), model.upscale(images), atol=TOLERANCE
    )
