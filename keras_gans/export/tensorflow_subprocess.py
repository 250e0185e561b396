"""Runs the TensorFlow export in a child process (JAX and torch backends).

Keras fixes its backend per process, and SavedModel/TFLite export needs
TensorFlow. On another backend the generator is saved to a `.keras` file
(weights are backend-portable) and `python -m keras_gans.export` reloads it
with `KERAS_BACKEND=tensorflow`. The parity reference is computed in the
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
    with tempfile.TemporaryDirectory(prefix="keras_gans_export_") as work:
        paths = {
            "generator": os.path.join(work, "generator.keras"),
            "latents": os.path.join(work, "latents.npy"),
            "reference": os.path.join(work, "reference.npy"),
            "card_fields": os.path.join(work, "card_fields.json"),
            "error_file": os.path.join(work, "error.json"),
        }
        generator.save(paths["generator"])
        np.save(paths["latents"], np.asarray(latents, dtype="float32"))
        np.save(paths["reference"], np.asarray(reference, dtype="float32"))
        with open(paths["card_fields"], "w", encoding="utf-8") as handle:
            json.dump(card_fields, handle)
        command = [sys.executable, "-m", "keras_gans.export"]
        for key, path in paths.items():
            command += [f"--{key.replace('_', '-')}", path]
        command += ["--directory", os.path.abspath(directory)]
        if quantize is not None:
            command += ["--quantize", quantize]
        if representative is not None:
            paths["representative"] = os.path.join(work, "representative.npy")
            np.save(paths["representative"], representative)
            command += ["--representative", paths["representative"]]
        if labels is not None:
            paths["labels"] = os.path.join(work, "labels.npy")
            np.save(paths["labels"], np.asarray(labels, dtype="int32"))
            command += ["--labels", paths["labels"]]
        result = subprocess.run(
            command,
            env=_child_environment(),
            capture_output=True,
            text=True,
            check=False,
        )
        if os.path.isfile(paths["error_file"]):
            with open(paths["error_file"], encoding="utf-8") as handle:
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
