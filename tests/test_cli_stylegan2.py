"""The StyleGAN2 commands: `sample --truncation`, `mix` and `project`.

They share the StyleGAN2 export of tests/export/test_stylegan2_export.py
(`helpers.tiny_stylegan2_export`, one per process): this module joins its
`exports` xdist group so both run on one worker, which exports once. The
commands on an export run on every backend (the reference is this
backend's model); on a `.keras` file they run the model's own `generate`
and `mix`, the same code on every backend: on TensorFlow only.
"""

import json
import os

import numpy as np
import pytest
from PIL import Image

from keras_gans.cli import main
from keras_gans.utils.images import make_grid
from keras_gans.utils.images import make_panel
from keras_gans.utils.images import read_image_for
from keras_gans.utils.images import style_mixing_grid
from keras_gans.utils.images import to_uint8
from tests import helpers

pytestmark = pytest.mark.xdist_group("exports")


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    return helpers.tiny_stylegan2_export(tmp_path_factory)


@pytest.fixture(scope="module")
def keras_path(exported, tmp_path_factory):
    return helpers.tiny_stylegan2_keras_file(tmp_path_factory)


@pytest.fixture(scope="module")
def dcgan_path(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("cli_dcgan") / "dcgan.keras")
    helpers.tiny_dcgan().save(path)
    return path


SOURCES = ["export", pytest.param("keras", marks=pytest.mark.once)]


@pytest.fixture(params=SOURCES)
def source(request, exported, tmp_path_factory):
    """An export directory, or (TensorFlow only) the `.keras` file."""
    if request.param == "keras":
        return helpers.tiny_stylegan2_keras_file(tmp_path_factory)
    return exported[1]


def read_png(path):
    pixels = np.asarray(Image.open(path))
    return pixels[..., None] if pixels.ndim == 2 else pixels


def assert_png_is(path, expected):
    """The PNG is `expected` (uint8), up to a rounding step: the export
    is within 1e-4 of the Keras model."""
    pixels = read_png(path)
    assert pixels.shape == expected.shape
    assert np.max(np.abs(pixels.astype(int) - expected.astype(int))) <= 1


def test_sample_with_truncation(exported, source, tmp_path, capsys):
    gan = exported[0]
    output = str(tmp_path / "grid.png")
    code = main(
        ["sample", source, "-n", "8", "--seed", "3",
         "--truncation", "0.7", "--scale", "1", "-o", output]
    )
    assert code == 0, capsys.readouterr().err
    assert "at truncation 0.7" in capsys.readouterr().out
    assert_png_is(output, make_grid(gan.generate(8, seed=3, truncation=0.7)))


def test_mix_writes_the_style_mixing_grid(exported, source, tmp_path, capsys):
    gan = exported[0]
    output = str(tmp_path / "mix.png")
    code = main(
        ["mix", source, "--rows", "1,2",
         "--cols", "3,4,5,6", "--crossover", "2", "--truncation", "0.7",
         "--scale", "1", "-o", output]
    )
    assert code == 0, capsys.readouterr().err
    mixed, images_a, images_b = gan.mix([1, 2], [3, 4, 5, 6], 2,
                                        truncation=0.7)
    expected = make_grid(style_mixing_grid(mixed, images_a, images_b), rows=3)
    assert expected.shape == (3 * 10 + 2, 5 * 10 + 2, 1)  # 8x8 cells, pad 2
    assert_png_is(output, expected)
    corner = read_png(output)[2:10, 2:10]
    assert np.all(corner == 255)  # blank


@pytest.mark.once
def test_truncation_flag_errors(exported, dcgan_path, tmp_path, capsys):
    output = str(tmp_path / "x.png")
    directory = exported[1]
    for bad in ("-1", "nan", "inf", "high"):
        code = main(["sample", directory, "--truncation", bad, "-o", output])
        assert code == 2
        error = capsys.readouterr().err
        assert "--truncation" in error and repr(bad) in error
    code = main(["sample", dcgan_path, "--truncation", "0.7", "-o", output])
    assert code == 1
    error = capsys.readouterr().err
    assert "`--truncation` is for style-based" in error and dcgan_path in error
    assert "truncation=0.7" in error
    assert not os.path.exists(output)


@pytest.mark.once
def test_mix_errors_name_the_flag(
    exported, keras_path, dcgan_path, tmp_path, capsys
):
    directory = exported[1]
    output = str(tmp_path / "x.png")
    mix = ["mix", "--rows", "1,2", "--cols", "3", "-o", output]
    for path in (directory, keras_path):
        assert main(mix[:1] + [path] + mix[1:] + ["--crossover", "5"]) == 1
        error = capsys.readouterr().err
        assert "`--crossover` must be an int in [0, 4]" in error
        assert "crossover=5" in error
        assert main(mix[:1] + [path] + mix[1:] + ["--crossover", "1",
                                                   "--label", "3"]) == 1
        assert "`--label` is for conditional" in capsys.readouterr().err
    cases = [
        (dcgan_path, "holds a DCGAN"),
        (str(tmp_path), "holding mapping/ and synthesis/"),
        (str(tmp_path / "missing"), "No StyleGAN2 .keras file"),
    ]
    for path, message in cases:
        assert main(mix[:1] + [path] + mix[1:] + ["--crossover", "1"]) == 1
        error = capsys.readouterr().err
        assert message in error and path in error
    code = main(["mix", directory, "--rows", "1,a", "--cols", "3",
                 "--crossover", "1", "-o", output])
    assert code == 2
    assert "--rows: expected comma-separated integer seeds" in (
        capsys.readouterr().err
    )
    # The two halves are run by `mix`, on their export directory.
    synthesis = os.path.join(directory, "synthesis")
    assert main(["translate", synthesis, output, "-o", output]) == 1
    assert "use `keras-gans mix` on the export directory" in (
        capsys.readouterr().err
    )
    assert not os.path.exists(output)


@pytest.mark.once
def test_project_writes_reconstruction_comparison_ws_and_losses(
    exported, keras_path, tmp_path, capsys
):
    """Two steps of the real projector (its own tests check the fit): the
    target converted to the model's 8x8 gray, and every result written."""
    gan, directory, _ = exported
    target = str(tmp_path / "face.jpg")
    colours = np.random.default_rng(0).integers(0, 255, (12, 20, 3), "uint8")
    Image.fromarray(colours).save(target)
    out = str(tmp_path / "projected")
    code = main(["project", keras_path, target, "-o", out, "--steps", "2",
                 "--scale", "1"])
    assert code == 0, capsys.readouterr().err
    projected = read_png(os.path.join(out, "face_projected.png"))
    assert projected.shape == (8, 8, 1)
    converted = read_image_for(target, gan.image_shape)
    comparison = read_png(os.path.join(out, "face_comparison.png"))
    assert comparison.shape == make_panel([[converted, converted]]).shape
    assert np.array_equal(comparison[2:10, 2:10], to_uint8(converted))
    assert np.array_equal(comparison[2:10, 12:20], projected)
    ws = np.load(os.path.join(out, "face_ws.npy"))
    assert ws.shape == (gan.num_ws, 8) and ws.dtype == np.float32
    with np.load(os.path.join(out, "face_noise.npz")) as noise:
        assert len(noise.files) == len(
            gan.sampling_generator.synthesis.noise_shapes
        )
    with open(os.path.join(out, "face_losses.json")) as handle:
        record = json.load(handle)
    assert record["steps"] == 2 and len(record["losses"]) == 2
    assert all(np.isfinite(record["losses"]))
    # Exports cannot be projected; labels are for conditional models.
    assert main(["project", directory, target, "-o", out]) == 1
    error = capsys.readouterr().err
    assert "needs a StyleGAN2 .keras file" in error and directory in error
    assert main(["project", keras_path, target, "-o", out, "--label", "1"]) == 1
    assert "`--label` is for conditional" in capsys.readouterr().err
    assert main(["project", keras_path, target, "-o", out, "--steps", "0"]) == 2
    assert "--steps: expected a positive integer" in capsys.readouterr().err
