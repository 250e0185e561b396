"""Runs the TensorFlow export in a child process (JAX and torch backends).

Keras fixes its backend per process, and SavedModel/TFLite export needs
TensorFlow. On another backend the network (of any kind) is saved to a
`.keras` file (weights are backend-portable) with its `ArtifactSpec`, and
`python -m keras_gans.export` reloads it with `KERAS_BACKEND=tensorflow`.
The parity reference is computed in the parent, on the original backend,
so the check is truly cross-backend. An export's further networks (its
`parts`, e.g. StyleGAN2's synthesis and mapping) travel in subfolders of
the same work folder and are exported by the same child.
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


def exporter_for_backend():
    """The export function on the current Keras backend.

    `tensorflow_exporter.export_and_verify` in process on TensorFlow, else
    `export_in_tensorflow_process`: the same contract.
    """
    import keras

    if keras.backend.backend() == "tensorflow":
        from keras_gans.export import tensorflow_exporter

        return tensorflow_exporter.export_and_verify
    return export_in_tensorflow_process


# The files of the parent-to-child hand-over, in one work folder.
NETWORK_FILE = "network.keras"
SPEC_FILE = "spec.json"
CARD_FIELDS_FILE = "card_fields.json"
PARITY_FILE = "parity.json"
CALIBRATION_FILE = "calibration.npz"
ERROR_FILE = "error.json"
REFERENCE_KEY = "__reference__"
# `parts.json` lists the parts' names; part `name` is in `parts/<name>/`.
PARTS_FILE = "parts.json"
PARTS_DIR = "parts"


def export_in_tensorflow_process(
    network,
    directory,
    spec,
    parity,
    card_fields,
    quantize=None,
    calibration=None,
    parts=(),
):
    """Same contract as `tensorflow_exporter.export_and_verify`.

    Saves the network, spec, card fields, parity cases and calibration
    inputs (and those of each part) to a work folder, runs `python -m
    keras_gans.export` on it and reads the card it wrote.

    Returns:
        The model card dict written by the child.

    Raises:
        ExportParityError, ValueError: re-raised from the child.
        RuntimeError: if the child fails otherwise (its output is quoted).
    """
    with tempfile.TemporaryDirectory(prefix="keras_gans_export_") as work:
        _write_network(work, network, spec, parity, card_fields)
        if parts:
            for part in parts:
                folder = os.path.join(work, PARTS_DIR, part["name"])
                os.makedirs(folder)
                _write_network(
                    folder, part["network"], part["spec"], part["parity"],
                    part["card_fields"],
                )
            _write_json(work, PARTS_FILE, [part["name"] for part in parts])
        command = [
            sys.executable, "-m", "keras_gans.export",
            "--work", work, "--directory", os.path.abspath(directory),
        ]  # fmt: skip
        if calibration is not None:
            np.savez(os.path.join(work, CALIBRATION_FILE), **calibration)
        if quantize is not None:
            command += ["--quantize", quantize]
        result = subprocess.run(
            command,
            env=_child_environment(),
            capture_output=True,
            text=True,
            check=False,
        )
        error_file = os.path.join(work, ERROR_FILE)
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


def _write_network(work, network, spec, parity, card_fields):
    """One network's files of the hand-over, in the folder `work`."""
    network.save(os.path.join(work, NETWORK_FILE))
    _write_json(work, SPEC_FILE, spec.get_config())
    _write_json(work, CARD_FIELDS_FILE, card_fields)
    cases = []
    for i, case in enumerate(parity):
        arrays = {**case["feeds"], REFERENCE_KEY: case["reference"]}
        np.savez(os.path.join(work, f"parity_{i}.npz"), **arrays)
        cases.append(
            {
                "file": f"parity_{i}.npz",
                "description": case["description"],
                "card": case.get("card", {}),
            }
        )
    _write_json(work, PARITY_FILE, cases)


def read_hand_over(work):
    """The child's side: `(network, spec, parity, card_fields,
    calibration)` from the work folder `export_in_tensorflow_process`
    wrote (its parts: `read_parts`)."""
    network, spec, parity, card_fields = _read_network(work)
    calibration = None
    path = os.path.join(work, CALIBRATION_FILE)
    if os.path.isfile(path):
        with np.load(path) as arrays:
            calibration = {k: arrays[k] for k in arrays.files}
    return network, spec, parity, card_fields, calibration


def read_parts(work):
    """The parts in the work folder, as `export_and_verify` takes them."""
    if not os.path.isfile(os.path.join(work, PARTS_FILE)):
        return []
    parts = []
    for name in _read_json(work, PARTS_FILE):
        network, spec, parity, card_fields = _read_network(
            os.path.join(work, PARTS_DIR, name)
        )
        parts.append(
            {
                "name": name,
                "network": network,
                "spec": spec,
                "parity": parity,
                "card_fields": card_fields,
            }
        )
    return parts


def _read_network(work):
    from keras_gans.export.artifact_spec import ArtifactSpec
    from keras_gans.utils.safe_loading import load_keras_file

    network = load_keras_file(os.path.join(work, NETWORK_FILE), compile=False)
    spec = ArtifactSpec.from_config(_read_json(work, SPEC_FILE))
    parity = []
    for case in _read_json(work, PARITY_FILE):
        with np.load(os.path.join(work, case["file"])) as arrays:
            feeds = {k: arrays[k] for k in arrays.files if k != REFERENCE_KEY}
            reference = arrays[REFERENCE_KEY]
        parity.append(
            {
                "feeds": feeds,
                "reference": reference,
                "description": case["description"],
                "card": case["card"],
            }
        )
    return network, spec, parity, _read_json(work, CARD_FIELDS_FILE)


def _write_json(work, name, value):
    with open(os.path.join(work, name), "w", encoding="utf-8") as handle:
        json.dump(value, handle)


def _read_json(work, name):
    with open(os.path.join(work, name), encoding="utf-8") as handle:
        return json.load(handle)
