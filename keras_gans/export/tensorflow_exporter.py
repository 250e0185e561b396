"""TensorFlow-only half of the export: SavedModel, TFLite, verification.

Runs only in a process whose Keras backend is TensorFlow: in the user's
process on that backend, otherwise in the `python -m keras_gans.export`
child process that `export_generator` / `export_translator` start. Every
kind of network is written, converted, verified and published by the same
`export_and_verify`; what differs between kinds (the named inputs, free
dimensions, constants) is data, in an `ArtifactSpec`.
"""

import os
import shutil
import tempfile

import keras
import numpy as np

from keras_gans.export import model_card
from keras_gans.export.export_parity_error import ExportParityError
from keras_gans.export.tflite_signature import TFLiteSignature


def _require_tensorflow_backend():
    if keras.backend.backend() != "tensorflow":
        raise RuntimeError(
            "keras_gans.export.tensorflow_exporter needs the TensorFlow "
            "backend; export_generator() and export_translator() run it in "
            "a TensorFlow child process on other backends. "
            f"Received: backend={keras.backend.backend()!r}"
        )


def write_saved_model(network, path, spec):
    """Writes `network` as a SavedModel with one serving signature.

    The endpoint is registered as `serve` (Keras' own name for it, so
    `tf.saved_model.load(path).serve(...)` works); `ExportArchive` also
    publishes it as the `serving_default` signature. It takes the spec's
    inputs by name (free dimensions stay free) and returns its output
    (`images`, or a mapping network's `ws`) float32. Each of the spec's
    `constants` is kept as a one-variable collection of that name.

    Args:
        network: the Keras network (TensorFlow backend).
        path: the SavedModel directory to write.
        spec: the `ArtifactSpec` of the export.
    """

    def serve(*tensors):
        outputs = network(spec.network_inputs(tensors), training=False)
        return _named_output(outputs, spec.output_name)

    collections = {
        name: [keras.Variable(value, dtype="int32", trainable=False, name=name)]
        for name, value in spec.constants.items()
    }
    _write_archive(network, path, serve, spec.input_signature(), collections)


def _named_output(outputs, name=model_card.OUTPUT_NAME):
    return {name: keras.ops.cast(outputs, "float32")}


def _write_archive(generator, path, serve, input_signature, collections=None):
    """One `ExportArchive` endpoint, `serve`, plus variable collections."""
    _require_tensorflow_backend()
    archive = keras.export.ExportArchive()
    archive.track(generator)
    archive.add_endpoint("serve", serve, input_signature=input_signature)
    for name, variables in (collections or {}).items():
        archive.add_variable_collection(name, variables)
    archive.write_out(path, verbose=False)


def run_saved_model(path, feeds, output_name=model_card.OUTPUT_NAME):
    """Runs a SavedModel's `serving_default` on `feeds` (arrays by name).

    Returns:
        Its `output_name` output (`images`) as a NumPy array.
    """
    return saved_model_runner(path, output_name)(feeds)


def saved_model_runner(path, output_name=model_card.OUTPUT_NAME):
    """`run_saved_model` with the SavedModel loaded once: a callable
    `feeds -> output` (the parity cases of one export share it)."""
    import tensorflow as tf

    signature = tf.saved_model.load(path).signatures[model_card.SIGNATURE_KEY]

    def run(feeds):
        outputs = signature(
            **{name: tf.constant(value) for name, value in feeds.items()}
        )
        return outputs[output_name].numpy()

    return run


def convert_to_tflite(saved_model_path, quantize=None, calibration=None):
    """Converts the SavedModel's serving signature to TFLite bytes.

    This is the path Keras' own `format="litert"` export takes
    (ExportArchive -> SavedModel -> `TFLiteConverter.from_saved_model`),
    applied to the SavedModel we ship so both files hold the same graph.

    Args:
        saved_model_path: directory written by `write_saved_model`.
        quantize: `None` (float32), `"float16"` (float16 weights) or
            `"int8"` (int8 weights, dynamic-range activations; full-integer
            activations when `calibration` is given).
        calibration: for int8 only: calibration inputs, `{input name:
            array (N, ...)}`, fed one sample at a time to calibrate the
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
            converter.representative_dataset = _one_sample_at_a_time(
                calibration
            )
    return converter.convert()


def _one_sample_at_a_time(calibration):
    """A representative dataset: one sample per step, inputs by name."""
    count = len(next(iter(calibration.values())))

    def samples():
        for i in range(count):
            yield {name: value[i : i + 1] for name, value in calibration.items()}

    return samples


def max_abs_error(outputs, reference, what, output_name="images"):
    """Max abs difference; raises `ExportParityError` on a shape mismatch."""
    outputs = np.asarray(outputs, dtype="float32")
    if outputs.shape != reference.shape:
        raise ExportParityError(
            f"The {what} returned {output_name} of shape {outputs.shape}; "
            f"the Keras generator returns {reference.shape}."
        )
    return float(np.max(np.abs(outputs - reference)))


def _check_error(error, what, quantize, parity_inputs, output_name="images"):
    tolerance = model_card.FLOAT32_TOLERANCE
    if not np.isfinite(error):
        raise ExportParityError(
            f"The {what} produced non-finite {output_name} on the "
            f"{parity_inputs} (max abs error {error}). "
            f"Received: quantize={quantize!r}"
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
    network,
    directory,
    spec,
    parity,
    card_fields,
    quantize=None,
    calibration=None,
    parts=(),
):
    """Writes, verifies and publishes one network's artifacts.

    Everything is written to a staging folder inside `directory` and moved
    into place only after verification, so a failed export leaves an
    earlier export in `directory` intact. The SavedModel and the `.tflite`
    file are run on every parity case; a free-size export has a case at
    each of two sizes, and the `.tflite` runner resizes its inputs to each.

    Args:
        network: the Keras network (TensorFlow backend).
        directory: export directory (created if missing).
        spec: the `ArtifactSpec` of the export.
        parity: parity cases, dicts with `feeds` (`{input name: array}`),
            `reference` (the Keras network's images for them, possibly
            computed on another backend) and `description` (how error
            messages and the card name the inputs).
        card_fields: descriptive card entries (kind, variant, dataset...);
            the spec's signature entries are added to them.
        quantize: `None`, `"float16"` or `"int8"`.
        calibration: optional int8 calibration inputs, `{input name:
            array (N, ...)}`.
        parts: further networks exported first, each into the subfolder
            `directory/<name>` with a card of its own (same `quantize`,
            no calibration): dicts with `name`, `network`, `spec`,
            `parity` and `card_fields`. The main card's `parts` lists
            them with their errors (e.g. StyleGAN2's `synthesis` and
            `mapping` networks).

    Returns:
        The model card dict (also written to `model_card.json`).

    Raises:
        ExportParityError: if the SavedModel or a float32 TFLite file is
            further than 1e-4 from a reference, or a quantized file gives
            non-finite images.
    """
    _require_tensorflow_backend()
    os.makedirs(directory, exist_ok=True)
    part_cards = {
        part["name"]: export_and_verify(
            part["network"],
            os.path.join(directory, part["name"]),
            spec=part["spec"],
            parity=part["parity"],
            card_fields=part["card_fields"],
            quantize=quantize,
        )
        for part in parts
    }
    output_name = spec.output_name
    staging = tempfile.mkdtemp(prefix=".export-staging-", dir=directory)
    try:
        saved_model_path = os.path.join(staging, model_card.SAVED_MODEL_DIR)
        write_saved_model(network, saved_model_path, spec)
        run_saved = saved_model_runner(saved_model_path, output_name)
        saved_model_errors = [
            _verified_error(
                run_saved(case["feeds"]), case, "SavedModel", None,
                output_name,
            )
            for case in parity
        ]
        tflite_path = os.path.join(staging, model_card.TFLITE_FILE)
        with open(tflite_path, "wb") as handle:
            handle.write(
                convert_to_tflite(saved_model_path, quantize, calibration)
            )
        tflite = TFLiteSignature(tflite_path)
        tflite_errors = [
            _verified_error(
                tflite.run(case["feeds"], output_name),
                case, "TFLite file", quantize, output_name,
            )
            for case in parity
        ]
        card = dict(card_fields)
        card.update(spec.card_fields())
        if part_cards:
            card["parts"] = {
                name: _part_summary(name, part_card)
                for name, part_card in part_cards.items()
            }
        card.update(
            _quantization_fields(quantize, calibration, spec),
            files={
                "saved_model": {
                    "path": model_card.SAVED_MODEL_DIR,
                    "bytes": model_card.size_in_bytes(saved_model_path),
                },
                "tflite": {
                    "path": model_card.TFLITE_FILE,
                    "bytes": model_card.size_in_bytes(tflite_path),
                    "inputs": _tflite_input_shapes(tflite),
                },
            },
            export_errors=_export_errors(
                parity, saved_model_errors, tflite_errors
            ),
            export_backend=keras.backend.backend(),
            tensorflow_version=_tensorflow_version(),
        )
        model_card.write_card(staging, card)
        _publish(staging, directory)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return card


def _verified_error(outputs, case, what, quantize, output_name="images"):
    """The max abs error of one artifact on one parity case, checked.

    A quantized file's finite error is only recorded; anything else must
    be within the float32 tolerance.
    """
    reference = np.asarray(case["reference"], dtype="float32")
    error = max_abs_error(outputs, reference, what, output_name)
    if quantize is None or not np.isfinite(error):
        if what == "TFLite file":
            what = f"{quantize or 'float32'} TFLite file"
        _check_error(error, what, quantize, case["description"], output_name)
    return error


def _part_summary(name, card):
    """The main card's entry of one part: where, what, how faithful."""
    errors = card["export_errors"]
    return {
        "path": name,
        "kind": card.get("kind"),
        "signature": card.get("signature"),
        "saved_model_max_abs_error": errors["saved_model_max_abs_error"],
        "tflite_max_abs_error": errors["tflite_max_abs_error"],
    }


def _export_errors(parity, saved_model_errors, tflite_errors):
    """The card's `export_errors`: the worst case, and each case's."""
    errors = {
        "saved_model_max_abs_error": max(saved_model_errors),
        "tflite_max_abs_error": max(tflite_errors),
        "float32_tolerance": model_card.FLOAT32_TOLERANCE,
    }
    errors.update(parity[0].get("card", {}))
    if len(parity) > 1:
        errors["cases"] = [
            {
                "inputs": case["description"],
                "input_shapes": {
                    name: list(np.shape(value))
                    for name, value in case["feeds"].items()
                },
                "saved_model_max_abs_error": saved_model_error,
                "tflite_max_abs_error": tflite_error,
            }
            for case, saved_model_error, tflite_error in zip(
                parity, saved_model_errors, tflite_errors
            )
        ]
    return errors


def _tflite_input_shapes(tflite):
    """Input shapes of the `.tflite` file, `None` for a free dimension.

    Records whether the converter kept the batch size (and a free-size
    network's height and width) dynamic.
    """
    inputs = tflite.inputs
    return {
        name: [None if d < 0 else int(d) for d in details["shape_signature"]]
        for name, details in inputs.items()
    }


def _quantization_fields(quantize, calibration, spec):
    if quantize is None:
        scheme = "none"
    elif quantize == "float16":
        scheme = "float16_weights"
    elif calibration is None:
        scheme = "int8_dynamic_range"
    else:
        scheme = "int8_full_integer_float_io"
    # e.g. `representative_latents`: the first input names the samples.
    count_key = f"representative_{spec.input_names[0]}s"
    count = None
    if calibration is not None:
        count = int(len(next(iter(calibration.values()))))
    return {
        "quantize": quantize,
        "quantization": {"scheme": scheme, count_key: count},
    }


def _tensorflow_version():
    import tensorflow as tf

    return tf.__version__
