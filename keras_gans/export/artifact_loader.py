"""`load_artifact`: one loader for every exported format and kind."""

import os

import numpy as np

from keras_gans.export import artifact_kinds
from keras_gans.export import model_card
from keras_gans.export.artifact import Artifact
from keras_gans.export.artifact_spec import ArtifactSpec
from keras_gans.utils.free_size import size_multiple
from keras_gans.utils.free_size import smallest_size
from keras_gans.utils.safe_loading import load_keras_file
from keras_gans.utils.validation import format_received


def load_artifact(path, kind=None):
    """Loads an exported network of any kind from any format.

    `path` may be a `.keras` file (a keras-gans model, or a plain Keras
    network), a SavedModel directory, an export directory written by
    `export_generator`, `export_translator` or `export_upscaler` (its
    `saved_model/` is used), or a `.tflite` file. The signature (names,
    dtypes, shapes, free sizes) always comes from the model itself; the
    kind comes from the `model_card.json` of the export directory when
    there is one that lists this file (it is then attached as
    `artifact.card` and cross-checked), else from the signature: a latent
    batch (and labels, and a StyleGAN2's `truncation`) -> a generator;
    one image batch -> an upscaler when the output is an integer multiple
    of the input size (or the SavedModel stores a scale), a translator
    otherwise; `ws` styles -> a StyleGAN2 synthesis network; latents and
    `truncation` -> `ws` styles: a StyleGAN2 mapping network (a StyleGAN2
    export holds these two in its `synthesis/` and `mapping/` folders);
    one `noise` map -> a single-image sampler (a SinGAN's export).

    Args:
        path: the artifact's path.
        kind: optional kind the caller needs (`"generator"`,
            `"translator"`, `"upscaler"`, `"synthesis"`, `"mapping"` or
            `"sampler"`), or a tuple of kinds it takes; another kind is an
            error.

    Returns:
        An `Artifact`.

    Raises:
        FileNotFoundError: if `path` does not exist.
        ValueError: if `path` is not a recognised artifact, is of another
            `kind` than asked for, or disagrees with its model card.

    Example:

    ```python
    generator = load_artifact("exports/dcgan/generator.tflite")
    images = generator.sample(16, seed=0)
    upscaler = load_artifact("exports/srgan", kind="upscaler")
    big = upscaler(small)  # (N, h, w, 3) -> (N, 4h, 4w, 3)
    ```
    """
    kinds = _wanted_kinds(kind)
    what = "artifact" if kinds is None else f"{' or '.join(kinds)} artifact"
    file_format, path, export_dir = model_card.locate_artifact(path, what)
    card = None
    if export_dir is not None:
        card = model_card.card_describing(
            export_dir, os.path.basename(os.path.abspath(path))
        )
    _check_card_kind(card, path, kinds)
    load = {
        "keras": _load_keras,
        "saved_model": _load_saved_model,
        "tflite": _load_tflite,
    }[file_format]
    artifact = load(path, card, kinds)
    if kinds is not None and artifact.kind not in kinds:
        raise artifact_kinds.wrong_kind_error(
            path, artifact.kind, kinds, f"its signature {artifact.spec!r}"
        )
    return _check_against_card(artifact)


def _wanted_kinds(kind):
    """`None`, or the kinds a caller takes as a tuple (checked)."""
    if kind is None:
        return None
    if isinstance(kind, (tuple, list)) and kind:
        return tuple(artifact_kinds.check_kind(k) for k in kind)
    return (artifact_kinds.check_kind(kind),)


def load_generator_artifact(path):
    """`load_artifact(path, kind="generator")`: latents (and labels) in.

    Example:

    ```python
    cgan = load_generator_artifact("exports/cgan")
    sevens = cgan.sample(16, seed=0, labels=7)
    ```
    """
    return load_artifact(path, kind=artifact_kinds.GENERATOR)


def load_translator_artifact(path):
    """`load_artifact(path, kind="translator")`: images in, images out.

    Example:

    ```python
    to_b = load_translator_artifact("saved_models/cyclegan/a2b")
    fakes_b = to_b(images_a)  # float32 (N, H, W, Ca) in [-1, 1]
    ```
    """
    return load_artifact(path, kind=artifact_kinds.TRANSLATOR)


def load_upscaler_artifact(path):
    """`load_artifact(path, kind="upscaler")`: small images in, large out.

    Example:

    ```python
    upscaler = load_upscaler_artifact("exports/srgan/generator.tflite")
    big = upscaler(small)  # (N, h, w, 3) in [-1, 1] -> (N, 4h, 4w, 3)
    ```
    """
    return load_artifact(path, kind=artifact_kinds.UPSCALER)


def load_sampler_artifact(path):
    """`load_artifact(path, kind="sampler")`: a noise map in, images out.

    Example:

    ```python
    sampler = load_sampler_artifact("exports/singan")
    images = sampler.sample(4, seed=0, scale_w=2.0)  # twice as wide
    ```
    """
    return load_artifact(path, kind=artifact_kinds.SAMPLER)


def _check_card_kind(card, path, kinds):
    # Cards written before translators existed have no `kind`: generators.
    found = None if card is None else card.get("kind", model_card.GENERATOR_KIND)
    if found is not None and found not in artifact_kinds.KINDS:
        raise ValueError(
            f"`{path}` has a model card of an unknown kind {found!r}: this "
            f"keras-gans loads {sorted(artifact_kinds.KINDS)}. "
            + format_received(path=path)
        )
    if kinds is not None and found is not None and found not in kinds:
        raise artifact_kinds.wrong_kind_error(
            path, found, kinds, f"its model card says {found!r}"
        )


def _make_spec(
    path,
    inputs,
    output_shape,
    card,
    constants,
    kinds,
    size_multiple=None,
    output_name=model_card.OUTPUT_NAME,
):
    """The `ArtifactSpec` of a loaded signature; its kind as described."""
    found = None if card is None else card.get("kind", model_card.GENERATOR_KIND)
    found = found or artifact_kinds.kind_of_signature(
        inputs, output_shape, constants
    )
    if found is None:
        wanted = _wanted_text(kinds)
        raise ValueError(
            f"`{path}` is not a keras-gans artifact: it takes "
            f"{_inputs_text(inputs)} and returns (N, "
            f"{', '.join('?' if d is None else str(d) for d in output_shape)})"
            f"; expected {wanted}. " + format_received(path=path)
        )
    if size_multiple is None:
        size_multiple = (card or {}).get("size_multiple") or 1
    if found == artifact_kinds.UPSCALER:
        constants = dict(constants)
        # A fixed-size network shows its scale in its shapes.
        constants[model_card.SCALE_COLLECTION] = (
            constants.get(model_card.SCALE_COLLECTION)
            or (card or {}).get("scale")
            or artifact_kinds.upscale_factor(inputs[0][2], output_shape)
        )
    return ArtifactSpec(
        found,
        inputs,
        output_shape,
        size_multiple=size_multiple,
        constants={k: v for k, v in constants.items() if v is not None},
        output_name=output_name,
    )


def _wanted_text(kinds):
    """The kinds a caller takes, described, for "not an artifact" errors."""
    if kinds is None:
        return artifact_kinds.kinds_text()
    return " or ".join(artifact_kinds.describe(kind) for kind in kinds)


def _inputs_text(inputs):
    return ", ".join(
        f"{name} {dtype} (N, {', '.join('?' if d is None else str(d) for d in shape)})"
        for name, dtype, shape in inputs
    )


def _card_constants(card):
    """The constants a `.tflite` file cannot store, from its card."""
    if card is None:
        return {}
    return {
        model_card.NUM_CLASSES_COLLECTION: card.get("num_classes"),
        model_card.SCALE_COLLECTION: card.get("scale"),
    }


def _check_against_card(artifact):
    card = artifact.card
    if card is None:
        return artifact
    names = artifact_kinds.KINDS[artifact.kind]["card_checks"]
    expected = {name: _plain(card.get(name)) for name in names}
    found = {name: _plain(getattr(artifact, name)) for name in names}
    if expected != found:
        said = ", ".join(f"{name}={expected[name]}" for name in names)
        has = ", ".join(f"{name}={found[name]}" for name in names)
        raise ValueError(
            f"`{artifact.path}` does not match the model_card.json next to "
            f"it: the card says {said}; the model has {has}. "
            + format_received(path=artifact.path)
        )
    return artifact


def _plain(value):
    return tuple(value) if isinstance(value, (list, tuple)) else value


def _load_tflite(path, card, kinds):
    from keras_gans.export.litert_runner import LiteRTRunner

    runner = LiteRTRunner(
        path, what=" or ".join(kinds) if kinds else "keras-gans"
    )
    spec = _make_spec(
        path, runner.inputs, runner.output_shape, card, _card_constants(card),
        kinds, output_name=runner.output_name,
    )
    return Artifact(runner, spec, "tflite", path, card)


def _load_saved_model(path, card, kinds):
    import tensorflow as tf

    loaded = tf.saved_model.load(path)
    signature = loaded.signatures.get(model_card.SIGNATURE_KEY)
    if signature is None:
        raise ValueError(
            f"`{path}` has no {model_card.SIGNATURE_KEY!r} signature. Found "
            f"signatures {sorted(loaded.signatures.keys())}. "
            + format_received(path=path)
        )
    specs = signature.structured_input_signature[1]
    inputs = sorted(
        (
            (name, spec.dtype.name, tuple(spec.shape[1:]))
            for name, spec in specs.items()
        ),
        key=artifact_kinds.input_order,
    )
    outputs = signature.structured_outputs
    output_name = (
        model_card.OUTPUT_NAME
        if model_card.OUTPUT_NAME in outputs or len(outputs) != 1
        else next(iter(outputs))
    )
    if model_card.OUTPUT_NAME not in outputs and model_card.WS_NAME in outputs:
        output_name = model_card.WS_NAME
    rank = outputs[output_name].shape.rank if output_name in outputs else None
    if rank != 4 and not (output_name == model_card.WS_NAME and rank == 3):
        raise ValueError(
            f"`{path}` is not a keras-gans SavedModel: it returns one rank-4 "
            f"image batch (or one named {model_card.OUTPUT_NAME!r}; a "
            f"StyleGAN2 mapping network: rank-3 {model_card.WS_NAME!r}). "
            f"Found inputs {specs} and outputs {outputs}. "
            + format_received(path=path)
        )
    constants = _card_constants(card)
    for name in (model_card.NUM_CLASSES_COLLECTION, model_card.SCALE_COLLECTION):
        collection = getattr(loaded, name, None)
        if collection:
            constants[name] = int(collection[0].numpy())
    spec = _make_spec(
        path, inputs, tuple(outputs[output_name].shape[1:]), card, constants,
        kinds,
        # Image outputs are `images` in the spec, whatever the file says.
        output_name=output_name if rank == 3 else model_card.OUTPUT_NAME,
    )

    def run(feeds):
        tensors = {name: tf.constant(value) for name, value in feeds.items()}
        return signature(**tensors)[output_name].numpy()

    return Artifact(run, spec, "saved_model", path, card)


def _load_keras(path, card, kinds):
    import keras

    import keras_gans  # noqa: F401  (registers the model classes)
    from keras_gans.export.export_generator import has_sampler
    from keras_gans.training.two_player_model import TwoPlayerModel

    model = load_keras_file(path, compile=False)
    if has_sampler(model):
        return _keras_gan_artifact(model, path, kinds)
    if isinstance(model, TwoPlayerModel):
        raise _whole_model_error(model, path)
    inputs, outputs = _keras_signature(model)
    if not inputs or len(outputs) != 1:
        raise _not_a_network_error(model, path, kinds)
    names = [name for name, _, _ in inputs]
    multiple = size_multiple(model) if _free_image(inputs) else 1
    try:
        spec = _make_spec(
            path,
            inputs,
            tuple(outputs[0].shape[1:]),
            None,
            {
                model_card.NUM_CLASSES_COLLECTION: _label_classes(model)
                if model_card.LABEL_NAME in names
                else None,
                model_card.SCALE_COLLECTION: _probed_scale(
                    model, inputs, multiple
                ),
            },
            kinds,
            size_multiple=multiple,
        )
    except ValueError:
        raise _not_a_network_error(model, path, kinds) from None

    def run(feeds):
        tensors = [keras.ops.convert_to_tensor(feeds[name]) for name in names]
        outputs = model(tensors[0] if len(tensors) == 1 else tensors,
                        training=False)
        return np.asarray(keras.ops.convert_to_numpy(outputs))

    return Artifact(run, spec, "keras", path)


def _keras_signature(model):
    """`(inputs as (name, dtype, shape) triples, output tensors)`."""
    try:
        tensors = getattr(model, "inputs", None) or ()
        outputs = getattr(model, "outputs", None) or ()
    except (AttributeError, ValueError):
        return [], ()  # a subclassed model never called symbolically
    inputs = [
        (_keras_input_name(t), t.dtype, tuple(t.shape[1:])) for t in tensors
    ]
    return inputs, outputs


def image_network_kind(model):
    """`"translator"` or `"upscaler"` for a Keras image network, else None.

    An upscaler's output is an integer factor larger than its input; a
    network built on free sizes shows it at one probed size.
    """
    inputs, outputs = _keras_signature(model)
    if len(inputs) != 1 or len(inputs[0][2]) != 3 or len(outputs) != 1:
        return None
    multiple = size_multiple(model) if _free_image(inputs) else 1
    scale = _probed_scale(model, inputs, multiple)
    kind = artifact_kinds.kind_of_signature(
        inputs,
        tuple(outputs[0].shape[1:]),
        {model_card.SCALE_COLLECTION: scale},
    )
    return kind if kind != artifact_kinds.GENERATOR else None


def _keras_gan_artifact(model, path, kinds):
    """A whole keras-gans GAN saved as `.keras`: its sampling generator
    (a SinGAN: its noise sampler), with the signature its export has
    (`sampler_for(model)`)."""
    from keras_gans.export.export_generator import sampler_for

    sampler = sampler_for(model)
    spec = sampler.spec()
    if kinds is not None and spec.kind not in kinds:
        raise _whole_model_error(model, path)
    return Artifact(sampler.run, spec, "keras", path, sampler.keras_card())


def _whole_model_error(model, path):
    return ValueError(
        f"`{path}` holds a whole {type(model).__name__} model, not one "
        "exported network: load its export directory, or save the network "
        "itself (e.g. `model.translator('a_to_b').save(...)`). "
        + format_received(path=path)
    )


def _not_a_network_error(model, path, kinds):
    shapes = [tuple(t.shape) for t in getattr(model, "inputs", None) or ()]
    outputs = [tuple(t.shape) for t in getattr(model, "outputs", None) or ()]
    wanted = _wanted_text(kinds)
    return ValueError(
        f"`{path}` is neither a keras-gans model nor one exportable network "
        f"({wanted}). Found a {type(model).__name__} with inputs {shapes} "
        f"and outputs {outputs}. " + format_received(path=path)
    )


def _free_image(inputs):
    return len(inputs) == 1 and len(inputs[0][2]) == 3 and None in inputs[0][2][:2]


def _probed_scale(model, inputs, multiple):
    """The scale of a free-size image network, from its output at one size.

    A network built on `(None, None, C)` inputs does not show its output
    size; one symbolic call at an allowed size does (no computation).
    """
    if not _free_image(inputs):
        return None
    import keras

    size = smallest_size(multiple)
    probe = keras.KerasTensor((1, size, size, inputs[0][2][2]))
    try:
        output = model.compute_output_spec(probe)
    except Exception:  # noqa: BLE001 - any failure: the scale is unknown
        return None
    shape = tuple(getattr(output, "shape", ()))[1:]
    if len(shape) != 3:
        return None
    return artifact_kinds.upscale_factor((size, size, shape[2]), shape)


def _keras_input_name(tensor):
    """The signature name of a Keras network input, by its role."""
    rank = len(tensor.shape) - 1
    if rank == 0:
        return model_card.LABEL_NAME
    if rank == 1:
        return model_card.INPUT_NAME
    return model_card.TRANSLATOR_INPUT_NAME


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
