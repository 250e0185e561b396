"""TensorFlow-only half of the export: SavedModel, TFLite, verification.

Runs only in a process whose Keras backend is TensorFlow: in the user's
process on that backend, otherwise in the `python -m keras_gans.export`
child process that `export_generator` / `export_translator` start. Both
kinds of network (latent generators and image-to-image translators) share
the staging, verification, card and publishing steps of
`_export_verified`; they differ only in their serving signature.
"""

import os
import shutil
import tempfile

import keras
import numpy as np

from keras_gans.export import model_card
from keras_gans.export.export_parity_error import ExportParityError
from keras_gans.export.litert_generator import LiteRTGenerator
from keras_gans.export.litert_translator import LiteRTTranslator
from keras_gans.export.tflite_signature import TFLiteSignature
from keras_gans.utils.labels import default_labels


def _require_tensorflow_backend():
    if keras.backend.backend() != "tensorflow":
        raise RuntimeError(
            "keras_gans.export.tensorflow_exporter needs the TensorFlow "
            "backend; export_generator() and export_translator() run it in "
            "a TensorFlow child process on other backends. "
            f"Received: backend={keras.backend.backend()!r}"
        )


def _input_signature(latent_dim, num_classes):
    specs = [
        keras.InputSpec(
            shape=(None, latent_dim),
            dtype="float32",
            name=model_card.INPUT_NAME,
        )
    ]
    if num_classes is not None:
        specs.append(
            keras.InputSpec(
                shape=(None,), dtype="int32", name=model_card.LABEL_NAME
            )
        )
    return specs


def write_saved_model(generator, path, latent_dim, num_classes=None):
    """Writes `generator` as a SavedModel with one serving signature.

    The endpoint is registered as `serve` (Keras' own name for it, so
    `tf.saved_model.load(path).serve(z)` works); `ExportArchive` also
    publishes the first endpoint as the `serving_default` signature, which
    takes `latent` float32 `(None, latent_dim)` and returns `images`. A
    conditional generator (`num_classes` set) also takes `label` int32
    `(None,)`, and the SavedModel keeps `num_classes` in the variable
    collection `model_card.NUM_CLASSES_COLLECTION`.
    """
    if num_classes is None:

        def serve(latent):
            return _images_output(generator(latent, training=False))

    else:

        def serve(latent, label):
            return _images_output(generator([latent, label], training=False))

    collections = {}
    if num_classes is not None:
        collections[model_card.NUM_CLASSES_COLLECTION] = [
            keras.Variable(
                num_classes, dtype="int32", trainable=False, name="num_classes"
            )
        ]
    _write_archive(
        generator,
        path,
        serve,
        _input_signature(latent_dim, num_classes),
        collections,
    )


def write_translator_saved_model(generator, path, input_shape):
    """Writes an image-to-image `generator` as a SavedModel.

    Its `serving_default` signature (endpoint `serve`) takes `image`
    float32 `(None, H, W, Ca)` and returns `images` float32 `(None, H, W,
    Cb)`, both in [-1, 1]; the batch size is left free.

    Args:
        generator: the Keras translator network (TensorFlow backend).
        path: the SavedModel directory to write.
        input_shape: `(H, W, Ca)` of one input image.
    """

    def serve(image):
        return _images_output(generator(image, training=False))

    spec = keras.InputSpec(
        shape=(None, *input_shape),
        dtype="float32",
        name=model_card.TRANSLATOR_INPUT_NAME,
    )
    _write_archive(generator, path, serve, [spec])


def _images_output(images):
    return {model_card.OUTPUT_NAME: keras.ops.cast(images, "float32")}


def _write_archive(generator, path, serve, input_signature, collections=None):
    """One `ExportArchive` endpoint, `serve`, plus variable collections."""
    _require_tensorflow_backend()
    archive = keras.export.ExportArchive()
    archive.track(generator)
    archive.add_endpoint("serve", serve, input_signature=input_signature)
    for name, variables in (collections or {}).items():
        archive.add_variable_collection(name, variables)
    archive.write_out(path, verbose=False)


def _latent_feeds(latents, labels):
    feeds = {model_card.INPUT_NAME: np.asarray(latents, dtype="float32")}
    if labels is not None:
        feeds[model_card.LABEL_NAME] = np.asarray(labels, dtype="int32")
    return feeds


def run_saved_model(path, feeds):
    """Runs a SavedModel's `serving_default` on `feeds` (arrays by name).

    Returns:
        Its `images` output as a NumPy array.
    """
    import tensorflow as tf

    signature = tf.saved_model.load(path).signatures[model_card.SIGNATURE_KEY]
    outputs = signature(
        **{name: tf.constant(value) for name, value in feeds.items()}
    )
    return outputs[model_card.OUTPUT_NAME].numpy()


def convert_to_tflite(saved_model_path, quantize=None, calibration=None):
    """Converts the SavedModel's serving signature to TFLite bytes.

    This is the path Keras' own `format="litert"` export takes
    (ExportArchive -> SavedModel -> `TFLiteConverter.from_saved_model`),
    applied to the SavedModel we ship so both files hold the same graph.

    Args:
        saved_model_path: directory written by `write_saved_model` or
            `write_translator_saved_model`.
        quantize: `None` (float32), `"float16"` (float16 weights) or
            `"int8"` (int8 weights, dynamic-range activations; full-integer
            activations when `calibration` is given).
        calibration: for int8 only: a callable yielding input dicts (one
            sample each, by signature input name) that calibrate the
            activation ranges. Inputs and outputs stay float32, and ops
            without an int8 kernel fall back to float.

    Returns:
        The `.tflite` flatbuffer as bytes.
    """
    import tensorflow as tf

    converter = tf.lite.TFLiteConverter.from_saved_model(
        saved_model_path, signature_keys=[model_card.SIGNATURE_KEY]
    )
    if quantize == "float16":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.target_spec.supported_types = [tf.float16]
    elif quantize == "int8":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        if calibration is not None:
            converter.representative_dataset = calibration
    return converter.convert()


def _calibration_inputs(representative, num_classes):
    """A representative dataset: one sample per step, inputs by name."""
    labels = None
    if num_classes is not None:
        labels = default_labels(len(representative), num_classes)

    def samples():
        for i, row in enumerate(representative):
            inputs = {model_card.INPUT_NAME: row[None, :]}
            if labels is not None:
                inputs[model_card.LABEL_NAME] = labels[i : i + 1]
            yield inputs

    return samples


def max_abs_error(outputs, reference, what):
    """Max abs difference; raises `ExportParityError` on a shape mismatch."""
    outputs = np.asarray(outputs, dtype="float32")
    if outputs.shape != reference.shape:
        raise ExportParityError(
            f"The {what} returned images of shape {outputs.shape}; the Keras "
            f"generator returns {reference.shape}."
        )
    return float(np.max(np.abs(outputs - reference)))


def _check_error(error, what, quantize, parity_inputs):
    tolerance = model_card.FLOAT32_TOLERANCE
    if not np.isfinite(error):
        raise ExportParityError(
            f"The {what} produced non-finite images on the {parity_inputs} "
            f"(max abs error {error}). Received: quantize={quantize!r}"
        )
    if error > tolerance:
        raise ExportParityError(
            f"The {what} differs from the Keras generator by {error:.3g} "
            f"(max abs error on the {parity_inputs}); a float32 export must "
            f"be within {tolerance:g}. Received: quantize={quantize!r}"
        )


def _publish(staging, directory):
    """Moves the verified artifacts from `staging` into `directory`.

    Only the names the exporter owns are replaced; other files in
    `directory` are left alone.
    """
    for name in model_card.OWNED_NAMES:
        target = os.path.join(directory, name)
        if os.path.isdir(target) and not os.path.islink(target):
            shutil.rmtree(target)
        elif os.path.lexists(target):
            os.remove(target)
        os.replace(os.path.join(staging, name), target)


def export_and_verify(
    generator,
    directory,
    latents,
    reference,
    card_fields,
    quantize=None,
    representative=None,
    labels=None,
):
    """Writes and verifies a latent generator's artifacts; returns the card.

    Everything is written to a staging folder inside `directory` and moved
    into place only after verification, so a failed export leaves an
    earlier export in `directory` intact.

    Args:
        generator: the Keras generator network (TensorFlow backend).
        directory: export directory (created if missing).
        latents: float32 parity latents `(N, latent_dim)`.
        reference: the Keras generator's images for `latents`, possibly
            computed on another backend.
        card_fields: dict of descriptive card entries (variant, dataset...);
            its `num_classes` (not `None`) makes the export conditional.
        quantize: `None`, `"float16"` or `"int8"`.
        representative: optional int8 calibration latents.
        labels: int32 parity labels `(N,)` of a conditional generator.

    Returns:
        The model card dict (also written to `model_card.json`).

    Raises:
        ExportParityError: if the SavedModel or a float32 TFLite file is
            further than 1e-4 from `reference`, or a quantized file gives
            non-finite images.
    """
    latent_dim = int(latents.shape[1])
    num_classes = card_fields.get("num_classes")
    parity = {
        "latents": (
            f"numpy.random.default_rng({model_card.PARITY_SEED})"
            f".standard_normal(({model_card.PARITY_COUNT}, {latent_dim}))"
        )
    }
    if labels is not None:
        parity["labels"] = [int(label) for label in labels]
    calibration = None
    if representative is not None:
        calibration = _calibration_inputs(representative, num_classes)
    return _export_verified(
        directory,
        write=lambda path: write_saved_model(
            generator, path, latent_dim, num_classes
        ),
        feeds=_latent_feeds(latents, labels),
        run_tflite=lambda path: LiteRTGenerator(path)(latents, labels),
        reference=reference,
        card_fields=card_fields,
        quantize=quantize,
        calibration=calibration,
        quantization=_quantization_fields(
            quantize, representative, "representative_latents"
        ),
        parity=parity,
        parity_inputs=f"{len(latents)} fixed latents",
    )


def export_translator_and_verify(
    generator,
    directory,
    images,
    reference,
    card_fields,
    quantize=None,
    parity_description=None,
):
    """Writes and verifies an image-to-image translator's artifacts.

    The same staging, parity and publishing as `export_and_verify`, for the
    signature of `write_translator_saved_model`. A quantized int8 file
    keeps dynamic-range activations (no calibration images).

    Args:
        generator: the Keras translator network (TensorFlow backend).
        directory: export directory (created if missing).
        images: float32 parity images `(N, H, W, Ca)` in [-1, 1].
        reference: the Keras translator's outputs for `images`, possibly
            computed on another backend.
        card_fields: dict of descriptive card entries.
        quantize: `None`, `"float16"` or `"int8"`.
        parity_description: how the card's `export_errors.images` names
            the parity images (e.g. the NumPy expression that drew them).

    Returns:
        The model card dict (also written to `model_card.json`).

    Raises:
        ExportParityError: if the SavedModel or a float32 TFLite file is
            further than 1e-4 from `reference`, or a quantized file gives
            non-finite images.
    """
    images = np.asarray(images, dtype="float32")
    return _export_verified(
        directory,
        write=lambda path: write_translator_saved_model(
            generator, path, images.shape[1:]
        ),
        feeds={model_card.TRANSLATOR_INPUT_NAME: images},
        run_tflite=lambda path: LiteRTTranslator(path)(images),
        reference=reference,
        card_fields=card_fields,
        quantize=quantize,
        calibration=None,
        quantization=_quantization_fields(
            quantize, None, "representative_images"
        ),
        parity={"images": parity_description},
        parity_inputs=f"{len(images)} parity images",
    )


def _export_verified(
    directory,
    write,
    feeds,
    run_tflite,
    reference,
    card_fields,
    quantize,
    calibration,
    quantization,
    parity,
    parity_inputs,
):
    """Stages, verifies and publishes the three artifacts of one network.

    Args:
        directory: export directory.
        write: `write(path)` writes the SavedModel.
        feeds: the parity inputs by signature name.
        run_tflite: `run_tflite(path)` returns the `.tflite` file's outputs
            on the parity inputs.
        reference: the Keras network's outputs on the parity inputs.
        card_fields: descriptive card entries.
        quantize: `None`, `"float16"` or `"int8"`.
        calibration: int8 calibration samples (see `convert_to_tflite`),
            or `None`.
        quantization: the card's `quantize` and `quantization` entries.
        parity: card entries describing the parity inputs.
        parity_inputs: how error messages name the parity inputs.

    Returns:
        The model card dict.
    """
    _require_tensorflow_backend()
    reference = np.asarray(reference, dtype="float32")
    os.makedirs(directory, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=".export-staging-", dir=directory)
    try:
        saved_model_path = os.path.join(staging, model_card.SAVED_MODEL_DIR)
        write(saved_model_path)
        saved_model_error = max_abs_error(
            run_saved_model(saved_model_path, feeds), reference, "SavedModel"
        )
        _check_error(saved_model_error, "SavedModel", quantize, parity_inputs)

        tflite_path = os.path.join(staging, model_card.TFLITE_FILE)
        with open(tflite_path, "wb") as handle:
            handle.write(
                convert_to_tflite(saved_model_path, quantize, calibration)
            )
        tflite_error = max_abs_error(
            run_tflite(tflite_path), reference, "TFLite file"
        )
        if quantize is None or not np.isfinite(tflite_error):
            what = f"{quantize or 'float32'} TFLite file"
            _check_error(tflite_error, what, quantize, parity_inputs)

        card = dict(card_fields)
        card.update(
            quantization,
            files={
                "saved_model": {
                    "path": model_card.SAVED_MODEL_DIR,
                    "bytes": model_card.size_in_bytes(saved_model_path),
                },
                "tflite": {
                    "path": model_card.TFLITE_FILE,
                    "bytes": model_card.size_in_bytes(tflite_path),
                    "inputs": _tflite_input_shapes(tflite_path),
                },
            },
            export_errors={
                "saved_model_max_abs_error": saved_model_error,
                "tflite_max_abs_error": tflite_error,
                "float32_tolerance": model_card.FLOAT32_TOLERANCE,
                **parity,
            },
            export_backend=keras.backend.backend(),
            tensorflow_version=_tensorflow_version(),
        )
        model_card.write_card(staging, card)
        _publish(staging, directory)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return card


def _tflite_input_shapes(tflite_path):
    """Input shapes of the `.tflite` file, `None` for a free dimension.

    Records whether the converter kept the batch size dynamic.
    """
    inputs = TFLiteSignature(tflite_path).inputs
    return {
        name: [None if d < 0 else int(d) for d in details["shape_signature"]]
        for name, details in inputs.items()
    }


def _quantization_fields(quantize, representative, count_key):
    if quantize is None:
        scheme = "none"
    elif quantize == "float16":
        scheme = "float16_weights"
    elif representative is None:
        scheme = "int8_dynamic_range"
    else:
        scheme = "int8_full_integer_float_io"
    return {
        "quantize": quantize,
        "quantization": {
            "scheme": scheme,
            count_key: (
                None if representative is None else int(len(representative))
            ),
        },
    }


def _tensorflow_version():
    import tensorflow as tf

    return tf.__version__
