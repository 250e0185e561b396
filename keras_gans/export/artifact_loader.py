"""`load_generator_artifact`: one loader for every exported format."""

import os

import numpy as np

from keras_gans.export import model_card
from keras_gans.export.generator_artifact import GeneratorArtifact
from keras_gans.utils.validation import format_received


def load_generator_artifact(path):
    """Loads a generator from a `.keras` file, SavedModel or `.tflite`.

    `path` may be a `.keras` file (a keras-gans model, or a plain Keras
    generator model), a SavedModel directory, an export directory written
    by `export_generator` (its `saved_model/` is used), or a `.tflite` file.
    For exported files the `model_card.json` of the export directory is
    attached as `artifact.card` and cross-checked; the shapes always come
    from the model's own signature.

    Args:
        path: the artifact's path.

    Returns:
        A `GeneratorArtifact`.

    Raises:
        FileNotFoundError: if `path` does not exist.
        ValueError: if `path` is not a recognised artifact, is not a
            generator (latents `(N, latent_dim)` -> images `(N, H, W, C)`),
            or disagrees with its model card.

    Example:

    ```python
    artifact = load_generator_artifact("exports/dcgan/generator.tflite")
    images = artifact.sample(16, seed=0)
    ```
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(
            "No generator artifact at this path. " + format_received(path=path)
        )
    if os.path.isdir(path):
        if os.path.isfile(os.path.join(path, "saved_model.pb")):
            parent = os.path.dirname(os.path.abspath(path))
            return _load_saved_model(path, parent)
        inner = os.path.join(path, model_card.SAVED_MODEL_DIR)
        if os.path.isfile(os.path.join(inner, "saved_model.pb")):
            return _load_saved_model(inner, path)
    elif path.endswith(".keras"):
        return _load_keras(path)
    elif path.endswith(".tflite"):
        return _load_tflite(path)
    raise ValueError(
        "A generator artifact is a .keras file, a SavedModel directory, an "
        "export directory containing saved_model/, or a .tflite file. "
        + format_received(path=path)
    )


def _card_for(export_dir, artifact_name):
    """The export's card if it describes the artifact named `artifact_name`."""
    card = model_card.read_card(export_dir)
    if card is None:
        return None
    names = {entry.get("path") for entry in card.get("files", {}).values()}
    return card if artifact_name in names else None


def _check_against_card(artifact):
    card = artifact.card
    if card is None:
        return artifact
    expected = (card.get("latent_dim"), tuple(card.get("image_shape", ())))
    found = (artifact.latent_dim, artifact.image_shape)
    if expected != found:
        raise ValueError(
            f"`{artifact.path}` does not match the model_card.json next to "
            f"it: the card says latent_dim={expected[0]}, image_shape="
            f"{expected[1]}; the model has latent_dim={found[0]}, "
            f"image_shape={found[1]}. " + format_received(path=artifact.path)
        )
    return artifact


def _load_tflite(path):
    from keras_gans.export.litert_generator import LiteRTGenerator

    generator = LiteRTGenerator(path)
    card = _card_for(
        os.path.dirname(os.path.abspath(path)), os.path.basename(path)
    )
    return _check_against_card(
        GeneratorArtifact(
            generator,
            generator.latent_dim,
            generator.image_shape,
            "tflite",
            path,
            card,
        )
    )


def _spec_rank_error(path, what, spec):
    return ValueError(
        f"`{path}` is not a generator SavedModel: {what} Found {spec}. "
        + format_received(path=path)
    )


def _load_saved_model(path, export_dir):
    import tensorflow as tf

    loaded = tf.saved_model.load(path)
    signature = loaded.signatures.get(model_card.SIGNATURE_KEY)
    if signature is None:
        raise ValueError(
            f"`{path}` has no {model_card.SIGNATURE_KEY!r} signature. Found "
            f"signatures {sorted(loaded.signatures.keys())}. "
            + format_received(path=path)
        )
    inputs = signature.structured_input_signature[1]
    outputs = signature.structured_outputs
    if len(inputs) != 1 or next(iter(inputs.values())).shape.rank != 2:
        raise _spec_rank_error(
            path, "a generator takes one rank-2 latent batch.", inputs
        )
    input_name, input_spec = next(iter(inputs.items()))
    output_name = (
        model_card.OUTPUT_NAME if model_card.OUTPUT_NAME in outputs else None
    )
    if output_name is None and len(outputs) == 1:
        output_name = next(iter(outputs))
    if output_name is None or outputs[output_name].shape.rank != 4:
        raise _spec_rank_error(
            path, "a generator returns one rank-4 image batch.", outputs
        )

    def run(latents):
        result = signature(**{input_name: tf.constant(latents)})
        return result[output_name].numpy()

    card = _card_for(export_dir, os.path.basename(os.path.abspath(path)))
    return _check_against_card(
        GeneratorArtifact(
            run,
            input_spec.shape[1],
            outputs[output_name].shape[1:],
            "saved_model",
            path,
            card,
        )
    )


def _load_keras(path):
    import keras

    import keras_gans  # noqa: F401  (registers the model classes)
    from keras_gans.training.adversarial_model import AdversarialModel

    model = keras.saving.load_model(path, compile=False)
    if isinstance(model, AdversarialModel):
        return GeneratorArtifact(
            model.generate_from_latents,
            model.latent_dim,
            model.image_shape,
            "keras",
            path,
        )
    input_shape = getattr(model, "input_shape", None)
    output_shape = getattr(model, "output_shape", None)
    if (
        not isinstance(input_shape, tuple)
        or not isinstance(output_shape, tuple)
        or len(input_shape) != 2
        or len(output_shape) != 4
    ):
        raise ValueError(
            f"`{path}` is neither a keras-gans model nor a generator model "
            f"(latents (N, latent_dim) -> images (N, H, W, C)). Found a "
            f"{type(model).__name__} with input shape {input_shape} and "
            f"output shape {output_shape}. " + format_received(path=path)
        )

    def run(latents):
        images = model(keras.ops.convert_to_tensor(latents), training=False)
        return np.asarray(keras.ops.convert_to_numpy(images))

    return GeneratorArtifact(
        run, input_shape[1], output_shape[1:], "keras", path
    )
