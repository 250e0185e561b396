"""`export_generator`: SavedModel + TFLite + model card, verified."""

import numbers
import os

import keras
import numpy as np

from keras_gans.export import model_card
from keras_gans.export.artifact_spec import ArtifactSpec
from keras_gans.export.tensorflow_subprocess import exporter_for_backend
from keras_gans.training.adversarial_model import AdversarialModel
from keras_gans.training.precision import float32_copy
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received
from keras_gans.version import __version__

QUANTIZE_MODES = (None, "float16", "int8")


def check_quantize(quantize):
    """Raises `ValueError` unless `quantize` is None, "float16" or "int8"."""
    # `isinstance` first: `in` on an unhashable or odd value must not raise.
    if quantize is not None and not (
        isinstance(quantize, str) and quantize in QUANTIZE_MODES
    ):
        raise ValueError(
            "`quantize` must be one of None, 'float16' or 'int8'. "
            + format_received(quantize=quantize)
        )
    return quantize


def export_generator(
    gan,
    directory,
    quantize=None,
    dataset=None,
    epochs=None,
    representative_latents=None,
):
    """Exports a GAN's sampling generator as SavedModel and TFLite.

    Writes into `directory`:

    - `saved_model/`: a TensorFlow SavedModel whose `serving_default`
      signature takes `latent` float32 `(None, latent_dim)` and returns
      `images` float32 `(None, H, W, C)` in [-1, 1]; a conditional
      generator's signature also takes `label` int32 `(None,)`, class ids
      in `[0, num_classes)`;
    - `generator.tflite`: the same signature converted for LiteRT;
    - `model_card.json`: what the model is and how faithful the export is
      (`num_classes` is `null` for unconditional generators).

    What is exported is the GAN's `GeneratorSampler` (`sampler_for(gan)`).
    A StyleGAN2's signature also takes `truncation` float32 `(None,)`, ψ
    per sample (an app passing one ψ fills the batch with it), verified
    at ψ = 1 and 0.5 alternately; its synthesis network (`ws` float32
    `(None, num_ws, w_dim)` -> `images`) and mapping network (`latent`,
    `truncation` -> `ws`) are exported and verified too, into
    `synthesis/` and `mapping/` (same files, own cards), and the card
    records `num_ws`, `w_dim`, `truncation` and `parts`.

    Both files are run on the parity latents `gan.latents_for(8, seed=0)`
    (and labels `gan.labels_for(8)` for a conditional generator) and
    compared with `gan.generate_from_latents` on the current backend.
    The SavedModel and a float32 TFLite file must be within 1e-4 (max abs
    error); a quantized file's error is measured and recorded. Files are
    verified in a staging folder before being moved into `directory`, so a
    failed export changes nothing there. In an existing directory the
    three artifacts are replaced and other files are kept.

    On the TensorFlow backend everything runs in this process. On JAX and
    torch the generator is saved to a temporary `.keras` file and exported
    by a child process started with `KERAS_BACKEND=tensorflow`; the
    reference images still come from this process (a cross-backend check).

    Args:
        gan: a `keras_gans.AdversarialModel`; its `sampling_generator` is
            exported. A `SinGAN` exports its noise sampler, a
            single-image sampler artifact (see `export_singan`).
        directory: export directory; created if missing.
        quantize: `None` (float32), `"float16"` (float16 weights), or
            `"int8"` (int8 weights with dynamic-range activations, or
            full-integer activations with float32 inputs/outputs when
            `representative_latents` is given).
        dataset: optional name of the training data, recorded in the card.
        epochs: optional number of training epochs, recorded in the card.
        representative_latents: only with `quantize="int8"`: calibration
            latents, either a float32 array `(N, latent_dim)` or an int N
            (N prior draws, seeded so they differ from the parity latents).
            A conditional generator is calibrated on the class-balanced
            labels `labels_for(N)`.

    Returns:
        The model card as a dict: `variant`, `latent_dim`, `num_classes`,
        `image_shape`, `value_range`, `dataset`, `epochs`, `steps`
        (generator updates),
        `quantize`, `quantization`, `files` (paths and sizes in bytes),
        `export_errors` (`saved_model_max_abs_error`,
        `tflite_max_abs_error`), `keras_version`, `trained_backend`, ...

    Raises:
        ValueError: for an invalid `quantize`, `dataset`, `epochs` or
            `representative_latents`, or if `gan` is not an
            `AdversarialModel`.
        ExportParityError: if an export is not faithful (see above).

    Example:

    ```python
    card = keras_gans.export.export_generator(
        gan, "saved_models/dcgan_mnist", dataset="mnist", epochs=20
    )
    print(card["export_errors"]["tflite_max_abs_error"])
    ```
    """
    return export_loaded_gan(
        gan,
        directory,
        quantize=quantize,
        dataset=dataset,
        epochs=epochs,
        representative_latents=representative_latents,
        trained_backend=keras.backend.backend(),
    )


def export_loaded_gan(
    gan,
    directory,
    quantize,
    dataset,
    epochs,
    representative_latents,
    trained_backend,
    sampler=None,
):
    """`export_generator`, recording `trained_backend` (`None`: unknown,
    for a GAN loaded from a `.keras` file); `sampler` is what exports
    (default: `sampler_for(gan)`)."""
    check_quantize(quantize)
    _check_gan(gan)
    check_card_values(dataset, epochs)
    sampler = sampler or sampler_for(gan)
    representative = sampler.representative(quantize, representative_latents)
    card_fields = _card_fields(gan, dataset, epochs, trained_backend)
    card_fields.update(sampler.card_fields())
    parts = sampler.parts(card_fields)
    os.makedirs(directory, exist_ok=True)
    export_and_verify = exporter_for_backend()
    return export_and_verify(
        sampler.network,
        directory,
        spec=sampler.spec(),
        parity=sampler.parity_cases(),
        card_fields=card_fields,
        quantize=quantize,
        calibration=sampler.calibration(representative),
        **({"parts": parts} if parts else {}),
    )


# The `GeneratorSampler` subclass of each model class that registered one.
_SAMPLERS = {}


def register_sampler(model_class):
    """Class decorator: `export_generator` exports `model_class` GANs (and
    their subclasses) with the decorated `GeneratorSampler` subclass, and
    `load_artifact` runs their `.keras` files with it.

    Example:

    ```python
    @register_sampler(StyleGAN2)
    class StyleGAN2Sampler(GeneratorSampler):
        ...
    ```
    """

    def register(sampler_class):
        _SAMPLERS[model_class] = sampler_class
        return sampler_class

    return register


def sampler_for(gan):
    """The `GeneratorSampler` of `gan`: the one registered for the closest
    class of its MRO, else the default."""
    return (_registered_sampler(gan) or GeneratorSampler)(gan)


def has_sampler(model):
    """Whether `export_generator` exports `model`: an `AdversarialModel`,
    or a model of a class with a registered sampler (a SinGAN)."""
    return isinstance(model, AdversarialModel) or (
        _registered_sampler(model) is not None
    )


def _registered_sampler(model):
    for cls in type(model).__mro__:
        if cls in _SAMPLERS:
            return _SAMPLERS[cls]
    return None


class GeneratorSampler:
    """What `export_generator` exports of a GAN: the one extension point.

    The default, for every `AdversarialModel`: the sampling generator (a
    float32 copy of a mixed-precision one), taking `latent` (and `label`)
    and verified against `gan.generate_from_latents` on the parity
    latents. A model whose exported network takes more inputs, or which
    exports further networks into subfolders of its export (StyleGAN2:
    `truncation`, and its synthesis and mapping networks), or another kind
    of network (a SinGAN's noise sampler, verified at two sizes), registers
    a subclass with `register_sampler(ModelClass)`; its `.keras` files then
    load (`load_artifact`) with the same signature.

    Args:
        gan: the `AdversarialModel`.
    """

    def __init__(self, gan):
        self.gan = gan
        self._generator = float32_copy(gan.sampling_generator)
        self._network = None

    @property
    def generator(self):
        """The sampling generator, as a float32 copy if it computes in
        mixed precision."""
        return self._generator

    @property
    def mixed_precision(self):
        """Whether `generator` is a float32 copy of the GAN's."""
        return self._generator is not self.gan.sampling_generator

    @property
    def network(self):
        """The Keras network to export (built once by `build_network`)."""
        if self._network is None:
            self._network = self.build_network()
        return self._network

    def build_network(self):
        return self.generator

    def spec(self):
        """The `ArtifactSpec` of the exported network."""
        return generator_spec(self.gan)

    def parity_feeds(self):
        """The parity inputs by name: `latents_for(8, seed=0)`, and
        `labels_for(8)` for a conditional generator."""
        gan = self.gan
        latents = gan.latents_for(
            model_card.PARITY_COUNT, seed=model_card.PARITY_SEED
        )
        feeds = {model_card.INPUT_NAME: np.asarray(latents, dtype="float32")}
        labels = gan.labels_for(model_card.PARITY_COUNT)
        if labels is not None:
            feeds[model_card.LABEL_NAME] = np.asarray(labels, dtype="int32")
        return feeds

    def run(self, feeds):
        """The Keras images of checked `feeds` (a `.keras` GAN's artifact
        runs this)."""
        latents = feeds[model_card.INPUT_NAME]
        if model_card.LABEL_NAME not in feeds:
            return self.gan.generate_from_latents(latents)
        return self.gan.generate_from_latents(
            latents, labels=feeds[model_card.LABEL_NAME]
        )

    def reference(self, feeds, network=None, run=None):
        """The parity reference of `feeds`: `run` (default `self.run`), or
        `network` (default the exported one) itself when the GAN computes
        in mixed precision (its float32 copy is what exports)."""
        if not self.mixed_precision:
            return np.asarray((run or self.run)(feeds), dtype="float32")
        network = network or self.network
        inputs = [feeds[name] for name in _input_names(network, feeds)]
        outputs = network(
            inputs[0] if len(inputs) == 1 else inputs, training=False
        )
        return np.asarray(keras.ops.convert_to_numpy(outputs), "float32")

    def parity_case(self):
        """The main network's parity case (see `export_and_verify`)."""
        feeds = self.parity_feeds()
        case = latent_parity_case(
            feeds[model_card.INPUT_NAME],
            feeds.get(model_card.LABEL_NAME),
            self.reference(feeds),
        )
        case["feeds"] = feeds
        return case

    def parity_cases(self):
        """Every parity case of the main network: `[parity_case()]` (a
        free-size network: one case per verified size)."""
        return [self.parity_case()]

    def representative(self, quantize, representative_latents):
        """The checked calibration inputs of `representative_latents` (an
        int N or an array), or `None`."""
        return _representative_latents(
            self.gan, quantize, representative_latents
        )

    def calibration(self, representative):
        """int8 calibration inputs by name (`None` without)."""
        return _calibration(self.gan, representative)

    def card_fields(self):
        """Card entries beyond the common ones (none by default)."""
        return {}

    def keras_card(self):
        """What an `Artifact` of the GAN's `.keras` file holds as its card
        (`None`: a `.keras` file has no model card)."""
        return None

    def parts(self, card_fields):
        """Further networks exported into subfolders of the export, as
        dicts with `name` (the subfolder), `network`, `spec`, `parity` and
        `card_fields` (given the main card's `card_fields`); none by
        default."""
        return []


def _input_names(network, feeds):
    """The feed names in the order of `network`'s inputs (by their names;
    the feeds' order when the network does not name them)."""
    names = [getattr(t, "name", None) for t in getattr(network, "inputs", [])]
    if names and all(name in feeds for name in names):
        return names
    return list(feeds)


def generator_spec(gan):
    """The `ArtifactSpec` of a GAN's sampling generator.

    `latent` float32 `(latent_dim,)`, and for a conditional generator
    `label` int32 `()` with the class count kept in the SavedModel; the
    output is `images` of the training shape.
    """
    inputs = [(model_card.INPUT_NAME, "float32", (int(gan.latent_dim),))]
    constants = {}
    if gan.uses_labels:
        inputs.append((model_card.LABEL_NAME, "int32", ()))
        constants[model_card.NUM_CLASSES_COLLECTION] = int(gan.num_classes)
    return ArtifactSpec(
        model_card.GENERATOR_KIND,
        inputs,
        output_shape=gan.image_shape,
        constants=constants,
    )


def latent_parity_case(latents, labels, reference):
    """A parity case of latents (and labels): feeds, reference, how the
    card and errors name them."""
    latent_dim = int(latents.shape[1])
    feeds = {model_card.INPUT_NAME: np.asarray(latents, dtype="float32")}
    card = {
        "latents": (
            f"numpy.random.default_rng({model_card.PARITY_SEED})"
            f".standard_normal(({model_card.PARITY_COUNT}, {latent_dim}))"
        )
    }
    if labels is not None:
        feeds[model_card.LABEL_NAME] = np.asarray(labels, dtype="int32")
        card["labels"] = [int(label) for label in labels]
    return {
        "feeds": feeds,
        "reference": reference,
        "description": f"{len(latents)} fixed latents",
        "card": card,
    }


def _calibration(gan, representative):
    """int8 calibration inputs by name; a conditional generator is
    calibrated on the class-balanced labels `labels_for(N)`."""
    if representative is None:
        return None
    calibration = {model_card.INPUT_NAME: representative}
    if gan.uses_labels:
        labels = gan.labels_for(len(representative))
        calibration[model_card.LABEL_NAME] = np.asarray(labels, "int32")
    return calibration


def _check_gan(gan):
    if not has_sampler(gan):
        raise ValueError(
            "`gan` must be a keras_gans.AdversarialModel (e.g. a DCGAN) or "
            "a model with a registered sampler (a SinGAN). "
            + format_received(gan=gan)
        )


def check_card_values(dataset, epochs, steps=None):
    """Validates the card's training record (`dataset`, `epochs`, `steps`).

    Raises:
        ValueError: unless `dataset` is a string or None and `epochs` and
            `steps` are non-negative integers or None.
    """
    if dataset is not None and not isinstance(dataset, str):
        raise ValueError(
            "`dataset` must be a string or None. "
            + format_received(dataset=dataset)
        )
    for name, value in (("epochs", epochs), ("steps", steps)):
        if value is not None and (
            isinstance(value, bool)
            or not isinstance(value, numbers.Integral)
            or value < 0
        ):
            raise ValueError(
                f"`{name}` must be a non-negative integer or None. "
                + format_received(**{name: value})
            )


def _representative_latents(gan, quantize, representative_latents):
    if representative_latents is None:
        return None
    if quantize != "int8":
        raise ValueError(
            "`representative_latents` calibrates int8 activations and needs "
            "quantize='int8'. "
            + format_received(
                quantize=quantize,
                representative_latents=_short(representative_latents),
            )
        )
    if isinstance(representative_latents, numbers.Integral) and not isinstance(
        representative_latents, bool
    ):
        count = check_positive_int(
            "representative_latents", representative_latents
        )
        # Another seed than the parity latents: calibrating on the test
        # inputs would understate the quantization error.
        return gan.latents_for(count, seed=model_card.PARITY_SEED + 1)
    latents = np.asarray(representative_latents, dtype="float32")
    if (
        latents.ndim != 2
        or latents.shape[1] != gan.latent_dim
        or not len(latents)
    ):
        raise ValueError(
            f"`representative_latents` must be an int or an array of shape "
            f"(N, {gan.latent_dim}) with N > 0. "
            + format_received(
                representative_latents=_short(representative_latents)
            )
        )
    return latents


def _short(value):
    if hasattr(value, "shape"):
        return f"array of shape {tuple(value.shape)}"
    return value


def _generator_steps(gan):
    try:
        optimizer = gan.g_optimizer
    except (AttributeError, KeyError):
        return 0  # not compiled: no generator update has happened
    return int(keras.ops.convert_to_numpy(optimizer.iterations))


def _card_fields(gan, dataset, epochs, trained_backend):
    """The common card entries; a latent generator's shapes are only
    recorded for an `AdversarialModel` (others: their sampler's
    `card_fields`)."""
    fields = {}
    if isinstance(gan, AdversarialModel):
        fields = {
            # The exported network is the EMA generator when this is set.
            "ema_decay": getattr(gan, "ema_decay", None),
            "latent_dim": int(gan.latent_dim),
            "num_classes": gan.num_classes,
            "image_shape": [int(d) for d in gan.image_shape],
        }
    return {
        **fields,
        "format_version": model_card.CARD_FORMAT_VERSION,
        "kind": model_card.GENERATOR_KIND,
        "variant": type(gan).__name__,
        "loss": getattr(getattr(gan, "gan_loss", None), "name", None),
        "value_range": list(model_card.VALUE_RANGE),
        "dataset": dataset,
        "epochs": None if epochs is None else int(epochs),
        "steps": _generator_steps(gan),
        "keras_version": keras.__version__,
        "keras_gans_version": __version__,
        "trained_backend": trained_backend,
        "reference_backend": keras.backend.backend(),
    }
