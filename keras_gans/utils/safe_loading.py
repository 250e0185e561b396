"""Loading `.keras` files without running code stored in them.

A `.keras` file is a zip of `config.json` (the architecture), the weights
(HDF5) and `metadata.json`: no pickle. The one way it can carry code is a
`Lambda` layer (or a lambda passed as an activation, initializer, ...),
which Keras stores as Python bytecode and runs when the model is loaded
with `safe_mode=False`. Every `.keras` file keras-gans opens goes through
`load_keras_file`, which reads the configuration first and refuses such
files, whatever `keras.config.enable_unsafe_deserialization()` says, then
loads with `safe_mode=True`.
"""

import json
import os
import zipfile

from keras_gans.utils.unsafe_model_file_error import UnsafeModelFileError
from keras_gans.utils.validation import format_received

# How Keras' serialization marks a function stored as bytecode.
_CODE_CLASS_NAMES = ("__lambda__",)


def load_keras_file(path, compile=False, name="path"):
    """Loads a `.keras` model with `safe_mode=True`, refusing stored code.

    Args:
        path: the `.keras` file.
        compile: restore the compile configuration (optimizers and their
            state) too, as for resuming training.
        name: the argument name error messages quote.

    Returns:
        The loaded Keras model.

    Raises:
        FileNotFoundError: if `path` is not a file.
        UnsafeModelFileError: (a `ValueError`) naming the file, if it
            stores Python code (a `Lambda` layer or a lambda).
        ValueError: naming the file, if it is not a `.keras` zip with a
            readable `config.json`, or if Keras fails to rebuild the model.

    Example:

    ```python
    gan = load_keras_file("runs/dcgan/final.keras", compile=True)
    ```
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(
            "No .keras file at this path. " + format_received(**{name: path})
        )
    code = _stored_code(_read_config(path, name))
    if code:
        raise UnsafeModelFileError(
            f"Refusing to load {path!r}: it stores Python code ({code}), "
            "which runs when the model is loaded. keras-gans loads .keras "
            "files with safe_mode=True only. Rebuild the model without "
            "Lambda layers (use a registered custom layer instead), or, if "
            "you trust the file, load it yourself with "
            "keras.saving.load_model(path, safe_mode=False). "
            + format_received(**{name: path})
        )
    import keras

    import keras_gans  # noqa: F401  (registers the model classes)

    try:
        return keras.saving.load_model(path, compile=compile, safe_mode=True)
    except Exception as error:  # noqa: BLE001 (corrupt or foreign files)
        raise ValueError(
            f"Could not load a Keras model from {path!r} ({error}). "
            + format_received(**{name: path})
        ) from error


def _read_config(path, name):
    try:
        with zipfile.ZipFile(path) as archive:
            with archive.open("config.json") as handle:
                return json.load(handle)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ValueError(
            f"{path!r} is not a readable .keras file (a zip holding "
            f"config.json): {error}. The file is truncated, corrupt or of "
            "another format. " + format_received(**{name: path})
        ) from error


def _stored_code(config):
    """A description of the first function stored as code, or `None`."""
    pending = [config]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            class_name = node.get("class_name")
            if class_name in _CODE_CLASS_NAMES:
                return "a Python lambda"
            if class_name == "Lambda":
                return f"a Lambda layer named {_layer_name(node)!r}"
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return None


def _layer_name(node):
    config = node.get("config")
    return config.get("name") if isinstance(config, dict) else None
