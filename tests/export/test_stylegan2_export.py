"""StyleGAN2's export: a generator taking `truncation`, and its synthesis
and mapping networks in `synthesis/` and `mapping/`.

One tiny StyleGAN2 (non-zero average `w` and noise strengths) is exported
once per backend (`helpers.tiny_stylegan2_export`, shared with
tests/test_cli_stylegan2.py): on JAX and torch through the TensorFlow
child, which exports all three networks. Every artifact is compared with
the Keras model on this backend, the SavedModel and the `.tflite` file.
"""

import os
import shutil

import keras
import numpy as np
import pytest

from keras_gans.export import artifact_kinds
from keras_gans.export import load_artifact
from keras_gans.export import load_generator_artifact
from tests import helpers

TOLERANCE = 1e-4
FORMATS = ("saved_model", "tflite")
# The Keras side runs batches of 8 (the export's parity batch), 2 and 4
# only: on JAX every new batch size compiles each op of the networks again.
BATCH = 8
PSI = np.array([1.0, 0.5, 0.0, 0.7, 1.0, 0.5, 0.25, 0.9], "float32")
PARTS = {"generator": "", "synthesis": "synthesis", "mapping": "mapping"}


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    return helpers.tiny_stylegan2_export(tmp_path_factory)


def artifact_path(directory, kind, file_format):
    folder = os.path.join(directory, PARTS[kind])
    if file_format == "tflite":
        return os.path.join(folder, "generator.tflite")
    return folder


def max_error(a, b):
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))))


@pytest.mark.parametrize("file_format", FORMATS)
def test_generator_takes_truncation_per_sample(exported, file_format):
    gan, directory, _ = exported
    artifact = load_generator_artifact(
        artifact_path(directory, "generator", file_format)
    )
    assert artifact.kind == "generator" and artifact.takes_truncation
    assert artifact.spec.input_names == ("latent", "truncation")
    latents = gan.latents_for(BATCH, seed=3)
    expected = gan.generate_from_latents(latents, truncation=PSI)
    assert max_error(artifact(latents, truncation=PSI), expected) <= TOLERANCE
    # Truncation changes the images: this checks it, not only psi = 1.
    untruncated = gan.generate_from_latents(latents)
    assert max_error(expected[1:4], untruncated[1:4]) > 1e-2
    # One psi for the batch; without one, psi = 1.
    assert max_error(
        artifact.sample(BATCH, seed=5, truncation=0.7),
        gan.generate(BATCH, seed=5, truncation=0.7),
    ) <= TOLERANCE
    assert max_error(artifact(latents), untruncated) <= TOLERANCE


@pytest.mark.parametrize("file_format", FORMATS)
def test_synthesis_reproduces_mixed_styles(exported, file_format):
    gan, directory, _ = exported
    synthesis = load_artifact(
        artifact_path(directory, "synthesis", file_format)
    )
    assert synthesis.kind == "synthesis"
    assert (synthesis.num_ws, synthesis.w_dim) == (gan.num_ws, 8)
    assert synthesis.image_shape == gan.image_shape
    ws_a = gan.ws_from_latents(gan.latents_for(BATCH, seed=1), truncation=0.7)
    ws_b = gan.ws_from_latents(gan.latents_for(BATCH, seed=2))
    mixed = np.concatenate([ws_a[:, :2], ws_b[:, 2:]], axis=1)
    expected = gan.generate_from_ws(mixed)
    assert max_error(synthesis(mixed), expected) <= TOLERANCE
    own = gan.generate_from_ws(ws_a)
    assert max_error(synthesis(ws=ws_a), own) <= TOLERANCE


@pytest.mark.parametrize("file_format", FORMATS)
def test_mapping_returns_truncated_styles(exported, file_format):
    gan, directory, _ = exported
    mapping = load_artifact(artifact_path(directory, "mapping", file_format))
    assert mapping.kind == "mapping" and mapping.takes_truncation
    assert (mapping.latent_dim, mapping.num_ws, mapping.w_dim) == (
        gan.latent_dim, gan.num_ws, 8,
    )
    latents = gan.latents_for(BATCH, seed=7)
    ws = mapping(latents, truncation=PSI)
    assert ws.shape == (BATCH, gan.num_ws, 8)
    assert max_error(ws, gan.ws_from_latents(latents, truncation=PSI)) <= (
        TOLERANCE
    )
    w_avg = keras.ops.convert_to_numpy(gan.sampling_generator.mapping.w_avg)
    assert max_error(ws[2], np.broadcast_to(w_avg, ws[2].shape)) <= TOLERANCE


def test_mapping_and_synthesis_reproduce_gan_mix(exported):
    """What `keras-gans mix` does with an export: per-seed latents mapped,
    styles swapped at the crossover, synthesized (TFLite files)."""
    gan, directory, _ = exported
    mapping = load_artifact(artifact_path(directory, "mapping", "tflite"))
    synthesis = load_artifact(artifact_path(directory, "synthesis", "tflite"))
    rows, cols, crossover = [1, 2], [3, 4, 5, 6], 1
    mixed, _, images_b = gan.mix(rows, cols, crossover, truncation=0.6)

    def styles(seeds):
        latents = np.stack([mapping.latents_for(1, s)[0] for s in seeds])
        return mapping(latents, truncation=0.6)

    ws_a, ws_b = styles(rows), styles(cols)
    cell = np.concatenate([ws_a[1:2, :crossover], ws_b[2:3, crossover:]], 1)
    assert max_error(synthesis(cell)[0], mixed[1, 2]) <= TOLERANCE
    assert max_error(synthesis(ws_b), images_b) <= TOLERANCE


def test_card_records_truncation_styles_and_parts(exported):
    gan, directory, card = exported
    assert card["kind"] == "generator" and card["variant"] == "StyleGAN2"
    assert card["signature"]["inputs"] == {
        "latent": [None, gan.latent_dim], "truncation": [None],
    }
    assert (card["num_ws"], card["w_dim"]) == (gan.num_ws, 8)
    assert card["truncation"]["input"] == "truncation"
    assert card["truncation"]["shape"] == [None]
    errors = card["export_errors"]
    assert errors["truncation"] == [1.0, 0.5] * 4
    assert errors["saved_model_max_abs_error"] <= TOLERANCE
    assert errors["tflite_max_abs_error"] <= TOLERANCE
    for name in ("synthesis", "mapping"):
        part = card["parts"][name]
        assert part["path"] == name and part["kind"] == name
        assert part["tflite_max_abs_error"] <= TOLERANCE
        assert part["saved_model_max_abs_error"] <= TOLERANCE
        assert load_artifact(os.path.join(directory, name)).card["kind"] == name
    assert card["parts"]["mapping"]["signature"]["outputs"] == {
        "ws": [None, gan.num_ws, 8]
    }


def test_kinds_come_from_the_signatures(exported, tmp_path):
    """Without a model card (copied away from it) every file says its kind
    by its signature; a loader asking for another kind refuses it."""
    _, directory, _ = exported
    for kind in PARTS:
        folder = tmp_path / kind
        source = os.path.join(directory, PARTS[kind])
        shutil.copytree(
            os.path.join(source, "saved_model"), folder / "saved_model"
        )
        shutil.copy(
            os.path.join(source, "generator.tflite"), folder / "net.tflite"
        )
        for path in (folder, folder / "net.tflite"):
            artifact = load_artifact(str(path))
            assert artifact.card is None and artifact.kind == kind
    with pytest.raises(ValueError, match="synthesis network.*not a latent gen"):
        load_generator_artifact(str(tmp_path / "synthesis" / "net.tflite"))
    with pytest.raises(ValueError, match="model card says 'mapping'"):
        load_artifact(os.path.join(directory, "mapping"), kind="synthesis")


@pytest.mark.once
def test_kind_of_signature_tells_the_style_kinds():
    kind = artifact_kinds.kind_of_signature
    latent, label = ("latent", "float32", (8,)), ("label", "int32", ())
    truncation = ("truncation", "float32", ())
    assert kind([latent, truncation], (8, 8, 1)) == "generator"
    assert kind([latent, label, truncation], (8, 8, 1)) == "generator"
    assert kind([latent, truncation], (4, 8)) == "mapping"
    assert kind([latent, label, truncation], (4, 8)) == "mapping"
    assert kind([("ws", "float32", (4, 8))], (8, 8, 1)) == "synthesis"
    # Unchanged: no truncation input; a float scalar of another name.
    assert kind([latent], (8, 8, 1)) == "generator"
    assert kind([latent, ("psi", "float32", ())], (8, 8, 1)) is None
    assert kind([latent], (4, 8)) is None
    assert kind([("x", "float32", (4, 8))], (8, 8, 1)) is None


@pytest.mark.once
@pytest.mark.parametrize(
    "truncation",
    [-0.5, float("nan"), float("inf"), [1.0, 0.5], [[1.0, 1.0, 1.0]], "high"],
    ids=["negative", "nan", "inf", "wrong-length", "rank-2", "string"],
)
def test_a_wrong_truncation_is_refused_naming_it(exported, truncation):
    gan, directory, _ = exported
    latents = gan.latents_for(3, seed=0)
    for kind in ("generator", "mapping"):
        artifact = load_artifact(artifact_path(directory, kind, "tflite"))
        with pytest.raises(ValueError, match="`truncation`.*Received"):
            artifact(latents, truncation=truncation)


@pytest.mark.once
def test_style_inputs_are_checked(exported, float32_export):
    gan, directory, _ = exported
    synthesis = load_artifact(artifact_path(directory, "synthesis", "tflite"))
    with pytest.raises(ValueError, match=r"`ws` must .*\(N, 4, 8\)"):
        synthesis(np.zeros((2, 3, 8), "float32"))
    with pytest.raises(ValueError, match="`ws` must be finite"):
        synthesis(np.full((1, 4, 8), np.nan, "float32"))
    # A generator without a truncation input refuses one.
    dcgan = load_generator_artifact(float32_export[0])
    assert not dcgan.takes_truncation
    with pytest.raises(ValueError, match="`truncation` is only for style"):
        dcgan.sample(2, seed=0, truncation=0.7)
