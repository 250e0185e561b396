"""Names, constants and helpers of the export directory and its card.

An export directory holds `saved_model/`, `generator.tflite` and
`model_card.json`, for a latent generator (`export_generator`), an
image-to-image translator (`export_translator`), a super-resolution
upscaler (`export_upscaler`) or a single-image sampler (a SinGAN's,
`export_singan`); the card's `kind` tells which. A StyleGAN2
export also holds its synthesis and mapping networks, each an export
directory of its own (`synthesis/`, `mapping/`). This module is
backend-neutral: it imports neither TensorFlow nor a Keras backend.
"""

import json
import os

from keras_gans.utils.validation import format_received

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
# An image-to-image translator's signature: `image` float32 (N, H, W, Ca)
# in [-1, 1] -> `images` float32 (N, H, W, Cb) in [-1, 1].
TRANSLATOR_INPUT_NAME = "image"
# A style-based generator (StyleGAN2) also takes `truncation` float32 (N,),
# psi per sample (an app passes one value by filling the batch). Its
# synthesis network takes `ws` float32 (N, num_ws, w_dim), the styles its
# mapping network returns (as an output named `ws`).
TRUNCATION_NAME = "truncation"
WS_NAME = "ws"
# A single-image sampler (SinGAN) takes `noise` float32 (N, H, W, 3 *
# scales), a standard-normal map of the output's size (free H and W), and
# returns `images` float32 (N, H, W, 3).
NOISE_NAME = "noise"
# The card's `kind`: what the exported network maps from and to.
GENERATOR_KIND = "generator"
TRANSLATOR_KIND = "translator"
UPSCALER_KIND = "upscaler"
SYNTHESIS_KIND = "synthesis"
MAPPING_KIND = "mapping"
SAMPLER_KIND = "sampler"
# SavedModel variable collection holding num_classes (conditional only), so
# a SavedModel describes itself without its model card.
NUM_CLASSES_COLLECTION = "keras_gans_num_classes"
# ... and an upscaler's integer scale factor.
SCALE_COLLECTION = "keras_gans_scale"
VALUE_RANGE = (-1.0, 1.0)

# Parity check: the latents `AdversarialModel.latents_for(8, seed=0)` draws
# (and, for conditional generators, the labels `labels_for(8)`).
PARITY_COUNT = 8
PARITY_SEED = 0
# ... at these truncations, cycled over the samples (a generator with a
# truncation input): psi = 1 and a truncated one, so both are verified.
PARITY_TRUNCATION = (1.0, 0.5)
FLOAT32_TOLERANCE = 1e-4
# Translators: `TRANSLATOR_PARITY_COUNT` images drawn uniformly in [-1, 1]
# by `numpy.random.default_rng(PARITY_SEED)`, unless the caller gives some.
TRANSLATOR_PARITY_COUNT = 4

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


def card_describing(export_dir, artifact_name):
    """The card of `export_dir` if it lists the file `artifact_name`.

    A card next to a renamed or foreign file describes another model, so
    it is only used when its `files` name this artifact.
    """
    card = read_card(export_dir)
    if card is None:
        return None
    names = {entry.get("path") for entry in card.get("files", {}).values()}
    return card if artifact_name in names else None


def locate_artifact(path, what="generator artifact"):
    """Resolves an artifact path to `(format, file_or_dir, export_dir)`.

    `format` is `"saved_model"` (a SavedModel directory, or an export
    directory holding `saved_model/`), `"keras"` or `"tflite"`;
    `export_dir` is the folder whose `model_card.json` may describe it.

    Args:
        path: the path given by the user.
        what: how error messages name the expected artifact.

    Raises:
        FileNotFoundError: if `path` does not exist.
        ValueError: if `path` is none of the recognised formats.
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(
            f"No {what} at this path. " + format_received(path=path)
        )
    if os.path.isdir(path):
        if os.path.isfile(os.path.join(path, "saved_model.pb")):
            return "saved_model", path, os.path.dirname(os.path.abspath(path))
        inner = os.path.join(path, SAVED_MODEL_DIR)
        if os.path.isfile(os.path.join(inner, "saved_model.pb")):
            return "saved_model", inner, path
    elif path.endswith(".keras"):
        return "keras", path, None
    elif path.endswith(".tflite"):
        return "tflite", path, os.path.dirname(os.path.abspath(path))
    article = "An" if what[0] in "aeiou" else "A"
    raise ValueError(
        f"{article} {what} is a .keras file, a SavedModel directory, an "
        "export directory containing saved_model/, or a .tflite file. "
        + format_received(path=path)
    )
