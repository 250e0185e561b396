"""Runs the TensorFlow export in a child process (JAX and torch backends).

Keras fixes its backend per process, and SavedModel/TFLite export needs
TensorFlow. On another backend the network (latent generator or
image-to-image translator) is saved to a `.keras` file (weights are
backend-portable) and `python -m keras_gans.export` reloads it with
`KERAS_BACKEND=tensorflow`. The parity reference is computed in the
parent, on the original backend, so the check is truly cross-backend.
"""

import json
import os
import subprocess
import sys
import tempfile

import numpy as np

import keras_gans
from keras_gans.export import model_card
from keras_gans.export.export_parity_error import ExportParityError

# Error types the child reports by name so the parent re-raises the same.
_REPORTED_ERRORS = {
    "ExportParityError": ExportParityError,
    "ValueError": ValueError,
}


def _child_environment():
    env = dict(os.environ)
    env["KERAS_BACKEND"] = "tensorflow"
    # The child must import this same keras_gans, installed or not.
    package_root = os.path.dirname(os.path.dirname(keras_gans.__file__))
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (package_root, env.get("PYTHONPATH")) if p
    )
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return env


def exporter_for_backend(kind):
    """The export function for `kind` on the current Keras backend.

    In process on TensorFlow (`tensorflow_exporter`), else the child
    process versions below; both have the same contract.

    Args:
        kind: `"generator"` (`export_and_verify`) or `"translator"`
            (`export_translator_and_verify`).
    """
    import keras

    if keras.backend.backend() == "tensorflow":
        from keras_gans.export import tensorflow_exporter

        return {
            "generator": tensorflow_exporter.export_and_verify,
            "translator": tensorflow_exporter.export_translator_and_verify,
        }[kind]
    return {
        "generator": export_in_tensorflow_process,
        "translator": export_translator_in_tensorflow_process,
    }[kind]


def export_in_tensorflow_process(
    generator,
    directory,
    latents,
    reference,
    card_fields,
    quantize=None,
    representative=None,
    labels=None,
):
    """Same contract as `tensorflow_exporter.export_and_verify`.

    Returns:
        The model card dict written by the child.

    Raises:
        ExportParityError, ValueError: re-raised from the child.
        RuntimeError: if the child fails otherwise (its output is quoted).
    """
    arrays = {"latents": np.asarray(latents, dtype="float32")}
    if representative is not None:
        arrays["representative"] = np.asarray(representative, dtype="float32")
    if labels is not None:
        arrays["labels"] = np.asarray(labels, dtype="int32")
    return _export_in_child(
        "generator",
        generator,
        directory,
        arrays,
        reference,
        card_fields,
        quantize,
    )


def export_translator_in_tensorflow_process(
    generator,
    directory,
    images,
    reference,
    card_fields,
    quantize=None,
    parity_description=None,
):
    """Same contract as `tensorflow_exporter.export_translator_and_verify`.

    Returns:
        The model card dict written by the child.

    Raises:
        ExportParityError, ValueError: re-raised from the child.
        RuntimeError: if the child fails otherwise (its output is quoted).
    """
    options = []
    if parity_description is not None:
        options += ["--parity-description", parity_description]
    return _export_in_child(
        "translator",
        generator,
        directory,
        {"images": np.asarray(images, dtype="float32")},
        reference,
        card_fields,
        quantize,
        options,
    )


def _export_in_child(
    kind,
    generator,
    directory,
    arrays,
    reference,
    card_fields,
    quantize,
    options=(),
):
    """Saves the inputs, runs `python -m keras_gans.export`, reads the card.

    Args:
        kind: `"generator"` or `"translator"`: which exporter the child
            runs.
        generator: the Keras network to export.
        directory: export directory.
        arrays: NumPy inputs by command-line option name (`latents`,
            `images`, `labels`...), passed to the child as `.npy` files.
        reference: the network's outputs on the parity inputs.
        card_fields: descriptive card entries (JSON-serializable).
        quantize: `None`, `"float16"` or `"int8"`.
        options: further command-line arguments for the child.
    """
    with tempfile.TemporaryDirectory(prefix="keras_gans_export_") as work:
        error_file = os.path.join(work, "error.json")
        generator_path = os.path.join(work, "generator.keras")
        card_fields_path = os.path.join(work, "card_fields.json")
        generator.save(generator_path)
        with open(card_fields_path, "w", encoding="utf-8") as handle:
            json.dump(card_fields, handle)
        command = [
            sys.executable,
            "-m",
            "keras_gans.export",
            "--kind",
            kind,
            "--generator",
            generator_path,
            "--card-fields",
            card_fields_path,
            "--error-file",
            error_file,
            "--directory",
            os.path.abspath(directory),
            *options,
        ]
        arrays = {**arrays, "reference": np.asarray(reference, "float32")}
        for name, array in arrays.items():
            path = os.path.join(work, f"{name}.npy")
            np.save(path, array)
            command += [f"--{name}", path]
        if quantize is not None:
            command += ["--quantize", quantize]
        result = subprocess.run(
            command,
            env=_child_environment(),
            capture_output=True,
            text=True,
            check=False,
        )
        if os.path.isfile(error_file):
            with open(error_file, encoding="utf-8") as handle:
                report = json.load(handle)
            raise _REPORTED_ERRORS[report["type"]](report["message"])
        if result.returncode != 0:
            output = (result.stdout + result.stderr)[-4000:]
            raise RuntimeError(
                "The TensorFlow export process failed with exit code "
                f"{result.returncode}. Its output ends with:\n{output}"
            )
    card = model_card.read_card(directory)
    if card is None:
        raise RuntimeError(
            f"The TensorFlow export process wrote no model card in "
            f"{directory!r}."
        )
    return card
