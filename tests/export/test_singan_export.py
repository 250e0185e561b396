"""SinGAN's export: one single-image sampler of free size, and its refiner.

One tiny SinGAN (`helpers.tiny_singan`: three scales of the astronaut at
24x30, weights drawn as if trained) is exported once per backend. The
sampler's SavedModel and `.tflite` file take a standard-normal `noise`
map of any size and match `model.sample_from_noise` on this backend at
the training size and at a taller, twice as wide one. On JAX and torch
the sampler alone is exported, through the TensorFlow child process; on
TensorFlow the export also holds the refiner (a translator, in
`refine/`, matching `refine_images`) and goes through the same hand-over
in this process (`export_hand_over`: both networks saved to `.keras` and
reloaded, as the child does), so the refiner's export is checked where
it costs no second child process. The Keras side only runs the parity
batches the export ran (on JAX every new shape compiles each op again),
and the CLI samples the `.tflite` file (LiteRT loads in milliseconds).
"""

import contextlib
import importlib
import os
import shutil

import keras
import numpy as np
import pytest
from PIL import Image

from keras_gans.cli import main
from keras_gans.export import artifact_kinds
from keras_gans.export import export_singan
from keras_gans.export import load_artifact
from keras_gans.export import load_generator_artifact
from keras_gans.export import load_sampler_artifact
from keras_gans.export import load_translator_artifact
from keras_gans.models.singan import singan_sampler
from tests import helpers

TOLERANCE = 1e-4
FORMATS = ("saved_model", "tflite")
TRAINING = (24, 30)
WIDE = (30, 60)  # SECOND_SIZE_SCALES: x1.25 tall, x2 wide
CHANNELS = 9  # 3 per scale
ON_TENSORFLOW = keras.backend.backend() == "tensorflow"
START_SCALE = 1 if ON_TENSORFLOW else None
refiner_on_tensorflow_only = helpers.tensorflow_only(
    "the refiner is exported on TensorFlow (through the hand-over); this "
    "backend exports the sampler through the child process"
)


@pytest.fixture(scope="module")
def exported(tmp_path_factory, export_hand_over):
    route = export_hand_over() if ON_TENSORFLOW else contextlib.nullcontext()
    with route:
        return helpers.tiny_singan_export(tmp_path_factory, START_SCALE)


def parity_inputs(seed, count, size, channels, draw):
    rng = np.random.default_rng(seed)
    if draw == "noise":
        return rng.standard_normal((count, *size, channels)).astype("f4")
    return rng.uniform(-1, 1, (count, *size, channels)).astype("float32")


@pytest.fixture(scope="module")
def references(exported):
    """The export's parity noise maps and the model's images for them:
    `{size: (noise, images)}`."""
    model = exported[0]
    cases = {}
    for seed, (size, count) in enumerate(((TRAINING, 4), (WIDE, 2))):
        noise = parity_inputs(seed, count, size, CHANNELS, "noise")
        cases[size] = (noise, helpers.to_numpy(model.sample_from_noise(noise)))
    return cases


@pytest.fixture(scope="module")
def artifacts(exported):
    """Each artifact loaded once: `{(part, format): Artifact}`."""
    directory = exported[1]
    loaded = {}
    for part in ("", "refine") if START_SCALE is not None else ("",):
        folder = os.path.join(directory, part)
        loaded[part, "saved_model"] = load_artifact(folder)
        loaded[part, "tflite"] = load_artifact(
            os.path.join(folder, "generator.tflite")
        )
    return loaded


def max_error(a, b):
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))))


def test_card_describes_the_sampler_and_its_parity(exported):
    _, _, card = exported
    assert card["kind"] == "sampler" and card["variant"] == "SinGAN"
    assert (card["num_scales"], card["noise_channels"]) == (3, CHANNELS)
    assert card["training_size"] == list(TRAINING)
    assert card["scale_sizes"] == [[16, 19], [19, 24], [24, 30]]
    assert card["min_output_size"] == [10, 11]  # coarsest scale >= 7 px
    assert card["signature"]["inputs"] == {"noise": [None, None, None, 9]}
    assert card["signature"]["outputs"] == {"images": [None, None, None, 3]}
    assert card["free_dims"] == {"noise": ["height", "width"]}
    assert card["files"]["tflite"]["inputs"]["noise"] == [None, None, None, 9]
    cases = card["export_errors"]["cases"]
    assert [case["input_shapes"]["noise"] for case in cases] == [
        [4, *TRAINING, CHANNELS], [2, *WIDE, CHANNELS],
    ]  # fmt: skip
    for case in cases:
        assert case["saved_model_max_abs_error"] <= TOLERANCE
        assert case["tflite_max_abs_error"] <= TOLERANCE
    if START_SCALE is None:
        assert "parts" not in card
        return
    refine = card["parts"]["refine"]
    assert refine["kind"] == "translator" and refine["path"] == "refine"
    assert refine["tflite_max_abs_error"] <= TOLERANCE


@pytest.mark.parametrize("file_format", FORMATS)
def test_sampler_matches_the_model_at_two_sizes(
    exported, references, artifacts, file_format
):
    sampler = artifacts["", file_format]
    assert sampler.kind == "sampler" and sampler.format == file_format
    assert sampler.noise_channels == CHANNELS
    assert sampler.training_size == TRAINING
    assert sampler.input_shape == (None, None, CHANNELS)
    for size, (noise, expected) in references.items():
        assert expected.shape == (len(noise), *size, 3)
        assert np.std(expected) > 0.05  # not a vacuous comparison
        assert max_error(sampler(noise), expected) <= TOLERANCE
    # `sample` draws the parity maps from the same seeds (NumPy).
    noise, expected = references[TRAINING]
    assert np.array_equal(sampler.noise_for(4, seed=0), noise)
    assert max_error(sampler.sample(4, seed=0), expected) <= TOLERANCE
    wide = sampler.sample(2, seed=1, scale_h=1.25, scale_w=2.0)
    assert max_error(wide, references[WIDE][1]) <= TOLERANCE
    assert sampler.sample(1, seed=0, size=WIDE).shape == (1, *WIDE, 3)


@refiner_on_tensorflow_only
@pytest.mark.parametrize("file_format", FORMATS)
def test_refiner_is_a_translator_matching_the_model(
    exported, artifacts, file_format
):
    model = exported[0]
    refiner = artifacts["refine", file_format]
    assert refiner.kind == "translator"
    assert refiner.input_shape == (None, None, 3)
    assert refiner.card["start_scale"] == START_SCALE
    assert refiner.card["start_size_at_training_size"] == [19, 24]
    for seed, (size, count) in enumerate(((TRAINING, 4), (WIDE, 2))):
        images = parity_inputs(seed, count, size, 3, "uniform")
        expected = helpers.to_numpy(
            singan_sampler.refine_images(model, images, START_SCALE)
        )
        assert max_error(refiner(images), expected) <= TOLERANCE
        # Deterministic, and it refines: the output is not the input.
        assert max_error(refiner(images), refiner(images)) == 0.0
        assert np.mean(np.abs(expected - images)) > 0.05


def test_antialiased_resize_is_a_triangle_filter():
    """The refiner's resize: shrinking averages with a triangle as wide as
    the shrink factor (PIL's and TensorFlow's antialiased bilinear), the
    same size is the identity, enlarging is bilinear (half-pixel)."""
    rng = np.random.default_rng(0)
    images = rng.uniform(-1, 1, (1, 6, 5, 2)).astype("float32")
    resize = singan_sampler.antialiased_resize

    def expected(x, out_size, axis):
        in_size = x.shape[axis]
        scale = in_size / out_size
        centers = (np.arange(out_size) + 0.5) * scale
        distance = np.abs(np.arange(in_size) + 0.5 - centers[:, None])
        weights = np.maximum(1 - distance / max(scale, 1.0), 0)
        weights /= weights.sum(1, keepdims=True)
        return np.moveaxis(np.tensordot(weights, x, (1, axis)), 0, axis)

    # One call, shrinking one axis and enlarging the other (on JAX each
    # new size compiles every op again); the filter at the same size is
    # the identity.
    want = expected(expected(images, 3, 1), 8, 2)
    got = helpers.to_numpy(resize(images, (3, 8)))
    assert got.shape == (1, 3, 8, 2)
    assert max_error(got, want) <= 1e-6
    assert max_error(expected(expected(images, 6, 1), 5, 2), images) <= 1e-6


def test_kinds_come_from_the_signatures(exported, references, tmp_path):
    """Away from its card, the `.tflite` file says its kind by its input
    name (`noise`: a sampler; the refiner's `image`: a translator)."""
    _, directory, _ = exported
    shutil.copy(
        os.path.join(directory, "generator.tflite"), tmp_path / "s.tflite"
    )
    sampler = load_artifact(str(tmp_path / "s.tflite"))
    assert sampler.card is None and sampler.kind == "sampler"
    assert sampler.training_size is None
    with pytest.raises(ValueError, match=r"pass `size=\(height, width\)`"):
        sampler.sample(1, seed=0)
    first = sampler.sample(1, seed=0, size=TRAINING)
    assert max_error(first, references[TRAINING][1][:1]) <= TOLERANCE
    if START_SCALE is not None:
        refiner = os.path.join(directory, "refine", "generator.tflite")
        shutil.copy(refiner, tmp_path / "r.tflite")
        assert load_artifact(str(tmp_path / "r.tflite")).kind == "translator"


def test_loaders_refuse_the_other_kinds(exported):
    _, directory, _ = exported
    with pytest.raises(ValueError, match="single-image sampler.*not a latent"):
        load_generator_artifact(directory)
    with pytest.raises(ValueError, match="model card says 'sampler'"):
        load_translator_artifact(directory)
    if START_SCALE is not None:
        with pytest.raises(ValueError, match="not a single-image sampler"):
            load_sampler_artifact(os.path.join(directory, "refine"))


@pytest.mark.once
def test_kind_of_signature_tells_a_sampler_by_its_input_name():
    kind = artifact_kinds.kind_of_signature
    free = (None, None, 3)
    assert kind([("noise", "float32", (None, None, 9))], free) == "sampler"
    assert kind([("image", "float32", (None, None, 9))], free) == "translator"
    assert kind([("noise", "int32", (None, None, 9))], free) is None
    assert kind([("noise", "float32", (9,))], free) == "generator"
    assert artifact_kinds.describe("sampler").startswith(
        "a single-image sampler (noise (N, H, W, 3*scales)"
    )


def test_bad_inputs_and_sizes_are_refused(artifacts):
    sampler = artifacts["", "tflite"]
    with pytest.raises(ValueError, match=r"`noise` must .*\(N, H, W, 9\)"):
        sampler(np.zeros((1, *TRAINING, 3), "float32"))
    with pytest.raises(ValueError, match=r"too small.*\(10, 11\)"):
        sampler.sample(1, size=(9, 30))
    with pytest.raises(ValueError, match="`size` or `scale_h`/`scale_w`"):
        sampler.sample(1, size=TRAINING, scale_w=2.0)
    with pytest.raises(ValueError, match="`scale_w` must be a positive"):
        sampler.sample(1, scale_w=0)
    with pytest.raises(ValueError, match="`labels` are only for cond"):
        sampler.sample(1, labels=1)
    with pytest.raises(ValueError, match="`truncation` is only for style"):
        sampler.sample(1, truncation=0.5)
    with pytest.raises(ValueError, match="`latents_for` needs a latent"):
        sampler.latents_for(1)


def png_sizes(folder):
    names = sorted(os.listdir(folder))
    return names, [Image.open(os.path.join(folder, n)).size for n in names]


def test_cli_samples_one_png_per_sample_at_any_size(
    exported, references, tmp_path
):
    tflite = os.path.join(exported[1], "generator.tflite")
    out = str(tmp_path / "train") + "/"
    assert main(["sample", tflite, "-n", "3", "-o", out, "--seed", "0"]) == 0
    names, sizes = png_sizes(out)
    assert names == ["sample_000.png", "sample_001.png", "sample_002.png"]
    assert sizes == [(30, 24)] * 3  # PIL: (width, height)
    pixels = np.asarray(Image.open(os.path.join(out, names[1])), "int32")
    expected = np.rint((references[TRAINING][1][1] + 1) * 127.5)
    assert np.max(np.abs(pixels - expected)) <= 1
    for i, (flags, size) in enumerate((
        (["--size", "28", "40"], (40, 28)),
        (["--scale-w", "2"], (60, 24)),
        (["--scale-h", "1.5", "--scale-w", "0.5"], (15, 36)),
    )):
        out = str(tmp_path / f"sized{i}")  # no extension: a folder
        assert main(["sample", tflite, "-n", "2", "-o", out, *flags]) == 0
        assert png_sizes(out)[1] == [size] * 2
    # A .png path is still a grid of all the samples.
    grid = str(tmp_path / "grid.png")
    assert main(["sample", tflite, "-n", "4", "-o", grid]) == 0
    assert os.path.isfile(grid)


def test_cli_size_flags_are_a_samplers_only(exported, tmp_path, capsys):
    # A plain Keras latent generator (latents (N, 4) -> (N, 4, 4, 1)).
    generator = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(16),
            keras.layers.Reshape((4, 4, 1)),
        ]
    )
    path = str(tmp_path / "generator.keras")
    generator.save(path)
    out = str(tmp_path / "out") + "/"
    for flags in (["--size", "8", "8"], ["--scale-w", "2"]):
        assert main(["sample", path, "-o", out, *flags]) == 1
        error = capsys.readouterr().err
        assert f"`{flags[0]}` choose the output size of a single-" in error
        assert "is a latent generator" in error
    assert not os.path.exists(out)
    with pytest.raises(ValueError, match="`size`, `scale_h` and `scale_w`"):
        load_artifact(path).sample(1, size=(8, 8))
    tflite = os.path.join(exported[1], "generator.tflite")
    code = main(["sample", tflite, "-o", out, "--size", "24", "30",
                 "--scale-w", "2"])  # fmt: skip
    assert code == 1
    assert "`size` or `scale_h`/`scale_w`" in capsys.readouterr().err
    assert main(["sample", tflite, "-o", out, "--rows", "2"]) == 1
    assert "`--rows` arranges a grid" in capsys.readouterr().err
    assert main(["sample", tflite, "-o", out, "--scale-w", "0"]) == 2
    assert "expected a positive number" in capsys.readouterr().err
    # An image-to-image network is neither kind `sample` takes.
    translator = keras.Sequential(
        [keras.Input((None, None, 3)), keras.layers.Conv2D(3, 3)]
    )
    path = str(tmp_path / "translator.keras")
    translator.save(path)
    assert main(["sample", path, "-o", out]) == 1
    error = capsys.readouterr().err
    assert "not a latent generator or a single-image sampler" in error


def test_keras_file_samples_like_the_model(exported, references, tmp_path):
    model = exported[0]
    path = str(tmp_path / "singan.keras")
    model.save(path)
    artifact = load_artifact(path)
    assert artifact.kind == "sampler" and artifact.format == "keras"
    assert artifact.training_size == TRAINING
    noise, expected = references[WIDE][:2]
    assert max_error(artifact(noise), expected) <= TOLERANCE
    with pytest.raises(ValueError, match=r"too small.*\(10, 11\)"):
        artifact.sample(1, size=(9, 9))


def test_cli_export_dispatches_a_singan_keras_file(
    exported, tmp_path, capsys, monkeypatch
):
    """`keras-gans export` exports a SinGAN `.keras` file with
    `export_singan` (the export itself is the module's; here it is
    recorded, not run, to spare a second TensorFlow export)."""
    model = exported[0]
    path = str(tmp_path / "singan.keras")
    model.save(path)
    calls = []

    def record(gan, directory, sampler, **kwargs):
        calls.append((gan, directory, sampler, kwargs))
        return {
            "variant": "SinGAN", "kind": sampler.spec().kind,
            "quantize": None, "export_errors": {
                "saved_model_max_abs_error": 0.0, "tflite_max_abs_error": 0.0,
            },
        }  # fmt: skip

    # The module (the package's `export_from_file` is the function).
    module = importlib.import_module("keras_gans.export.export_from_file")
    monkeypatch.setattr(module, "export_loaded_gan", record)
    out = str(tmp_path / "export")
    assert main(["export", path, "--out", out, "--start-scale", "5"]) == 1
    assert "`start_scale` (the refiner's injection scale)" in (
        capsys.readouterr().err
    )
    assert main(["export", path, "--out", out, "--start-scale", "2"]) == 0
    assert "Exported SinGAN (sampler)" in capsys.readouterr().out
    (gan, directory, sampler, kwargs), = calls
    assert isinstance(sampler, singan_sampler.SinGANSampler)
    assert sampler.start_scale == 2 and directory == out
    assert kwargs["trained_backend"] is None  # not stored in .keras files
    assert gan.trained_scales == 3 and gan.scale_sizes == model.scale_sizes
    # A GAN of another kind has no refiner to export.
    generator = str(tmp_path / "dcgan.keras")
    helpers.tiny_dcgan().save(generator)
    assert main(["export", generator, "--out", out, "--start-scale", "1"]) == 1
    assert "`start_scale` is a SinGAN's" in capsys.readouterr().err


@pytest.mark.once
def test_sizes_agree_in_keras_and_in_a_traced_graph(exported):
    """`sizes_for` and the nearest-pixel subsampling give the same ints
    for Python sides and traced (int32 tensor) ones, for many sizes."""
    import tensorflow as tf

    from keras_gans.models.singan import singan

    model = exported[0]
    spec = [tf.TensorSpec([], tf.int32)] * 2

    @tf.function(input_signature=spec)
    def traced_sizes(height, width):
        return tf.stack([tf.stack(s) for s in model.sizes_for(height, width)])

    @tf.function(input_signature=spec)
    def traced_rows(count, size):
        rows = tf.range(size)[None]
        return singan._nearest_rows(rows, count, size, axis=1)[0]

    rng = np.random.default_rng(0)
    for height in [*range(1, 120), *rng.integers(120, 3000, 40)]:
        width = int(rng.integers(1, 3000))
        expected = np.array(model.sizes_for(height, width))
        assert np.array_equal(traced_sizes(height, width), expected)
    for size in range(1, 200, 3):
        for count in {1, size, int(rng.integers(1, 2 * size + 2))}:
            expected = np.floor((np.arange(count) + 0.5) * size / count)
            assert np.array_equal(traced_rows(count, size), expected)


def test_export_singan_refuses_bad_arguments(exported, tmp_path):
    model = exported[0]
    with pytest.raises(ValueError, match=r"`start_scale`.*\[0, 3\)"):
        export_singan(model, str(tmp_path), start_scale=3)
    with pytest.raises(ValueError, match="must be a keras_gans.SinGAN"):
        export_singan(object(), str(tmp_path))
    with pytest.raises(ValueError, match="needs quantize='int8'"):
        export_singan(model, str(tmp_path), representative_noise=4)
    assert os.listdir(tmp_path) == []
