"""`export_translator`, `export_upscaler`: image-to-image networks exported.

Both kinds take an image batch and return one; they differ only in their
spec's kind and constants (an upscaler's output is `scale` times larger)
and in the card. One function, `export_image_network`, exports either.
"""

import json

import keras
import numpy as np

from keras_gans.export import artifact_kinds
from keras_gans.export import model_card
from keras_gans.export.artifact_spec import ArtifactSpec
from keras_gans.export.export_generator import check_card_values
from keras_gans.export.export_generator import check_quantize
from keras_gans.export.tensorflow_subprocess import exporter_for_backend
from keras_gans.export.tiled_upscale import RECEPTIVE_FIELD_CARD_KEY
from keras_gans.export.tiled_upscale import receptive_field
from keras_gans.export.input_checks import check_image_batch
from keras_gans.training.precision import float32_copy
from keras_gans.utils.free_size import free_size_copy
from keras_gans.utils.free_size import parity_size
from keras_gans.utils.free_size import smallest_size
from keras_gans.utils.validation import check_directory_arg
from keras_gans.utils.validation import format_received
from keras_gans.version import __version__

# A free-size export is also verified on this many images of a second size.
SECOND_SIZE_COUNT = 2
# Card entries the exporter itself writes after verification; `extra_card`
# may not override them (nor the descriptive fields of `_card_fields`).
_EXPORT_KEYS = (
    "quantize",
    "quantization",
    "files",
    "export_errors",
    "export_backend",
    "tensorflow_version",
    "free_dims",
    "size_multiple",
)


def export_translator(
    generator,
    directory,
    quantize=None,
    parity_images=None,
    dataset=None,
    epochs=None,
    steps=None,
    direction=None,
    extra_card=None,
    free_size=True,
):
    """Exports an image-to-image generator as SavedModel and TFLite.

    Writes into `directory`:

    - `saved_model/`: a TensorFlow SavedModel whose `serving_default`
      signature takes `image` float32 `(None, H, W, Ca)` in [-1, 1] and
      returns `images` float32 `(None, H, W, Cb)` in [-1, 1];
    - `generator.tflite`: the same signature converted for LiteRT, with a
      free batch size (the card's `files.tflite.inputs` records it);
    - `model_card.json`: `kind: "translator"`, the shapes, the direction,
      the training record and how faithful each artifact is.

    A fully convolutional network (a U-Net, a ResNet generator) is
    exported with free height and width (`free_size=True`): both files
    take images of any size that is a multiple of the product of the
    network's downsampling strides (the card's `size_multiple`, e.g. 64
    for a U-Net of depth 6), and other sizes are refused with an error
    naming that multiple (no padding: a padded image is not the same
    translation). The card records `free_dims`, and `input_shape` /
    `output_shape` hold `null` for the free dimensions.

    Both files are run on the parity images (for a free-size export, also
    on images of a second size, e.g. 128x192 for a network trained at
    64x64 whose multiple is 64) and compared with
    `generator(parity_images, training=False)` on the current backend: the
    SavedModel and a float32 TFLite file must be within 1e-4 (max abs
    error); a quantized file's error is measured and recorded. Files are
    verified in a staging folder before being moved into `directory`, so a
    failed export changes nothing there; in an existing directory the
    three artifacts are replaced and other files are kept. On JAX and
    torch the network is exported by a child process started with
    `KERAS_BACKEND=tensorflow`, as in `export_generator`; its layers must
    then be Keras or keras-gans layers (or registered by `import
    keras_gans`).

    Args:
        generator: a `keras.Model` with one image input `(N, H, W, Ca)` and
            one image output `(N, H, W, Cb)`, both in [-1, 1] (e.g. a U-Net
            or a CycleGAN ResNet generator).
        directory: export directory; created if missing.
        quantize: `None` (float32), `"float16"` (float16 weights) or
            `"int8"` (int8 weights, dynamic-range activations).
        parity_images: optional float32 images `(N, H, W, Ca)` in [-1, 1]
            for the parity check (e.g. held-out inputs). Default:
            `TRANSLATOR_PARITY_COUNT` (4) images drawn uniformly in [-1, 1]
            by `numpy.random.default_rng(0)`. Required when the network
            leaves its height or width free: they fix the exported size.
        dataset: optional name of the training data, recorded in the card.
        epochs: optional number of training epochs, recorded in the card.
        steps: optional number of generator updates, recorded in the card.
        direction: optional direction of the translation, e.g. `"A->B"`,
            recorded in the card.
        extra_card: optional dict of further card entries, JSON values
            (NumPy scalars and arrays are converted), e.g. `{"variant":
            "CycleGAN", "test_scores": {...}}`; it may not replace the
            entries the exporter writes.
        free_size: `True` exports a fully convolutional network with free
            height and width (a network that is not keeps its size);
            `False` pins the size of the parity images.

    Returns:
        The model card as a dict: `kind`, `direction`, `network`,
        `input_shape`, `output_shape`, `value_range`, `dataset`, `epochs`,
        `steps`, `trained_backend`, `keras_gans_version`, `signature`,
        `quantize`, `quantization`, `files` (paths and sizes in bytes),
        `export_errors` (`saved_model_max_abs_error`,
        `tflite_max_abs_error`, `images`), the `extra_card` entries, ...

    Raises:
        ValueError: if `generator` is not an image-to-image `keras.Model`,
            for invalid `quantize`, `parity_images`, `dataset`, `epochs`,
            `steps`, `direction` or `extra_card`, or if the network's
            outputs on the parity images are not finite.
        ExportParityError: if an export is not faithful (see above).

    Example:

    ```python
    card = keras_gans.export.export_translator(
        cyclegan.generator_ab, "saved_models/cyclegan/a2b",
        direction="A->B", dataset="mnist<->thick-mnist", epochs=5,
    )
    print(card["export_errors"]["tflite_max_abs_error"])
    ```
    """
    if direction is not None and not (
        isinstance(direction, str) and direction
    ):
        raise ValueError(
            "`direction` must be a non-empty string (e.g. 'A->B') or None. "
            + format_received(direction=direction)
        )
    return export_image_network(
        generator,
        directory,
        kind=artifact_kinds.TRANSLATOR,
        quantize=quantize,
        parity_images=parity_images,
        dataset=dataset,
        epochs=epochs,
        steps=steps,
        extra_card=extra_card,
        free_size=free_size,
        direction=direction,
    )


def export_upscaler(
    network,
    directory,
    quantize=None,
    parity_images=None,
    dataset=None,
    epochs=None,
    steps=None,
    extra_card=None,
    free_size=True,
):
    """Exports a super-resolution network as SavedModel and TFLite.

    The same export as `export_translator` (see there: files, free sizes,
    parity at two sizes, staging, child process on JAX and torch), for a
    network mapping low-resolution images `(N, h, w, C)` in [-1, 1] to
    images `(N, scale * h, scale * w, C)`: the signature takes `image`
    and returns `images`, the card's `kind` is `"upscaler"` and records
    `scale` and `receptive_field` (`tiled_upscale.receptive_field`: the
    radius in LR pixels of the inputs one output pixel depends on, the
    overlap `keras-gans upscale` tiles with; `null` when the network has
    layers it cannot analyse), and the SavedModel keeps `scale` so it
    describes itself. A
    network built on `(None, None, C)` inputs (the usual SRGAN / ESRGAN
    generator) is exported with free height and width and verified on
    4 images of 16x16 and 2 of a second size, unless `parity_images` are
    given.

    Args:
        network: a functional `keras.Model` with one image input and one
            image output an integer factor >= 2 larger in both dimensions.
        directory: export directory; created if missing.
        quantize: `None`, `"float16"` or `"int8"` (as `export_generator`).
        parity_images: optional float32 low-resolution images in [-1, 1].
        dataset: optional name of the training data, recorded in the card.
        epochs: optional number of training epochs, recorded in the card.
        steps: optional number of generator updates, recorded in the card.
        extra_card: optional dict of further card entries (JSON values).
        free_size: `False` pins the size of the parity images.

    Returns:
        The model card as a dict (see `export_translator`), with `scale`
        and `receptive_field`.

    Raises:
        ValueError: if `network` is not an image network whose output is
            an integer factor >= 2 larger than its input, or for invalid
            arguments.
        ExportParityError: if an export is not faithful.

    Example:

    ```python
    card = keras_gans.export.export_upscaler(srgan.generator, "exports/sr")
    upscaler = keras_gans.export.load_artifact("exports/sr")
    big = upscaler(small)  # any (N, h, w, 3) -> (N, 4h, 4w, 3)
    ```
    """
    return export_image_network(
        network,
        directory,
        kind=artifact_kinds.UPSCALER,
        quantize=quantize,
        parity_images=parity_images,
        dataset=dataset,
        epochs=epochs,
        steps=steps,
        extra_card=extra_card,
        free_size=free_size,
    )


def export_image_network(
    generator,
    directory,
    kind,
    quantize=None,
    parity_images=None,
    dataset=None,
    epochs=None,
    steps=None,
    extra_card=None,
    free_size=True,
    direction=None,
):
    """Exports a network of an image-to-image kind (see `export_translator`).

    Args:
        generator: the network, one image input and one image output.
        directory: export directory.
        kind: `"translator"` or `"upscaler"`.
        quantize, parity_images, dataset, epochs, steps, extra_card,
            free_size, direction: as `export_translator`.

    Returns:
        The model card dict.
    """
    if kind not in (artifact_kinds.TRANSLATOR, artifact_kinds.UPSCALER):
        raise ValueError(
            "`kind` must be 'translator' or 'upscaler' (latent generators "
            "are exported by export_generator). " + format_received(kind=kind)
        )
    check_quantize(quantize)
    check_card_values(dataset, epochs, steps)
    directory = check_directory_arg("directory", directory)
    if not isinstance(free_size, bool):
        raise ValueError(
            "`free_size` must be True or False. "
            + format_received(free_size=free_size)
        )
    input_shape = translator_input_shape(generator)
    # TFLite has no bfloat16 kernels: a mixed-precision network is exported
    # (and its parity reference computed) as a float32 copy of its weights.
    generator = float32_copy(generator)
    multiple = None
    if free_size:
        generator, multiple = free_size_copy(generator)
    images, description = _parity_images(parity_images, input_shape, multiple)
    reference = _translate(generator, images)
    parity = [_parity_case(images, reference, description)]
    if multiple is not None:
        parity.append(_second_size_case(generator, images, multiple))
    spec = image_network_spec(kind, images, reference, multiple)
    card_fields = _card_fields(
        generator, spec, dataset, epochs, steps, direction
    )
    card_fields.update(_check_extra_card(extra_card, card_fields))
    export_and_verify = exporter_for_backend()
    return export_and_verify(
        generator,
        directory,
        spec=spec,
        parity=parity,
        card_fields=card_fields,
        quantize=quantize,
    )


def image_network_spec(kind, images, outputs, multiple=None):
    """The `ArtifactSpec` of an image network: `image` -> `images`.

    Args:
        kind: `"translator"`, or `"upscaler"` (whose outputs must be an
            integer factor >= 2 larger: the spec keeps it as `scale`).
        images: parity inputs `(N, H, W, Ca)`.
        outputs: the network's outputs for them `(N, H', W', Cb)`.
        multiple: for a free-size export, what height and width must be
            multiples of; `None` pins the parity images' size.
    """
    input_shape = tuple(images.shape[1:])
    output_shape = tuple(outputs.shape[1:])
    constants = {}
    if kind == artifact_kinds.UPSCALER:
        scale = artifact_kinds.upscale_factor(input_shape, output_shape)
        if scale is None:
            raise ValueError(
                "`network` must be an upscaler: its output must be an "
                "integer factor >= 2 larger than its input in height and "
                "width, with the same channels. For "
                f"{images.shape} it returned {outputs.shape}. "
                "Received: kind='upscaler'"
            )
        constants[model_card.SCALE_COLLECTION] = scale
    if multiple is not None:
        input_shape = (None, None, input_shape[2])
        output_shape = (None, None, output_shape[2])
    return ArtifactSpec(
        kind,
        [(model_card.TRANSLATOR_INPUT_NAME, "float32", input_shape)],
        output_shape=output_shape,
        size_multiple=multiple or 1,
        constants=constants,
    )


def _parity_case(images, reference, description):
    return {
        "feeds": {model_card.TRANSLATOR_INPUT_NAME: images},
        "reference": reference,
        "description": f"{len(images)} parity images "
        f"{images.shape[1]}x{images.shape[2]}",
        "card": {"images": description},
    }


def _second_size_case(generator, images, multiple):
    """Parity images of a second size: free dimensions must stay free."""
    height, width = parity_size(images.shape[1:3], multiple)
    shape = (SECOND_SIZE_COUNT, height, width, images.shape[3])
    rng = np.random.default_rng(model_card.PARITY_SEED + 1)
    second = rng.uniform(-1.0, 1.0, shape).astype("float32")
    description = (
        f"numpy.random.default_rng({model_card.PARITY_SEED + 1})"
        f".uniform(-1, 1, {shape})"
    )
    return _parity_case(second, _translate(generator, second), description)


def translator_input_shape(generator):
    """`(H, W, Ca)` of an image-to-image network (`None` for a free size).

    Raises:
        ValueError: unless `generator` is a `keras.Model` with one rank-4
            input and one rank-4 output.
    """
    inputs = outputs = None
    if isinstance(generator, keras.Model):
        try:
            inputs, outputs = generator.inputs, generator.outputs
        except (AttributeError, ValueError):
            pass  # a subclassed model that was never called symbolically
    if (
        not inputs
        or not outputs
        or len(inputs) != 1
        or len(outputs) != 1
        or len(inputs[0].shape) != 4
        or len(outputs[0].shape) != 4
        or inputs[0].shape[3] is None
    ):
        described = (
            f"a {type(generator).__name__} with inputs "
            f"{[tuple(t.shape) for t in inputs or ()]} and outputs "
            f"{[tuple(t.shape) for t in outputs or ()]}"
            if inputs
            else repr(generator)
        )
        raise ValueError(
            "`generator` must be a functional keras.Model mapping one image "
            "batch (N, H, W, Ca) to one image batch (N, H, W, Cb), e.g. a "
            "U-Net or ResNet generator. For a latent generator use "
            f"export_generator. Received: generator={described}"
        )
    return tuple(inputs[0].shape[1:])


def _parity_images(parity_images, input_shape, multiple):
    """`(images, description)`: the parity inputs and how the card says so."""
    if parity_images is not None:
        images = check_image_batch(
            parity_images, input_shape, name="parity_images"
        )
        return images, f"{len(images)} images given as parity_images"
    if None in input_shape and multiple is not None:
        # A network built free: parity at a size its strides allow.
        size = smallest_size(multiple)
        input_shape = tuple(size if d is None else d for d in input_shape)
    if None in input_shape:
        raise ValueError(
            f"The generator takes images of any height or width "
            f"(input shape {input_shape}): pass `parity_images` of the size "
            f"to export. " + format_received(parity_images=None)
        )
    shape = (model_card.TRANSLATOR_PARITY_COUNT, *input_shape)
    rng = np.random.default_rng(model_card.PARITY_SEED)
    images = rng.uniform(-1.0, 1.0, shape).astype("float32")
    description = (
        f"numpy.random.default_rng({model_card.PARITY_SEED})"
        f".uniform(-1, 1, {shape})"
    )
    return images, description


def _translate(generator, images):
    outputs = generator(keras.ops.convert_to_tensor(images), training=False)
    outputs = np.asarray(keras.ops.convert_to_numpy(outputs), "float32")
    if outputs.ndim != 4 or len(outputs) != len(images):
        raise ValueError(
            f"`generator` must return one image per input image; for "
            f"{images.shape} it returned {outputs.shape}. "
            + format_received(generator=generator.name)
        )
    if not np.all(np.isfinite(outputs)):
        raise ValueError(
            "`generator` returned non-finite values on the parity images; "
            "nothing to export faithfully. "
            + format_received(generator=generator.name)
        )
    return outputs


def _card_fields(generator, spec, dataset, epochs, steps, direction):
    (_, _, input_shape), = spec.inputs
    fields = {
        "format_version": model_card.CARD_FORMAT_VERSION,
        "kind": spec.kind,
        "direction": direction,
        "network": generator.name,
        "input_shape": list(input_shape),
        "output_shape": list(spec.output_shape),
        "value_range": list(model_card.VALUE_RANGE),
        "dataset": dataset,
        "epochs": None if epochs is None else int(epochs),
        "steps": None if steps is None else int(steps),
        "keras_version": keras.__version__,
        "keras_gans_version": __version__,
        "trained_backend": keras.backend.backend(),
        "reference_backend": keras.backend.backend(),
        **spec.card_fields(),
    }
    scale = spec.constants.get(model_card.SCALE_COLLECTION)
    if scale is not None:
        fields["scale"] = scale
    if spec.kind == artifact_kinds.UPSCALER:
        # The tile overlap that makes `keras-gans upscale` seamless (LR
        # pixels), or null for a network it cannot analyse.
        fields[RECEPTIVE_FIELD_CARD_KEY] = receptive_field(generator)
    return fields


def _check_extra_card(extra_card, card_fields):
    """Returns `extra_card` as plain JSON values, after checking it."""
    if extra_card is None:
        return {}
    if not isinstance(extra_card, dict) or not all(
        isinstance(key, str) for key in extra_card
    ):
        raise ValueError(
            "`extra_card` must be a dict with string keys, or None. "
            + format_received(extra_card=extra_card)
        )
    taken = sorted(set(extra_card) & (set(card_fields) | set(_EXPORT_KEYS)))
    if taken:
        raise ValueError(
            f"`extra_card` may not replace the card entries the exporter "
            f"writes ({', '.join(taken)}); use the matching arguments. "
            + format_received(extra_card=extra_card)
        )
    try:
        return json.loads(json.dumps(extra_card, default=_plain_value))
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"`extra_card` must hold JSON values (str, int, float, bool, "
            f"None, lists and dicts of them; NumPy scalars and arrays are "
            f"converted): {error}. " + format_received(extra_card=extra_card)
        ) from error


def _plain_value(value):
    """NumPy scalars and arrays as Python values (for `json.dumps`)."""
    if isinstance(value, (np.generic, np.ndarray)):
        return value.tolist()
    raise TypeError(
        f"Object of type {type(value).__name__} is not JSON serializable"
    )
