"""Names, constants and helpers of the export directory and its card.

An export directory holds `saved_model/`, `generator.tflite` and
`model_card.json`. This module is backend-neutral: it imports neither
TensorFlow nor a Keras backend.
"""

import json
import os

SAVED_MODEL_DIR = "saved_model"
TFLITE_FILE = "generator.tflite"
CARD_FILE = "model_card.json"
OWNED_NAMES = (SAVED_MODEL_DIR, TFLITE_FILE, CARD_FILE)

# The serving signature: one float32 input `latent` (N, latent_dim) and one
# float32 output `images` (N, H, W, C) in [-1, 1]. Conditional generators
# take a second input, `label` int32 (N,), class ids in [0, num_classes).
SIGNATURE_KEY = "serving_default"
INPUT_NAME = "latent"
LABEL_NAME = "label"
OUTPUT_NAME = "images"
# SavedModel variable collection holding num_classes (conditional only), so
# a SavedModel describes itself without its model card.
NUM_CLASSES_COLLECTION = "keras_gans_num_classes"
VALUE_RANGE = (-1.0, 1.0)

# Parity check: the latents `AdversarialModel.latents_for(8, seed=0)` draws
# (and, for conditional generators, the labels `labels_for(8)`).
PARITY_COUNT = 8
PARITY_SEED = 0
FLOAT32_TOLERANCE = 1e-4

CARD_FORMAT_VERSION = 1


def card_path(directory):
    """Path of the model card inside an export directory."""
    return os.path.join(directory, CARD_FILE)


def write_card(directory, card):
    """Writes `card` as indented JSON to `directory/model_card.json`."""
    with open(card_path(directory), "w", encoding="utf-8") as handle:
        json.dump(card, handle, indent=2, sort_keys=True)
        handle.write("\n")


def read_card(directory):
    """Returns the card dict of an export directory, or `None` if absent.

    Raises:
        ValueError: if the file exists but is not a JSON object.
    """
    path = card_path(directory)
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as handle:
        try:
            card = json.load(handle)
        except json.JSONDecodeError as error:
            raise ValueError(
                f"`{path}` is not valid JSON ({error})."
            ) from error
    if not isinstance(card, dict):
        raise ValueError(
            f"`{path}` must hold a JSON object. Received: {type(card).__name__}"
        )
    return card


def size_in_bytes(path):
    """Size of a file, or the total size of the files under a directory."""
    if os.path.isfile(path):
        return os.path.getsize(path)
    total = 0
    for root, _, files in os.walk(path):
        total += sum(os.path.getsize(os.path.join(root, f)) for f in files)
    return total
