"""`keras-gans translate`: image files through an exported translator."""

import keras
import numpy as np
import pytest
from PIL import Image

from keras_gans.cli import main
from keras_gans.export import export_translator
from keras_gans.utils.free_size import free_size_copy
from tests import helpers

SHAPE = (16, 16, 1)

# The command reads images and runs the exported file (TensorFlow or
# LiteRT), whatever the Keras backend; off TensorFlow the export alone is
# a TensorFlow child process (seconds).
pytestmark = helpers.tensorflow_only(
    "the translate command runs the exported file, not the Keras backend; "
    "on this backend a translator exports in "
    "tests/export/test_free_size_export.py and the command runs the "
    "upscaler's export (tests/export/test_upscaler_export.py)"
)


@pytest.fixture(scope="module")
def translator_export(tmp_path_factory):
    """A 1 -> 3 channel conv net exported once (a TF child off TensorFlow)."""
    keras.utils.set_random_seed(0)
    inputs = keras.Input(SHAPE)
    x = keras.layers.Conv2D(4, 3, padding="same", activation="relu")(inputs)
    outputs = keras.layers.Conv2D(3, 3, padding="same", activation="tanh")(x)
    network = keras.Model(inputs, outputs, name="to_colour")
    directory = tmp_path_factory.mktemp("translator") / "a_to_b"
    export_translator(network, str(directory), direction="A->B")
    return network, directory


def _write_png(path, size, mode="L", seed=0):
    rng = np.random.default_rng(seed)
    shape = size + ((3,) if mode == "RGB" else ())
    Image.fromarray(rng.integers(0, 256, shape, dtype=np.uint8), mode).save(
        path
    )
    return str(path)


def test_translate_matches_the_keras_network(translator_export, tmp_path):
    network, directory = translator_export
    # A colour image of another size: converted to gray and, the network
    # being fully convolutional (exported with free height and width),
    # translated at its own 24x20 size. (Resizing to a fixed-size export's
    # input: tests/export/test_committed_artifacts.py.)
    source = _write_png(tmp_path / "in.png", (24, 20), mode="RGB")
    target = tmp_path / "out.png"
    assert main(["translate", str(directory), source, "-o", str(target)]) == 0

    image = Image.open(source).convert("L")
    x = np.asarray(image, "float32")[None, ..., None] / 127.5 - 1.0
    copy, multiple = free_size_copy(network)
    assert multiple == 1
    expected = keras.ops.convert_to_numpy(copy(x))[0]
    written = np.asarray(Image.open(target), "float32") / 127.5 - 1.0
    assert written.shape == (24, 20, 3)
    # PNG stores 8 bits: one step is 2/255.
    np.testing.assert_allclose(written, expected, atol=1.01 * 2 / 255)


def test_translate_many_images_into_a_directory(translator_export, tmp_path):
    _, directory = translator_export
    sources = [_write_png(tmp_path / f"{i}.png", (16, 16), seed=i)
               for i in range(2)]
    out = tmp_path / "out"
    tflite = directory / "generator.tflite"
    assert main(["translate", str(tflite), *sources, "-o", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["0.png", "1.png"]


def test_translate_errors_are_clear(translator_export, tmp_path, capsys):
    _, directory = translator_export
    missing = str(tmp_path / "missing.png")
    assert main(["translate", str(directory), missing, "-o", "x.png"]) == 1
    assert "missing.png" in capsys.readouterr().err
    corrupt = tmp_path / "corrupt.png"
    corrupt.write_bytes(b"\x89PNG not really")
    assert main(["translate", str(directory), str(corrupt), "-o",
                 str(tmp_path / "o.png")]) == 1
    assert "corrupt.png" in capsys.readouterr().err
    two = [_write_png(tmp_path / f"{i}.png", (16, 16)) for i in range(2)]
    assert main(["translate", str(directory), *two, "-o", "one.png"]) == 1
    assert "one .png" in capsys.readouterr().err
