"""`load_generator_artifact`: one loader for every exported format."""

import os

import numpy as np

from keras_gans.export import model_card
from keras_gans.export.generator_artifact import GeneratorArtifact
from keras_gans.utils.safe_loading import load_keras_file
from keras_gans.utils.validation import format_received


def load_generator_artifact(path):
    """Loads a generator from a `.keras` file, SavedModel or `.tflite`.

    `path` may be a `.keras` file (a keras-gans model, or a plain Keras
    generator model), a SavedModel directory, an export directory written
    by `export_generator` (its `saved_model/` is used), or a `.tflite` file.
    For exported files the `model_card.json` of the export directory is
    attached as `artifact.card` and cross-checked; the shapes always come
    from the model's own signature. Conditional generators (a second,
    int32 `label` input) load as conditional artifacts; their
    `num_classes` comes from the model (`.keras`), the SavedModel itself,
    or the model card (`.tflite`).

    Args:
        path: the artifact's path.

    Returns:
        A `GeneratorArtifact`.

    Raises:
        FileNotFoundError: if `path` does not exist.
        ValueError: if `path` is not a recognised artifact, is not a
            generator (latents `(N, latent_dim)`, and labels `(N,)` for a
            conditional one -> images `(N, H, W, C)`), or disagrees with
            its model card.

    Example:

    ```python
    artifact = load_generator_artifact("exports/dcgan/generator.tflite")
    images = artifact.sample(16, seed=0)
    cgan = load_generator_artifact("exports/cgan")
    sevens = cgan.sample(16, seed=0, labels=7)
    ```
    """
    kind, path, export_dir = model_card.locate_artifact(path)
    if kind == "keras":
        return _load_keras(path)
    _refuse_translator(path, export_dir)
    if kind == "tflite":
        return _load_tflite(path, export_dir)
    return _load_saved_model(path, export_dir)


def _refuse_translator(path, export_dir):
    card = model_card.card_describing(
        export_dir, os.path.basename(os.path.abspath(path))
    )
    if card is not None and card.get("kind") == model_card.TRANSLATOR_KIND:
        raise ValueError(
            f"`{path}` is an image-to-image translator, not a latent "
            "generator; load it with keras_gans.export."
            "load_translator_artifact. " + format_received(path=path)
        )


def _check_against_card(artifact):
    card = artifact.card
    if card is None:
        return artifact
    expected = (
        card.get("latent_dim"),
        tuple(card.get("image_shape", ())),
        card.get("num_classes"),
    )
    found = (artifact.latent_dim, artifact.image_shape, artifact.num_classes)
    if expected != found:
        raise ValueError(
            f"`{artifact.path}` does not match the model_card.json next to "
            f"it: the card says latent_dim={expected[0]}, image_shape="
            f"{expected[1]}, num_classes={expected[2]}; the model has "
            f"latent_dim={found[0]}, image_shape={found[1]}, num_classes="
            f"{found[2]}. " + format_received(path=artifact.path)
        )
    return artifact


def _card_num_classes(card, conditional):
    """`num_classes` from a card, for an artifact that cannot tell itself."""
    if card is None or not conditional:
        return None
    return card.get("num_classes")


def _load_tflite(path, export_dir):
    from keras_gans.export.litert_generator import LiteRTGenerator

    generator = LiteRTGenerator(path)
    card = model_card.card_describing(export_dir, os.path.basename(path))
    return _check_against_card(
        GeneratorArtifact(
            generator,
            generator.latent_dim,
            generator.image_shape,
            "tflite",
            path,
            card,
            conditional=generator.conditional,
            num_classes=_card_num_classes(card, generator.conditional),
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
    input_name, input_spec, label_name = _saved_model_inputs(path, inputs)
    output_name = (
        model_card.OUTPUT_NAME if model_card.OUTPUT_NAME in outputs else None
    )
    if output_name is None and len(outputs) == 1:
        output_name = next(iter(outputs))
    if output_name is None or outputs[output_name].shape.rank != 4:
        raise _spec_rank_error(
            path, "a generator returns one rank-4 image batch.", outputs
        )

    def run(latents, labels=None):
        feeds = {input_name: tf.constant(latents)}
        if label_name is not None:
            feeds[label_name] = tf.constant(labels, dtype=tf.int32)
        return signature(**feeds)[output_name].numpy()

    card = model_card.card_describing(
        export_dir, os.path.basename(os.path.abspath(path))
    )
    conditional = label_name is not None
    num_classes = None
    if conditional:
        collection = getattr(loaded, model_card.NUM_CLASSES_COLLECTION, None)
        num_classes = (
            int(collection[0].numpy())
            if collection
            else _card_num_classes(card, conditional)
        )
    return _check_against_card(
        GeneratorArtifact(
            run,
            input_spec.shape[1],
            outputs[output_name].shape[1:],
            "saved_model",
            path,
            card,
            conditional=conditional,
            num_classes=num_classes,
        )
    )


def _saved_model_inputs(path, inputs):
    """`(latent_name, latent_spec, label_name or None)` of a signature."""
    ranks = sorted(spec.shape.rank for spec in inputs.values())
    if ranks == [2]:
        name, spec = next(iter(inputs.items()))
        return name, spec, None
    if ranks == [1, 2]:
        label_name, label_spec = next(
            (n, s) for n, s in inputs.items() if s.shape.rank == 1
        )
        name, spec = next(
            (n, s) for n, s in inputs.items() if s.shape.rank == 2
        )
        if label_spec.dtype.is_integer:
            return name, spec, label_name
    raise _spec_rank_error(
        path,
        "a generator takes one rank-2 latent batch, and for a conditional "
        "generator a rank-1 integer label batch.",
        inputs,
    )


def _load_keras(path):
    import keras

    import keras_gans  # noqa: F401  (registers the model classes)
    from keras_gans.training.adversarial_model import AdversarialModel

    model = load_keras_file(path, compile=False)
    if isinstance(model, AdversarialModel):

        def generate(latents, labels=None):
            if labels is None:
                return model.generate_from_latents(latents)
            return model.generate_from_latents(latents, labels=labels)

        return GeneratorArtifact(
            generate,
            model.latent_dim,
            model.image_shape,
            "keras",
            path,
            conditional=model.uses_labels,
            num_classes=model.num_classes,
        )
    input_shape = getattr(model, "input_shape", None)
    output_shape = getattr(model, "output_shape", None)
    conditional = _is_conditional_generator_shape(input_shape)
    if conditional:
        input_shape = input_shape[0]
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

    def run(latents, labels=None):
        inputs = keras.ops.convert_to_tensor(latents)
        if labels is not None:
            inputs = [inputs, keras.ops.convert_to_tensor(labels)]
        images = model(inputs, training=False)
        return np.asarray(keras.ops.convert_to_numpy(images))

    return GeneratorArtifact(
        run,
        input_shape[1],
        output_shape[1:],
        "keras",
        path,
        conditional=conditional,
        num_classes=_label_classes(model) if conditional else None,
    )


def _is_conditional_generator_shape(input_shape):
    """Whether a Keras model's inputs are `[(N, latent_dim), (N,)]`."""
    return (
        isinstance(input_shape, list)
        and len(input_shape) == 2
        and all(isinstance(shape, tuple) for shape in input_shape)
        and len(input_shape[0]) == 2
        and len(input_shape[1]) == 1
    )


def _label_classes(model):
    """The class count of a plain conditional generator, if it shows one.

    keras-gans generators look labels up in `Embedding` tables (and
    `ConditionalBatchNormalization` layers) of `num_classes` rows; a single
    common row count is taken as the class count, else `None`.
    """
    import keras

    counts = set()
    for layer in model._flatten_layers(include_self=False):
        if isinstance(layer, keras.layers.Embedding):
            counts.add(int(layer.input_dim))
        elif hasattr(layer, "num_classes"):
            counts.add(int(layer.num_classes))
    return counts.pop() if len(counts) == 1 else None
