"""Tests of the `keras-gans` command line (`keras_gans.cli.main`)."""

import json
import os
import re
import sys
import types

import keras
import numpy as np
import pytest
from PIL import Image

import keras_gans
from keras_gans.cli import main
from keras_gans.export import load_generator_artifact
from keras_gans.recipes import dcgan
from keras_gans.utils.images import make_grid
from keras_gans.utils.images import to_uint8
from tests import helpers

BACKEND = keras.backend.backend()
IMAGE_SHAPE = (16, 16, 1)

# Off TensorFlow the `export_dir` export is a TensorFlow child process
# (seconds) that adds nothing there: a GAN exports in tests/export
# (`float32_export`), the `export` command through the upscaler's export,
# and `sample` reads an export in tests/export/test_conditional_export.py;
# the exported files run on TensorFlow or LiteRT whatever the backend.
export_on_tensorflow_only = helpers.tensorflow_only(
    "the export command's GAN round trip runs on TensorFlow; on this "
    "backend tests/export exports a GAN (float32_export), runs the export "
    "command (upscaler) and samples an export (conditional)"
)


@pytest.fixture(scope="module")
def gan():
    """A tiny DCGAN, not compiled, with non-trivial BatchNorm statistics.

    Not fit (training on JAX costs seconds of compilation); moving the
    BatchNorm statistics by hand makes inference differ from training mode.
    """
    keras.utils.set_random_seed(0)
    model = keras_gans.DCGAN(
        image_shape=IMAGE_SHAPE,
        latent_dim=8,
        g_filters=(16, 8),
        d_filters=(8, 16),
        seed=0,
    )
    rng = np.random.default_rng(1)
    for layer in model.generator.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            size = layer.moving_mean.shape
            layer.moving_mean.assign(rng.normal(0, 0.5, size).astype("float32"))
            layer.moving_variance.assign(
                rng.uniform(0.5, 2.0, size).astype("float32")
            )
    return model


@pytest.fixture(scope="module")
def keras_path(gan, tmp_path_factory):
    path = str(tmp_path_factory.mktemp("cli_model") / "gan.keras")
    gan.save(path)
    return path


@pytest.fixture(scope="module")
def export_dir(keras_path, tmp_path_factory):
    """Exported once through the CLI (the `export` round trip)."""
    directory = str(tmp_path_factory.mktemp("cli_export") / "dcgan")
    code = main(
        ["export", keras_path, "--out", directory, "--dataset", "noise",
         "--epochs", "0"]
    )
    assert code == 0
    return directory


def expected_grid(gan, n, seed):
    return make_grid(gan.generate(n, seed=seed))


def read_png(path):
    with Image.open(path) as image:
        array = np.asarray(image)
    return array[..., None] if array.ndim == 2 else array


@export_on_tensorflow_only
def test_export_round_trip(export_dir, gan, capsys):
    with open(os.path.join(export_dir, "model_card.json")) as handle:
        card = json.load(handle)
    assert card["variant"] == "DCGAN"
    assert card["dataset"] == "noise"
    assert card["epochs"] == 0
    # Never compiled: no optimizer, so no generator update.
    assert card["steps"] == 0
    assert card["trained_backend"] is None  # unknown from a .keras file
    assert card["reference_backend"] == BACKEND
    assert card["export_errors"]["tflite_max_abs_error"] <= 1e-4
    assert card["export_errors"]["saved_model_max_abs_error"] <= 1e-4
    artifact = load_generator_artifact(
        os.path.join(export_dir, "generator.tflite")
    )
    np.testing.assert_allclose(
        artifact.sample(4, seed=9), gan.generate(4, seed=9), atol=1e-4
    )


@pytest.mark.parametrize(
    "kind",
    ["keras"]
    + [
        pytest.param(kind, marks=export_on_tensorflow_only)
        for kind in ("saved_model", "export_dir", "tflite")
    ],
)
def test_sample_writes_png_grid(kind, gan, keras_path, tmp_path, request):
    if kind == "keras":
        artifact = keras_path
    else:
        export_dir = request.getfixturevalue("export_dir")
        artifact = {
            "saved_model": os.path.join(export_dir, "saved_model"),
            "export_dir": export_dir,
            "tflite": os.path.join(export_dir, "generator.tflite"),
        }[kind]
    output = str(tmp_path / "grid.png")
    code = main(
        ["sample", artifact, "-n", "5", "-o", output, "--seed", "3",
         "--scale", "1"]
    )
    assert code == 0
    grid = read_png(output)
    expected = expected_grid(gan, 5, seed=3)
    # 5 images of 16x16 with 2-pixel padding: 3 columns, 2 rows.
    assert grid.shape == expected.shape == (2 * 18 + 2, 3 * 18 + 2, 1)
    # Same seed, same latents as gan.generate(); uint8 rounding may differ
    # by one level for exported files.
    assert np.max(np.abs(grid.astype(int) - expected.astype(int))) <= 1


def test_sample_default_scale_upscales(keras_path, tmp_path):
    output = str(tmp_path / "grid.png")
    assert main(["sample", keras_path, "-n", "4", "-o", output]) == 0
    with Image.open(output) as image:
        width, height = image.size
    base = 2 * 18 + 2  # a 2x2 grid of 16x16 tiles
    assert width == height and width % base == 0 and width > base


def test_sample_without_seed_is_random(keras_path, tmp_path):
    first, second = str(tmp_path / "a.png"), str(tmp_path / "b.png")
    assert main(["sample", keras_path, "-n", "2", "-o", first]) == 0
    assert main(["sample", keras_path, "-n", "2", "-o", second]) == 0
    assert not np.array_equal(read_png(first), read_png(second))


@pytest.mark.skipif(
    BACKEND != "tensorflow",
    reason="Building a .tflite classifier needs the TensorFlow backend, "
    "and the loader reads it with LiteRT whatever the Keras backend (as "
    "tests/export/test_artifact_loader.py, also on TensorFlow only).",
)
def test_sample_non_generator_tflite_fails_clearly(tmp_path, capsys):
    path = str(tmp_path / "classifier.tflite")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    model.export(path, format="litert", verbose=False)
    code = main(["sample", path, "-n", "2", "-o", str(tmp_path / "x.png")])
    assert code == 1
    error = capsys.readouterr().err
    assert path in error and "not a generator" in error and "rank-4" in error
    assert not os.path.exists(tmp_path / "x.png")


def test_sample_missing_artifact_fails(tmp_path, capsys):
    missing = str(tmp_path / "missing.tflite")
    assert main(["sample", missing, "-o", str(tmp_path / "x.png")]) == 1
    assert f"Received: path={missing!r}" in capsys.readouterr().err


def test_sample_invalid_count_fails(keras_path, tmp_path, capsys):
    output = str(tmp_path / "x.png")
    assert main(["sample", keras_path, "-n", "0", "-o", output]) == 1
    assert "Received: n=0" in capsys.readouterr().err


@pytest.mark.once  # argument parsing: backend-independent
def test_export_passes_options(monkeypatch, tmp_path, capsys):
    calls = []

    def fake_export_from_file(path, directory, **kwargs):
        calls.append((path, directory, kwargs))
        return {
            "variant": "DCGAN",
            "quantize": kwargs["quantize"],
            "export_errors": {
                "saved_model_max_abs_error": 0.0,
                "tflite_max_abs_error": 0.01,
            },
        }

    monkeypatch.setattr(
        keras_gans.export, "export_from_file", fake_export_from_file
    )
    code = main(
        ["export", "m.keras", "--out", "out", "--quantize", "int8",
         "--representative-latents", "64", "--dataset", "mnist",
         "--epochs", "3"]
    )
    assert code == 0
    assert calls == [
        (
            "m.keras",
            "out",
            {
                "quantize": "int8",
                "dataset": "mnist",
                "epochs": 3,
                "representative_latents": 64,
            },
        )
    ]
    assert "TFLite max abs error 0.01" in capsys.readouterr().out


@pytest.mark.once  # argument parsing: backend-independent
def test_export_invalid_quantize_is_a_usage_error(capsys):
    assert main(["export", "m.keras", "--out", "o", "--quantize", "int4"]) == 2
    assert "invalid choice: 'int4'" in capsys.readouterr().err


def test_export_missing_file_fails(tmp_path, capsys):
    missing = str(tmp_path / "missing.keras")
    assert main(["export", missing, "--out", str(tmp_path / "o")]) == 1
    assert f"Received: keras_path={missing!r}" in capsys.readouterr().err


@pytest.mark.once  # argument parsing: backend-independent
def test_train_unknown_variant_lists_known(capsys):
    assert main(["train", "no_such_gan", "--epochs", "1"]) == 2
    error = capsys.readouterr().err
    assert "unknown variant 'no_such_gan'" in error
    assert "Known variants:" in error


def fake_recipe(monkeypatch, name, main):
    """A recipe module `name` with DCGAN's flags and the given `main`."""
    recipe = types.ModuleType(f"keras_gans.recipes.{name}")
    recipe.RECIPE = dcgan.RECIPE
    recipe.main = main
    monkeypatch.setitem(sys.modules, f"keras_gans.recipes.{name}", recipe)


@pytest.mark.once  # argument parsing: backend-independent
def test_train_dispatches_to_recipe(monkeypatch):
    calls = []
    fake_recipe(monkeypatch, "tiny_test_gan", lambda argv: calls.append(argv))
    code = main(["train", "tiny-test-gan", "--epochs", "2", "--data-dir", "d"])
    assert code == 0
    assert calls == [["--epochs", "2", "--data-dir", "d"]]


@pytest.mark.once  # argument parsing: backend-independent
def test_train_returns_recipe_exit_code(monkeypatch):
    fake_recipe(monkeypatch, "failing_gan", lambda argv: 3)
    assert main(["train", "failing_gan"]) == 3


@pytest.mark.once  # argument parsing: backend-independent
def test_train_recipe_usage_error_names_the_command(monkeypatch, capsys):
    calls = []
    fake_recipe(monkeypatch, "tiny_test_gan", calls.append)
    assert main(["train", "tiny_test_gan", "--no-such-flag"]) == 2
    error = capsys.readouterr().err
    assert (
        "keras-gans train tiny_test_gan: error: unrecognized arguments: "
        "--no-such-flag" in error
    )
    assert calls == []


@pytest.mark.once  # help text: backend-independent
def test_train_help_lists_the_variants(capsys):
    assert main(["train", "--help"]) == 0
    text = capsys.readouterr().out
    for name in ("dcgan", "wgan_gp", "cgan", "pix2pix", "cyclegan"):
        assert re.search(rf"^  {name} +Trains ", text, re.MULTILINE), name
    # Each with the first clause of its recipe's description.
    assert "Trains CycleGAN (Zhu et al. 2017) on two unpaired domains\n" in text


@pytest.mark.once  # help text: backend-independent
def test_train_variant_help_shows_flags_and_defaults(monkeypatch, capsys):
    monkeypatch.setenv("COLUMNS", "1000")  # one line per flag
    assert main(["train", "dcgan", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert text.startswith("usage: keras-gans train dcgan ")
    # Defaults: the parser's, and the recipe's per dataset.
    assert "--seed SEED (default: 0)" in text
    assert (
        "--ema-half-life EMA_HALF_LIFE EMA of the generator weights with "
        "this half-life in thousands of images, at most 0.05 x the images "
        "seen (ramp-up) (default: 10.0)" in text
    )
    # mnist-idx trains the default 20 epochs, so it is not listed.
    assert "(default: 20; digits: 40, mnist-5k: 30)" in text
    assert "(default: 64; digits: 32, mnist-5k: 32, mnist-idx: 32)" in text
    assert "--d-steps D_STEPS (default: 1)" in text  # a flag without help


@pytest.mark.once  # argument parsing: backend-independent
def test_verbose_is_a_global_flag(monkeypatch):
    calls = []
    fake_recipe(monkeypatch, "tiny_test_gan", calls.append)
    # Before the command it is `keras-gans`'s; after it, the recipe's.
    assert main(["--verbose", "train", "tiny_test_gan", "--verbose", "2"]) == 0
    assert calls == [["--verbose", "2"]]


@pytest.mark.once  # argument parsing: backend-independent
def test_no_command_prints_help(capsys):
    assert main([]) == 2
    assert "COMMAND" in capsys.readouterr().err


@pytest.mark.once  # argument parsing: backend-independent
def test_help_exits_zero(capsys):
    assert main(["--help"]) == 0
    assert "train" in capsys.readouterr().out


@pytest.mark.once  # argument parsing: backend-independent
def test_unknown_backend_is_a_usage_error(capsys):
    assert main(["--backend", "numpyy", "train", "dcgan"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_backend_flag_matching_backend_runs_in_process(keras_path, tmp_path):
    output = str(tmp_path / "grid.png")
    args = ["--backend", BACKEND, "sample", keras_path, "-n", "2", "-o", output]
    assert main(args) == 0
    assert os.path.isfile(output)


# Starts another backend's interpreter: once per CI run is proof.
@pytest.mark.once
def test_backend_flag_runs_other_backend(gan, keras_path, tmp_path):
    # Keras is already loaded here, so the CLI re-runs the command in a
    # child process with KERAS_BACKEND set; the .keras file is portable.
    other = "jax" if BACKEND != "jax" else "torch"
    output = str(tmp_path / "grid.png")
    args = ["--backend", other, "sample", keras_path, "-n", "3", "-o", output,
            "--seed", "5", "--scale", "1"]
    assert main(args) == 0
    expected = make_grid(gan.generate(3, seed=5))
    grid = read_png(output)
    assert grid.shape == expected.shape
    assert np.max(np.abs(grid.astype(int) - expected.astype(int))) <= 1
    # The images are not blank: the comparison above is meaningful.
    assert len(np.unique(to_uint8(gan.generate(3, seed=5)))) > 10
