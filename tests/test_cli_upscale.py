"""`keras-gans upscale` and `keras-gans eval --sr-data/--scale`.

Every backend runs the command on a `.keras` upscaler (the network runs on
the Keras backend; its receptive field is computed from the file). The
export directory and `.tflite` file, whose card carries the receptive
field, are exported once, on TensorFlow: elsewhere the export is a
TensorFlow child process (seconds) and the exported files run on
TensorFlow or LiteRT whatever the backend.
"""

import json
import os
import shutil
import types

import keras
import numpy as np
import pytest
from PIL import Image

from keras_gans.cli import main
from keras_gans.export import export_upscaler
from keras_gans.export.tiled_upscale import DEFAULT_OVERLAP
from keras_gans.layers import PixelShuffle
from tests import helpers

SCALE = 2
# 3 LR 3x3 convolutions, PixelShuffle(2), one HR 3x3 convolution.
RECEPTIVE_FIELD = 4
# PNG stores 8 bits: outputs may differ by one step after rounding.
ONE_LEVEL = 1


def conv(filters, **kwargs):
    # Zero-initialized, then random NumPy weights: Keras' seeded
    # initializers compile a generator per weight shape on JAX.
    return keras.layers.Conv2D(
        filters, 3, padding="same", kernel_initializer="zeros", **kwargs
    )


def network(*layers, seed=0):
    images = keras.Input((None, None, 3), name="image")
    x = images
    for layer in layers:
        x = layer(x)
    model = keras.Model(images, x, name="tiny_sub_pixel")
    rng = np.random.default_rng(seed)
    model.set_weights([
        rng.normal(0, 1 / np.sqrt(np.prod(w.shape[:-1])), w.shape).astype(
            "float32"
        ) if w.ndim > 1 else rng.uniform(-0.5, 0.5, w.shape).astype("float32")
        for w in model.get_weights()
    ])
    return model


def sub_pixel_upscaler():
    return network(
        conv(8), conv(8), conv(12), PixelShuffle(SCALE),
        conv(3, activation="tanh"),
    )


def write_png(path, size, mode="RGB", seed=0):
    shape = size + ((3,) if mode == "RGB" else ())
    pixels = np.random.default_rng(seed).integers(0, 256, shape, "uint8")
    Image.fromarray(pixels, mode).save(path)
    return str(path)


def read_png(path):
    return np.asarray(Image.open(path), "int32")


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """The upscaler as `.keras`, LR images, a non-image, HR images, and a
    latent generator `.keras`."""
    folder = tmp_path_factory.mktemp("upscale")
    model = sub_pixel_upscaler()
    model.save(folder / "sr.keras")
    hr = folder / "hr"
    hr.mkdir()
    for i in range(2):
        write_png(hr / f"hr_{i}.png", (24, 26), seed=10 + i)
    generator = keras.Sequential([
        keras.Input((4,)),
        keras.layers.Dense(16, kernel_initializer="zeros"),
        keras.layers.Reshape((4, 4, 1)),
    ])
    generator.save(folder / "generator.keras")
    (folder / "notes.txt").write_text("not an image")
    return types.SimpleNamespace(
        folder=folder,
        model=model,
        keras=str(folder / "sr.keras"),
        # Sides that are no multiple of the tile: clipped edge tiles.
        photo=write_png(folder / "photo.png", (37, 29)),
        wide=write_png(folder / "wide.png", (9, 40), seed=1),
        gray=write_png(folder / "gray.png", (12, 12), mode="L"),
        text=str(folder / "notes.txt"),
        hr=str(hr),
        generator=str(folder / "generator.keras"),
    )


def expected_png(model, path):
    pixels = read_png(path).astype("float32") / 127.5 - 1.0
    output = keras.ops.convert_to_numpy(model(pixels[None], training=False))
    return np.rint((np.clip(output[0], -1, 1) + 1) * 127.5)


def test_upscale_writes_pngs_scale_times_larger(files, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["upscale", files.keras, files.photo, files.wide,
                 "-o", str(out)]) == 0
    assert sorted(os.listdir(out)) == ["photo_x2.png", "wide_x2.png"]
    for name, source, shape in [
        ("photo_x2.png", files.photo, (74, 58, 3)),
        ("wide_x2.png", files.wide, (18, 80, 3)),
    ]:
        written = read_png(out / name)
        assert written.shape == shape
        expected = expected_png(files.model, source)
        assert np.abs(written - expected).max() <= ONE_LEVEL
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        f"{files.photo} -> {out / 'photo_x2.png'} (29x37 -> 58x74)"
    )


def test_tiled_png_equals_the_untiled_one(files, tmp_path, capsys):
    whole, tiled = tmp_path / "whole", tmp_path / "tiled"
    assert main(["upscale", files.keras, files.photo, "-o", str(whole)]) == 0
    # The default overlap: the receptive field, computed from the file.
    assert main(["upscale", files.keras, files.photo, "-o", str(tiled),
                 "--tile", "8"]) == 0
    output = capsys.readouterr()
    assert f"tiles 8, overlap {RECEPTIVE_FIELD})" in output.out
    assert "receptive field" not in output.err
    difference = read_png(tiled / "photo_x2.png") - read_png(
        whole / "photo_x2.png"
    )
    assert np.abs(difference).max() <= ONE_LEVEL
    # Without overlap, the seams show.
    assert main(["upscale", files.keras, files.photo, "-o", str(tiled),
                 "--tile", "8", "--overlap", "0"]) == 0
    difference = read_png(tiled / "photo_x2.png") - read_png(
        whole / "photo_x2.png"
    )
    assert np.abs(difference).max() > 10


def test_unknown_receptive_field_uses_the_default_overlap(tmp_path, capsys):
    def squeeze_excitation(x):
        pooled = keras.layers.GlobalAveragePooling2D(keepdims=True)(x)
        return keras.layers.Multiply()([x, pooled])

    path = str(tmp_path / "global.keras")
    network(conv(12), squeeze_excitation, PixelShuffle(SCALE)).save(path)
    image = write_png(tmp_path / "a.png", (10, 12))
    assert main(["upscale", path, image, "-o", str(tmp_path / "out"),
                 "--tile", "4"]) == 0
    output = capsys.readouterr()
    assert f"overlap {DEFAULT_OVERLAP})" in output.out
    assert "receptive field" in output.err and "--overlap" in output.err
    assert f"default {DEFAULT_OVERLAP} LR pixels" in output.err


def test_upscale_errors_name_the_file_or_artifact(files, tmp_path, capsys):
    out = tmp_path / "out"
    cases = [
        # A grayscale file for an RGB upscaler is refused, not converted.
        ([files.keras, files.photo, files.gray],
         ["gray.png", "grayscale", "RGB", "Received: image="]),
        ([files.keras, files.text], ["notes.txt"]),
        ([files.keras, str(tmp_path / "missing.png")], ["missing.png"]),
        ([files.generator, files.photo],
         ["latent generator", "keras-gans sample", "generator.keras"]),
        ([files.keras, files.photo, "--overlap", "2"],
         ["`--overlap`", "--tile", "overlap=2"]),
    ]
    for arguments, words in cases:
        assert main(["upscale", *arguments, "-o", str(out)]) == 1, arguments
        error = capsys.readouterr().err
        for word in words:
            assert word in error, (word, error)
    # Inputs are checked before anything is written.
    assert not out.exists()


@pytest.mark.once  # argument parsing: backend-independent
@pytest.mark.parametrize(
    "flag, value", [("--tile", "0"), ("--tile", "x"), ("--overlap", "-1")]
)
def test_invalid_tile_or_overlap_is_a_usage_error(flag, value, capsys):
    arguments = ["upscale", "sr.keras", "a.png", "-o", "out"]
    if flag == "--overlap":
        arguments += ["--tile", "8"]
    assert main([*arguments, flag, value]) == 2
    error = capsys.readouterr().err
    assert f"argument {flag}:" in error and repr(value) in error


def test_eval_sr_data_and_scale(files, capsys):
    assert main(["eval", files.keras, "--sr-data", files.hr,
                 "--scale", str(SCALE)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["kind"], result["scale"], result["num_images"]) == (
        "upscaler", SCALE, 2,
    )
    assert result["data_dir"] == files.hr
    cases = [
        (["--sr-data", files.hr, "--scale", "3"],
         ["`--scale`", f"x{SCALE}", "scale=3"]),
        (["--sr-data", files.hr, "--data-dir", str(files.folder)],
         ["`--sr-data`", "`--data-dir`"]),
    ]
    for arguments, words in cases:
        assert main(["eval", files.keras, *arguments]) == 1
        error = capsys.readouterr().err
        assert all(word in error for word in words), error
    assert main(["eval", files.generator, "--sr-data", files.hr]) == 1
    error = capsys.readouterr().err
    assert "`--sr-data` is for super-resolution upscalers" in error
    assert "latent generator" in error and f"sr_data={files.hr!r}" in error


@pytest.fixture(scope="module")
def exported(files):
    directory = str(files.folder / "export")
    card = export_upscaler(files.model, directory)
    return directory, card


@helpers.tensorflow_only(
    "the upscaler exports once, on TensorFlow; the exported files run on "
    "TensorFlow or LiteRT whatever the backend"
)
def test_exported_upscaler_tiles_with_its_cards_receptive_field(
    files, exported, tmp_path, capsys
):
    directory, card = exported
    assert card["receptive_field"] == RECEPTIVE_FIELD
    expected = expected_png(files.model, files.photo)
    for artifact, tile in [
        (directory, ["--tile", "8"]),
        (os.path.join(directory, "generator.tflite"), []),
    ]:
        out = tmp_path / os.path.basename(artifact)
        assert main(["upscale", artifact, files.photo, "-o", str(out),
                     *tile]) == 0
        written = read_png(out / "photo_x2.png")
        assert np.abs(written - expected).max() <= ONE_LEVEL
    assert f"overlap {RECEPTIVE_FIELD})" in capsys.readouterr().out

    # A card written before the entry existed: the default, said so.
    old = str(tmp_path / "old_export")
    shutil.copytree(directory, old)
    card_path = os.path.join(old, "model_card.json")
    with open(card_path) as handle:
        old_card = json.load(handle)
    del old_card["receptive_field"]
    with open(card_path, "w") as handle:
        json.dump(old_card, handle)
    assert main(["upscale", old, files.photo, "-o", str(tmp_path / "o"),
                 "--tile", "8"]) == 0
    output = capsys.readouterr()
    assert f"overlap {DEFAULT_OVERLAP})" in output.out
    assert "no model card with a receptive_field" in output.err
