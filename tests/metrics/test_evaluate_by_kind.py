"""`evaluate` / `keras-gans eval` dispatching on the artifact's kind.

Generators are measured in test_evaluation.py; here the translator and
upscaler protocols and the errors for a dataset that does not fit a kind.
"""

import json
import re

import keras
import numpy as np
import pytest
from PIL import Image

from keras_gans import cli
from keras_gans.data import load_translation_arrays
from keras_gans.metrics import evaluate
from keras_gans.metrics.super_resolution import upscaling_scores
from keras_gans.metrics.translation_evaluation import paired_scores


def save_network(path, input_shape, *layers):
    inputs = keras.Input(input_shape)
    outputs = inputs
    for layer in layers:
        outputs = layer(outputs)
    keras.Model(inputs, outputs).save(str(path))
    return str(path)


def nearest_2x(images):
    return images.repeat(2, axis=1).repeat(2, axis=2)


@pytest.fixture(scope="module")
def hr_folder(tmp_path_factory):
    """Three tiny RGB HR images, two sizes (not multiples of 2: cropped)."""
    folder = tmp_path_factory.mktemp("hr")
    rng = np.random.default_rng(0)
    for i, size in enumerate([(16, 17), (16, 17), (21, 16)]):
        pixels = rng.integers(0, 256, size + (3,), dtype="uint8")
        Image.fromarray(pixels).save(folder / f"img_{i}.png")
    return folder


def hr_images(folder):
    return [np.asarray(Image.open(p)) for p in sorted(folder.glob("*.png"))]


def test_free_size_upscaler_is_scored_by_the_sr_protocol(
    tmp_path, hr_folder, capsys
):
    # A plain .keras network: nothing but its behaviour says "upscaler".
    path = save_network(
        tmp_path / "sr.keras", (None, None, 3), keras.layers.UpSampling2D(2)
    )
    code = cli.main(["eval", path, "--data-dir", str(hr_folder)])
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert result["kind"] == "upscaler" and "Y channel" in result["protocol"]
    assert result["scale"] == 2 and result["num_images"] == 3
    assert result["images"] == ["img_0.png", "img_1.png", "img_2.png"]
    assert result["dataset"] == hr_folder.name
    expected = upscaling_scores(nearest_2x, hr_images(hr_folder), 2)
    for key in ("psnr", "ssim", "bicubic_psnr", "bicubic_ssim"):
        assert result[key] == pytest.approx(expected[key], abs=1e-4), key
    assert result["psnr"] < result["bicubic_psnr"]  # nearest is worse


def test_fixed_size_upscaler_reports_its_scale(tmp_path):
    folder = tmp_path / "hr"
    folder.mkdir()
    pixels = np.random.default_rng(1).integers(0, 256, (24, 24, 3), "uint8")
    Image.fromarray(pixels).save(folder / "a.png")
    path = save_network(
        tmp_path / "sr.keras", (8, 8, 3), keras.layers.UpSampling2D(3)
    )
    result = evaluate(path, "tiny", data_dir=folder)
    assert (result["kind"], result["scale"], result["dataset"]) == (
        "upscaler", 3, "tiny",
    )
    assert result["artifact_kind"] == "keras"


def test_translator_is_scored_on_the_paired_test_split(tmp_path):
    # The identity scores exactly as the pass-the-input-through baseline.
    path = save_network(
        tmp_path / "same.keras", (32, 32, 1), keras.layers.Identity()
    )
    result = evaluate(path, "digits-edges")
    assert result["kind"] == "translator" and result["split"] == "test"
    assert result["num_pairs"] == 359 and result["image_shape"] == [32, 32, 1]
    assert result["psnr"] == result["input_psnr"]
    assert result["ssim"] == result["input_ssim"]
    # The mean baseline is the mean *training* target.
    test = load_translation_arrays("digits-edges")
    train = load_translation_arrays("digits-edges", split="train")
    expected = paired_scores(
        lambda x: x, test.a, test.b,
        (train.b.astype("float32") / 127.5 - 1).mean(axis=0),
    )
    assert result["mean_psnr"] == pytest.approx(expected["mean_psnr"], abs=1e-4)


@pytest.fixture(scope="module")
def tiny_generator(tmp_path_factory):
    return save_network(
        tmp_path_factory.mktemp("gen") / "generator.keras", (4,),
        keras.layers.Dense(16 * 16), keras.layers.Reshape((16, 16, 1)),
    )


@pytest.mark.parametrize(
    "kind, dataset, data_dir, match",
    [
        ("generator", None, None, "Received: dataset=None"),
        ("generator", "digits-edges", None, "is a translation dataset"),
        ("translator", None, None, "Received: dataset=None"),
        ("translator", "digits-inverted", None, "is unpaired"),
        ("translator", "digits", None, "paired translation dataset"),
        ("upscaler", "digits", None, "folder of HR images"),
    ],
)
def test_a_dataset_that_does_not_fit_the_kind_is_an_error(
    tmp_path, tiny_generator, kind, dataset, data_dir, match
):
    if kind == "generator":
        path = tiny_generator
    elif kind == "translator":
        path = save_network(
            tmp_path / "t.keras", (32, 32, 1), keras.layers.Identity()
        )
    else:
        path = save_network(
            tmp_path / "u.keras", (None, None, 1), keras.layers.UpSampling2D(2)
        )
    with pytest.raises(ValueError, match=re.escape(match)):
        evaluate(path, dataset, data_dir=data_dir)
