"""The upscaler kind: a super-resolution network through the one exporter.

This backend's representative of the kind is a whole tiny x2 SRGAN saved
as `.keras` (a recipe's `final.keras`): `keras-gans export` exports its
generator, with SRGAN's own layers (PixelShuffle, the bicubic skip,
ImageRange), on this backend's export path (on JAX and torch through the
TensorFlow child process, seconds per export, so there the one upscaler
export). On TensorFlow a plain fully convolutional x4 network built on
`(None, None, 3)` inputs exports too, as a `.keras` image network whose
output size shows the kind. Every format loads back as an `upscaler`
that takes low-resolution images of any size and matches the Keras
network at a size the export was not verified at; the kind is checked by
the loaders and the `translate` command runs it.
"""

import json
import os
import types

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
from tests.helpers import export_on_tensorflow_only
from tests.helpers import tiny_srgan
from tests.helpers import to_numpy

# The plain network's scale, and the whole SRGAN's.
SCALE = 4
SRGAN_SCALE = 2
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


@pytest.fixture(
    scope="module",
    params=[
        "whole_srgan",
        pytest.param("network", marks=export_on_tensorflow_only),
    ],
)
def exported(request, tmp_path_factory):
    """The export through `keras-gans export ... --dataset tiny --epochs 0`
    of a whole SRGAN (which exports its generator) or of a plain network
    (export_from_file -> export_upscaler, by its output size).

    A namespace: `network` (saved alone as `../network.keras` next to the
    export `directory`), the `card`, `upscale` (the model as its users run
    it in Keras: `SRGAN.upscale`), `scale` and `whole_srgan`.
    """
    folder = tmp_path_factory.mktemp(request.param)
    keras_path = str(folder / "network.keras")
    if request.param == "whole_srgan":
        keras.utils.set_random_seed(1)
        model = tiny_srgan(scale=SRGAN_SCALE, image_skip="bicubic")
        network = model.generator
        upscale = model.upscale
        network.save(keras_path)
        exported_path = str(folder / "final.keras")
        model.save(exported_path)
    else:
        network = tiny_upscaler()
        network.save(keras_path)
        exported_path = keras_path

        def upscale(images):
            return to_numpy(network(images, training=False))

    directory = str(folder / "export")
    assert main(["export", exported_path, "--out", directory, "--dataset",
                 "tiny", "--epochs", "0"]) == 0
    with open(os.path.join(directory, "model_card.json")) as handle:
        card = json.load(handle)
    return types.SimpleNamespace(
        network=network,
        directory=directory,
        card=card,
        upscale=upscale,
        scale=SRGAN_SCALE if request.param == "whole_srgan" else SCALE,
        whole_srgan=request.param == "whole_srgan",
    )


def low_res_images(shape=LOW_RES, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1.0, 1.0, shape).astype("float32")


def test_card_records_the_kind_the_scale_and_free_sizes(exported):
    card = exported.card
    assert card["kind"] == "upscaler"
    assert card["scale"] == exported.scale
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
    assert card["export_errors"]["tflite_max_abs_error"] <= TOLERANCE
    # The network's own receptive field (the SRGAN's: head 9x9, two 3x3
    # convs of the block, the trunk conv; the upsampling conv and the last
    # 9x9 at x2).
    assert isinstance(card["receptive_field"], int)
    if exported.whole_srgan:
        assert card["receptive_field"] > 4


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
    loaded = load_artifact(os.path.join(exported.directory, artifact))
    assert loaded.format == expected_format
    assert (loaded.kind, loaded.scale) == ("upscaler", exported.scale)
    small = low_res_images()
    expected = keras.ops.convert_to_numpy(
        exported.network(small, training=False)
    )
    output = loaded(small)
    scale = exported.scale
    assert output.shape == (2, 12 * scale, 20 * scale, 3)
    assert np.max(np.abs(output - expected)) <= TOLERANCE
    # Non-trivial outputs: the comparison is not vacuous.
    assert np.std(expected) > 0.01


def test_the_export_upscales_like_the_model_at_any_size(exported):
    # For the whole SRGAN (a recipe's final.keras): its generator with its
    # own layers (PixelShuffle, the bicubic skip, ImageRange) through the
    # TensorFlow exporter on every backend, verified at two sizes, against
    # `SRGAN.upscale` at a third.
    artifact = load_upscaler_artifact(exported.directory)
    assert artifact.scale == exported.scale
    images = low_res_images((1, 7, 10, 3))
    np.testing.assert_allclose(
        artifact(images), exported.upscale(images), atol=TOLERANCE
    )


def test_loaders_check_the_kind(exported, tmp_path):
    directory = exported.directory
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
    assert (fixed_artifact.scale, fixed_artifact.output_shape) == (
        3, (24, 24, 3)
    )
    path = str(tmp_path / "same_size.keras")
    same_size.save(path)
    with pytest.raises(ValueError, match="image-to-image translator.*not a "
                       "super-resolution upscaler"):
        load_upscaler_artifact(path)
    with pytest.raises(ValueError, match="must be 'translator' or 'upscaler'"):
        export_image_network(same_size, str(tmp_path / "x"), kind="generator")


def test_translate_command_upscales_image_files(exported, tmp_path):
    pixels = np.random.default_rng(3).integers(0, 256, (10, 14, 3), "uint8")
    source = str(tmp_path / "small.png")
    Image.fromarray(pixels).save(source)
    target = str(tmp_path / "big.png")
    assert main(["translate", exported.directory, source, "-o", target]) == 0
    written = np.asarray(Image.open(target))
    assert written.shape == (10 * exported.scale, 14 * exported.scale, 3)
    expected = exported.network(pixels[None].astype("float32") / 127.5 - 1.0)
    expected = keras.ops.convert_to_numpy(expected)[0]
    expected = np.round((np.clip(expected, -1, 1) + 1) * 127.5)
    assert np.max(np.abs(written.astype("float32") - expected)) <= 1
