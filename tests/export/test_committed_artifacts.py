"""Exports written before the artifact spec (the committed `saved_models/`)
still load and run with today's loaders: fixed-size translators and latent
generators, from their SavedModel and their `.tflite` file, agreeing with
each other as their cards say."""

import os

import numpy as np
import pytest
from PIL import Image

from keras_gans.cli import main

from keras_gans.export import load_artifact
from keras_gans.export import load_generator_artifact
from keras_gans.export import load_translator_artifact
from tests.conftest import REPO

pytestmark = pytest.mark.once  # TensorFlow and LiteRT files: no backend

SAVED = os.path.join(REPO, "saved_models")


def test_cyclegan_translator_export_loads_at_its_fixed_size():
    directory = os.path.join(SAVED, "cyclegan_digits-inverted", "a_to_b")
    tflite = load_translator_artifact(
        os.path.join(directory, "generator.tflite")
    )
    saved_model = load_translator_artifact(directory)
    for artifact in (tflite, saved_model):
        assert artifact.input_shape == (32, 32, 1)
        assert artifact.size_multiple == 1 and artifact.direction == "A->B"
    images = np.random.default_rng(0).uniform(-1, 1, (3, 32, 32, 1))
    outputs = tflite(images.astype("float32"))
    assert outputs.shape == (3, 32, 32, 1)
    error = tflite.card["export_errors"]["tflite_max_abs_error"]
    np.testing.assert_allclose(
        outputs, saved_model(images), atol=max(1e-4, 2 * error)
    )
    with pytest.raises(ValueError, match=r"height and width \(32, 32\)"):
        tflite(np.zeros((1, 64, 64, 1), "float32"))


# The issue-20 exports carry an InfoGAN code (arg-max, one-hot) in the graph.
@pytest.mark.parametrize(
    "name", ["dcgan_digits", "dcgan_mnist-idx", "dcgan_mnist-5k"]
)
def test_dcgan_generator_export_loads(name):
    directory = os.path.join(SAVED, name)
    tflite = load_generator_artifact(
        os.path.join(directory, "generator.tflite")
    )
    saved_model = load_generator_artifact(directory)
    latents = tflite.latents_for(4, seed=0)
    np.testing.assert_allclose(
        tflite(latents), saved_model(latents), atol=1e-4
    )


def test_cli_resizes_images_to_a_fixed_size_export(tmp_path):
    directory = os.path.join(SAVED, "cyclegan_digits-inverted", "a_to_b")
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (24, 20, 3), dtype=np.uint8)
    source = str(tmp_path / "in.png")
    Image.fromarray(pixels, "RGB").save(source)
    target = str(tmp_path / "out.png")
    assert main(["translate", directory, source, "-o", target]) == 0
    image = Image.open(source).convert("L").resize((32, 32), Image.BICUBIC)
    x = np.asarray(image, "float32")[None, ..., None] / 127.5 - 1.0
    expected = load_translator_artifact(directory)(x)[0]
    written = np.asarray(Image.open(target), "float32") / 127.5 - 1.0
    assert written.shape == (32, 32)  # a one-channel PNG
    # PNG stores 8 bits: one step is 2/255.
    np.testing.assert_allclose(written, expected[..., 0], atol=1.01 * 2 / 255)


@pytest.mark.parametrize("stage", ["psnr", "gan"])
def test_srgan_upscaler_runs_at_any_size_and_beats_bicubic(stage):
    from keras_gans.data.patches import SR_HELD_OUT_PHOTO
    from keras_gans.data.patches import sr_photo
    from keras_gans.export import load_upscaler_artifact
    from keras_gans.metrics.super_resolution import upscaling_scores

    directory = os.path.join(SAVED, "srgan_yang91", stage)
    tflite = load_upscaler_artifact(os.path.join(directory, "generator.tflite"))
    saved_model = load_upscaler_artifact(directory)
    assert tflite.scale == 4 and tflite.card["stage"] == stage
    images = np.random.default_rng(0).uniform(-1, 1, (1, 13, 17, 3))
    outputs = tflite(images.astype("float32"))
    assert outputs.shape == (1, 52, 68, 3)
    np.testing.assert_allclose(outputs, saved_model(images), atol=1e-4)
    # A photo it never saw (scikit-image's coffee, held out of "photos" and
    # not in T91): the trained upscaler is above bicubic and sharper.
    hr = sr_photo(SR_HELD_OUT_PHOTO)[100:292, 200:392]
    scores = upscaling_scores(tflite, [hr], 4)
    assert scores["psnr"] > scores["bicubic_psnr"] + 0.3
    assert scores["sharpness"] > scores["bicubic_sharpness"]


@pytest.mark.once  # TensorFlow and LiteRT files: backend-independent
def test_stylegan2_export_parts_compose_to_the_generator():
    directory = os.path.join(SAVED, "stylegan2_mnist-idx")
    generator = load_generator_artifact(
        os.path.join(directory, "generator.tflite")
    )
    mapping = load_artifact(os.path.join(directory, "mapping"))
    synthesis = load_artifact(os.path.join(directory, "synthesis"))
    latents = generator.latents_for(4, seed=0)
    psi = np.array([1.0, 0.7, 0.5, 0.0], "float32")
    images = generator(latents, truncation=psi)
    np.testing.assert_allclose(
        synthesis(mapping(latents, truncation=psi)), images, atol=1e-4
    )
    # psi = 0 is the average w, whatever the latent.
    zero = generator(latents, truncation=np.zeros(4, "float32"))
    np.testing.assert_allclose(zero, zero[:1].repeat(4, axis=0), atol=1e-5)


@pytest.mark.once  # TensorFlow and LiteRT files: backend-independent
def test_singan_sampler_export_samples_any_size_and_its_refiner_keeps_size():
    directory = os.path.join(SAVED, "singan_rocket")
    sampler = load_artifact(os.path.join(directory, "generator.tflite"))
    assert sampler.kind == "sampler"
    training = tuple(sampler.training_size)
    images = sampler.sample(2, seed=0)
    assert images.shape == (2,) + training + (3,)
    np.testing.assert_array_equal(images, sampler.sample(2, seed=0))
    assert not np.allclose(images[0], images[1])
    wide = sampler.sample(1, seed=1, scale_w=2.0)
    assert wide.shape == (1, training[0], 2 * training[1], 3)
    refine = load_artifact(os.path.join(directory, "refine"))
    refined = refine(images[:1])
    assert refined.shape == images[:1].shape
