"""`keras-gans singan ...` (keras_gans.cli_singan) on a tiny trained SinGAN.

Run through a parser built here with `add_singan_parser`, as `cli.py`
builds its own.
"""

import argparse

import keras
import numpy as np
import pytest
from keras import ops
from PIL import Image

from keras_gans.cli_singan import add_singan_parser
from keras_gans.data.bicubic import imresize
from keras_gans.models.singan.singan_io import read_rgb_image
from keras_gans.utils.images import to_uint8
from tests.models.singan_helpers import TINY_SIZE
from tests.models.singan_helpers import tiny_singan_model


def run(argv):
    parser = argparse.ArgumentParser(prog="keras-gans")
    add_singan_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.handler(args)


@pytest.fixture(scope="module")
def model_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("singan") / "tiny.keras"
    tiny_singan_model().save(path)
    return str(path)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """The training image and a mask as PNG files at twice the model's
    size (the CLI resizes them), and a grayscale copy."""
    folder = tmp_path_factory.mktemp("inputs")
    model = tiny_singan_model()
    real = ops.convert_to_numpy(model.reals[model.trained_scales - 1])
    pixels = to_uint8(real).repeat(2, axis=0).repeat(2, axis=1)
    mask = np.zeros(pixels.shape[:2], "uint8")
    mask[16:32, 20:40] = 255
    paths = {
        "image": folder / "naive.png",
        "mask": folder / "naive_mask.png",
        "gray": folder / "gray.png",
    }
    Image.fromarray(pixels).save(paths["image"])
    Image.fromarray(mask).save(paths["mask"])
    Image.fromarray(pixels).convert("L").save(paths["gray"])
    return {name: str(path) for name, path in paths.items()}


def test_harmonize_writes_the_model_size_and_keeps_the_rest(
    model_file, files, tmp_path
):
    out = str(tmp_path / "harmonized.png")
    code = run(["singan", "harmonize", model_file, "--image", files["image"],
                "--mask", files["mask"], "--start-scale", "2", "--seed", "0",
                "-o", out])
    assert code == 0
    result = np.asarray(Image.open(out))
    assert result.shape == TINY_SIZE + (3,)
    # Outside the mask (halved, with the resize's 2 px reach) the output
    # is the composite as resized to the model's size.
    expected = to_uint8(np.clip(imresize(
        read_rgb_image(files["image"]), output_shape=TINY_SIZE), -1, 1))
    outside = np.ones(TINY_SIZE, bool)
    outside[6:18, 8:22] = False
    np.testing.assert_array_equal(result[outside], expected[outside])
    assert np.any(result[~outside] != expected[~outside])


@pytest.mark.parametrize("application", ["edit", "paint"])
def test_edit_and_paint_write_pngs(model_file, files, tmp_path, application):
    out = str(tmp_path / f"{application}.png")
    argv = ["singan", application, model_file, "--image", files["image"],
            "--start-scale", "2", "-o", out]
    if application == "edit":
        argv += ["--mask", files["mask"]]
    else:
        argv += ["--quantize"]
    assert run(argv) == 0
    assert np.asarray(Image.open(out)).shape == TINY_SIZE + (3,)


def test_sr_writes_factor_times_the_size(model_file, tmp_path):
    out = str(tmp_path / "sr.png")
    assert run(["singan", "sr", model_file, "--factor", "2", "-o", out]) == 0
    assert Image.open(out).size == (2 * TINY_SIZE[1], 2 * TINY_SIZE[0])


def test_animate_writes_a_gif(model_file, tmp_path):
    out = str(tmp_path / "walk.gif")
    code = run(["singan", "animate", model_file, "--frames", "3", "--fps",
                "5", "--seed", "0", "-o", out])
    assert code == 0
    with Image.open(out) as gif:
        assert gif.size == (TINY_SIZE[1], TINY_SIZE[0])
        # Identical frames merge in a GIF; the frames of this untrained
        # model differ by less than a grey level, so count the time.
        durations = []
        for index in range(gif.n_frames):
            gif.seek(index)
            durations.append(gif.info["duration"])
        assert sum(durations) == 3 * 200


@pytest.mark.parametrize(
    "argv, match",
    [
        (["--image", "{gray}", "--mask", "{mask}", "--start-scale", "2"],
         r"gray\.png.*'L'.*[Cc]onvert"),
        (["--image", "{image}", "--mask", "{gray_small}", "--start-scale", "2"],
         r"`mask`.*24x30.*48x60"),
        (["--image", "{image}", "--mask", "{mask}", "--start-scale", "5"],
         r"`start_scale`.*\[1, 5\)"),
        (["--image", "{image}", "--mask", "{mask}", "--start-scale", "2",
          "-o", "{tmp}/out.jpg"], r"`--output`.*\.png"),
    ],
)
def test_harmonize_errors_name_the_input(
    model_file, files, tmp_path, argv, match
):
    gray_small = tmp_path / "small_mask.png"
    Image.new("L", (TINY_SIZE[1], TINY_SIZE[0])).save(gray_small)
    names = {**files, "gray_small": str(gray_small), "tmp": str(tmp_path)}
    argv = [part.format(**names) for part in argv]
    if "-o" not in argv:
        argv += ["-o", str(tmp_path / "out.png")]
    with pytest.raises(ValueError, match=match):
        run(["singan", "harmonize", model_file] + argv)


def test_another_model_is_refused(tmp_path):
    path = str(tmp_path / "dense.keras")
    keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]).save(path)
    with pytest.raises(ValueError, match=r"needs a SinGAN.*Sequential"):
        run(["singan", "sr", path, "-o", str(tmp_path / "x.png")])
    with pytest.raises(FileNotFoundError):
        run(["singan", "sr", str(tmp_path / "none.keras"), "-o",
             str(tmp_path / "x.png")])


def test_bad_flag_values_are_usage_errors(model_file, tmp_path):
    for argv in (["sr", model_file, "--factor", "1"],
                 ["animate", model_file, "--frames", "1"]):
        with pytest.raises(SystemExit):
            run(["singan"] + argv + ["-o", str(tmp_path / "x.png")])
