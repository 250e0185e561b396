"""`load_translator_artifact`: one loader for every translator format."""

import os

import numpy as np

from keras_gans.export import model_card
from keras_gans.export.translator_artifact import TranslatorArtifact
from keras_gans.utils.validation import format_received

_WHAT = "translator artifact"


def load_translator_artifact(path):
    """Loads an image-to-image generator from `.keras`, SavedModel or TFLite.

    `path` may be a `.keras` file holding the generator network, a
    SavedModel directory, an export directory written by
    `export_translator` (its `saved_model/` is used), or a `.tflite` file.
    For exported files the `model_card.json` of the export directory is
    attached as `artifact.card` and cross-checked; the shapes always come
    from the model's own signature.

    Args:
        path: the artifact's path.

    Returns:
        A `TranslatorArtifact`: call it on float32 images `(N, H, W, Ca)` in
        [-1, 1] to get float32 images `(N, H, W, Cb)`; `input_shape` and
        `output_shape` give `(H, W, C)` of one image.

    Raises:
        FileNotFoundError: if `path` does not exist.
        ValueError: if `path` is not a recognised artifact, is not an
            image-to-image network (e.g. a latent generator export, or a
            whole GAN saved as `.keras`), or disagrees with its model card.

    Example:

    ```python
    to_b = load_translator_artifact("saved_models/cyclegan/a2b")
    fakes_b = to_b(images_a)  # float32 (N, H, W, Ca) in [-1, 1]
    ```
    """
    kind, path, export_dir = model_card.locate_artifact(path, _WHAT)
    if kind == "keras":
        return _load_keras(path)
    card = model_card.card_describing(
        export_dir, os.path.basename(os.path.abspath(path))
    )
    _check_card_kind(card, path)
    if kind == "tflite":
        artifact = _load_tflite(path, card)
    else:
        artifact = _load_saved_model(path, card)
    return _check_against_card(artifact)


def _latent_generator_error(path, found):
    return ValueError(
        f"`{path}` is a latent generator ({found}), not an image-to-image "
        "translator; load it with keras_gans.export.load_generator_artifact. "
        + format_received(path=path)
    )


def _check_card_kind(card, path):
    # Cards written before translators existed have no `kind`: generators.
    kind = None if card is None else card.get("kind", "generator")
    if kind not in (None, model_card.TRANSLATOR_KIND):
        raise _latent_generator_error(path, f"its model card says {kind!r}")


def _check_against_card(artifact):
    card = artifact.card
    if card is None:
        return artifact
    expected = (
        tuple(card.get("input_shape", ())),
        tuple(card.get("output_shape", ())),
    )
    found = (artifact.input_shape, artifact.output_shape)
    if expected != found:
        raise ValueError(
            f"`{artifact.path}` does not match the model_card.json next to "
            f"it: the card says input_shape={expected[0]}, output_shape="
            f"{expected[1]}; the model has input_shape={found[0]}, "
            f"output_shape={found[1]}. " + format_received(path=artifact.path)
        )
    return artifact


def _load_tflite(path, card):
    from keras_gans.export.litert_translator import LiteRTTranslator

    translator = LiteRTTranslator(
        path, size_multiple=(card or {}).get("size_multiple") or 1
    )
    return TranslatorArtifact(
        translator,
        translator.input_shape,
        translator.output_shape,
        "tflite",
        path,
        card,
    )


def _load_saved_model(path, card):
    import tensorflow as tf

    signature = tf.saved_model.load(path).signatures.get(
        model_card.SIGNATURE_KEY
    )
    if signature is None:
        raise ValueError(
            f"`{path}` has no {model_card.SIGNATURE_KEY!r} signature. "
            + format_received(path=path)
        )
    inputs = signature.structured_input_signature[1]
    outputs = signature.structured_outputs
    ranks = [spec.shape.rank for spec in inputs.values()]
    if 2 in ranks:
        raise _latent_generator_error(path, f"inputs {inputs}")
    output_name = (
        model_card.OUTPUT_NAME
        if model_card.OUTPUT_NAME in outputs
        else next(iter(outputs), None)
    )
    if (
        ranks != [4]
        or next(iter(inputs.values())).shape[3] is None
        or outputs[output_name].shape.rank != 4
    ):
        raise ValueError(
            f"`{path}` is not an image-to-image SavedModel: it must take one "
            f"image batch (batch, height, width, channels) with known "
            f"channels and return one. Found inputs {inputs} and outputs "
            f"{outputs}. " + format_received(path=path)
        )
    input_name, input_spec = next(iter(inputs.items()))

    def run(images):
        outputs = signature(**{input_name: tf.constant(images)})
        return outputs[output_name].numpy()

    return TranslatorArtifact(
        run,
        input_spec.shape[1:],
        outputs[output_name].shape[1:],
        "saved_model",
        path,
        card,
    )


def _load_keras(path):
    import keras

    import keras_gans  # noqa: F401  (registers custom layers)
    from keras_gans.export.export_translator import translator_input_shape
    from keras_gans.training.two_player_model import TwoPlayerModel
    from keras_gans.utils.safe_loading import load_keras_file

    model = load_keras_file(path, compile=False)
    if isinstance(model, TwoPlayerModel):
        raise ValueError(
            f"`{path}` holds a whole {type(model).__name__} model, not one "
            "image-to-image network: load its export directory, or save "
            "the translator network itself "
            "(`model.translator('a_to_b').save(...)`). "
            + format_received(path=path)
        )
    ranks = [len(t.shape) for t in getattr(model, "inputs", None) or ()]
    if 2 in ranks:
        raise _latent_generator_error(path, f"input ranks {ranks}")
    try:
        input_shape = translator_input_shape(model)
    except ValueError as error:
        raise ValueError(
            f"`{path}` is not an image-to-image network: {error} "
            + format_received(path=path)
        ) from error

    def run(images):
        outputs = model(keras.ops.convert_to_tensor(images), training=False)
        return np.asarray(keras.ops.convert_to_numpy(outputs))

    output_shape = tuple(model.outputs[0].shape[1:])
    return TranslatorArtifact(run, input_shape, output_shape, "keras", path)
