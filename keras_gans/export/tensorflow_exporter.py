"""TensorFlow-only half of the export: SavedModel, TFLite, verification.

Runs only in a process whose Keras backend is TensorFlow: in the user's
process on that backend, otherwise in the `python -m keras_gans.export`
child process that `export_generator` starts.
"""

import os
import shutil
import tempfile

import keras
import numpy as np

from keras_gans.export import model_card
from keras_gans.export.export_parity_error import ExportParityError
from keras_gans.export.litert_generator import LiteRTGenerator
from keras_gans.utils.labels import default_labels


def _require_tensorflow_backend():
    if keras.backend.backend() != "tensorflow":
        raise RuntimeError(
            "keras_gans.export.tensorflow_exporter needs the TensorFlow "
            "backend; export_generator() runs it in a TensorFlow child "
            "process on other backends. "
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
    _require_tensorflow_backend()

    if num_classes is None:

        def serve(latent):
            images = generator(latent, training=False)
            return {model_card.OUTPUT_NAME: keras.ops.cast(images, "float32")}

    else:

        def serve(latent, label):
            images = generator([latent, label], training=False)
            return {model_card.OUTPUT_NAME: keras.ops.cast(images, "float32")}

    archive = keras.export.ExportArchive()
    archive.track(generator)
    archive.add_endpoint(
        "serve",
        serve,
        input_signature=_input_signature(latent_dim, num_classes),
    )
    if num_classes is not None:
        archive.add_variable_collection(
            model_card.NUM_CLASSES_COLLECTION,
            [
                keras.Variable(
                    num_classes,
                    dtype="int32",
                    trainable=False,
                    name="num_classes",
                )
            ],
        )
    archive.write_out(path, verbose=False)


def run_saved_model(path, latents, labels=None):
    """Runs the `serving_default` signature of a SavedModel on `latents`."""
    import tensorflow as tf

    signature = tf.saved_model.load(path).signatures[model_card.SIGNATURE_KEY]
    inputs = {model_card.INPUT_NAME: tf.constant(latents)}
    if labels is not None:
        inputs[model_card.LABEL_NAME] = tf.constant(labels, dtype=tf.int32)
    outputs = signature(**inputs)
    return outputs[model_card.OUTPUT_NAME].numpy()


def convert_to_tflite(
    saved_model_path, quantize=None, representative=None, num_classes=None
):
    """Converts the SavedModel's serving signature to TFLite bytes.

    This is the path Keras' own `format="litert"` export takes
    (ExportArchive -> SavedModel -> `TFLiteConverter.from_saved_model`),
    applied to the SavedModel we ship so both files hold the same graph.

    Args:
        saved_model_path: directory written by `write_saved_model`.
        quantize: `None` (float32), `"float16"` (float16 weights) or
            `"int8"` (int8 weights, dynamic-range activations; full-integer
            activations when `representative` is given).
        representative: optional float32 latents `(N, latent_dim)` used to
            calibrate int8 activation ranges. Inputs and outputs stay
            float32, and ops without an int8 kernel fall back to float.
        num_classes: for a conditional generator: calibration uses the
            class-balanced labels `default_labels(N, num_classes)`.

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
        if representative is not None:
            converter.representative_dataset = _calibration_inputs(
                representative, num_classes
            )
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


def _check_error(error, what, quantize):
    tolerance = model_card.FLOAT32_TOLERANCE
    if not np.isfinite(error):
        raise ExportParityError(
            f"The {what} produced non-finite images on the parity latents "
            f"(max abs error {error}). Received: quantize={quantize!r}"
        )
    if error > tolerance:
        raise ExportParityError(
            f"The {what} differs from the Keras generator by {error:.3g} "
            f"(max abs error on {model_card.PARITY_COUNT} fixed latents); "
            f"a float32 export must be within {tolerance:g}. "
            f"Received: quantize={quantize!r}"
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
    """Writes and verifies the three artifacts; returns the model card.

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
    _require_tensorflow_backend()
    latent_dim = int(latents.shape[1])
    num_classes = card_fields.get("num_classes")
    reference = np.asarray(reference, dtype="float32")
    os.makedirs(directory, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=".export-staging-", dir=directory)
    try:
        saved_model_path = os.path.join(staging, model_card.SAVED_MODEL_DIR)
        write_saved_model(generator, saved_model_path, latent_dim, num_classes)
        saved_model_error = max_abs_error(
            run_saved_model(saved_model_path, latents, labels),
            reference,
            "SavedModel",
        )
        _check_error(saved_model_error, "SavedModel", quantize)

        tflite_path = os.path.join(staging, model_card.TFLITE_FILE)
        with open(tflite_path, "wb") as handle:
            handle.write(
                convert_to_tflite(
                    saved_model_path, quantize, representative, num_classes
                )
            )
        tflite_error = max_abs_error(
            LiteRTGenerator(tflite_path)(latents, labels),
            reference,
            "TFLite file",
        )
        if quantize is None:
            _check_error(tflite_error, "float32 TFLite file", quantize)
        elif not np.isfinite(tflite_error):
            _check_error(tflite_error, f"{quantize} TFLite file", quantize)

        card = dict(card_fields)
        card.update(
            _quantization_fields(quantize, representative),
            files={
                "saved_model": {
                    "path": model_card.SAVED_MODEL_DIR,
                    "bytes": model_card.size_in_bytes(saved_model_path),
                },
                "tflite": {
                    "path": model_card.TFLITE_FILE,
                    "bytes": model_card.size_in_bytes(tflite_path),
                },
            },
            export_errors={
                "saved_model_max_abs_error": saved_model_error,
                "tflite_max_abs_error": tflite_error,
                "float32_tolerance": model_card.FLOAT32_TOLERANCE,
                "latents": (
                    f"numpy.random.default_rng({model_card.PARITY_SEED})"
                    f".standard_normal(({model_card.PARITY_COUNT}, "
                    f"{latent_dim}))"
                ),
                **(
                    {}
                    if labels is None
                    else {"labels": [int(label) for label in labels]}
                ),
            },
            export_backend=keras.backend.backend(),
            tensorflow_version=_tensorflow_version(),
        )
        model_card.write_card(staging, card)
        _publish(staging, directory)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return card


def _quantization_fields(quantize, representative):
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
            "representative_latents": (
                None if representative is None else int(len(representative))
            ),
        },
    }


def _tensorflow_version():
    import tensorflow as tf

    return tf.__version__
