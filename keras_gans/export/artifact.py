"""`Artifact`: any exported network, loaded, as a NumPy callable."""

import numpy as np

from keras_gans.export import model_card
from keras_gans.export.artifact_kinds import GENERATOR
from keras_gans.export.artifact_kinds import KINDS
from keras_gans.export.artifact_kinds import SAMPLER
from keras_gans.export.input_checks import check_image_batch
from keras_gans.export.input_checks import check_latent_batch
from keras_gans.export.input_checks import check_noise_batch
from keras_gans.export.input_checks import check_style_batch
from keras_gans.export.input_checks import check_truncation_batch
from keras_gans.models.singan.singan_pyramid import sampler_output_size
from keras_gans.utils.labels import check_labels
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received

# How the arguments of `__call__` are named after the signature inputs.
_ARGUMENT_NAMES = {
    model_card.INPUT_NAME: "latents",
    model_card.LABEL_NAME: "labels",
    model_card.TRANSLATOR_INPUT_NAME: "images",
    model_card.TRUNCATION_NAME: "truncation",
    model_card.WS_NAME: "ws",
    model_card.NOISE_NAME: "noise",
}
# Inputs with a default, filled in once the batch size is known.
_DEFAULTED = (model_card.LABEL_NAME, model_card.TRUNCATION_NAME)


class Artifact:
    """A network loaded from `.keras`, SavedModel or `.tflite`, of any kind.

    Created by `keras_gans.export.load_artifact`. Every format and kind
    behaves the same way: call it on NumPy batches, one per signature
    input in the order of `spec.inputs` (positionally, or by argument
    name: `latents`, `labels`, `truncation`, `images`, `ws`, `noise`), and
    get a float32 NumPy batch of images in [-1, 1] (a mapping network:
    styles).
    The inputs are checked against the `spec` before anything runs:
    shapes, free sizes (multiples of `size_multiple`), image value range
    [-1, 1], class labels in `[0, num_classes)`, truncation >= 0.

    - A latent **generator** takes latents `(N, latent_dim)`; a
      conditional one also takes labels `(N,)`, defaulting to the
      class-balanced `labels_for(N)` (as `AdversarialModel.generate`).
      `sample(n, seed)` draws the latents `gan.latents_for(n, seed)` would.
    - A **translator** takes images `(N, H, W, Ca)` and returns
      `(N, H, W, Cb)`; a free-size export takes any size that is a
      multiple of `size_multiple`.
    - An **upscaler** takes low-resolution images `(N, h, w, C)` and
      returns `(N, scale * h, scale * w, C)`.
    - A StyleGAN2 **generator** also takes `truncation` ψ, one value or
      one per sample (default 1: untruncated); its export's **mapping**
      network (`synthesis/`, `mapping/` in the export directory) maps
      latents (labels) and truncation to styles `ws` `(N, num_ws,
      w_dim)`, its **synthesis** network `ws` to images, so styles can be
      mixed and edited between the two.
    - A **sampler** (a SinGAN's) takes `noise` `(N, H, W, noise_channels)`,
      a standard-normal map of the output's size (any size), and returns
      `(N, H, W, 3)`. `sample(n, seed, size=(h, w))` (or `scale_h=`,
      `scale_w=`, relative to `training_size`) draws the map with NumPy
      (`noise_for`); the same map gives the same images as
      `model.sample_from_noise(noise)`.

    Args:
        run: callable mapping `{input name: array}` (already checked and
            of the signature's dtypes) to the output batch.
        spec: the `ArtifactSpec` of the signature.
        format: `"keras"`, `"saved_model"` or `"tflite"`.
        path: the path it was loaded from.
        card: the export's model card dict, or `None` (a SinGAN's `.keras`
            file: the card entries its export would have).

    Example:

    ```python
    generator = keras_gans.export.load_artifact("exports/cgan")
    sevens = generator.sample(16, seed=0, labels=7)
    to_photo = keras_gans.export.load_artifact("exports/edges2photo")
    photos = to_photo(edges)  # (N, H, W, 1) in [-1, 1] -> (N, H, W, 3)
    to_photo.kind, to_photo.format  # "translator", "tflite"
    ```
    """

    def __init__(self, run, spec, format, path, card=None):
        self._run = run
        self.spec = spec
        self.format = format
        self.path = str(path)
        self.card = card

    @property
    def kind(self):
        """`"generator"`, `"translator"`, `"upscaler"`, `"synthesis"`,
        `"mapping"` or `"sampler"` (`spec.kind`)."""
        return self.spec.kind

    @property
    def noise_channels(self):
        """Channels of a sampler's noise map (3 per scale), else `None`."""
        shape = self._input_shape(model_card.NOISE_NAME)
        return None if shape is None else shape[2]

    @property
    def training_size(self):
        """`(height, width)` a sampler was trained at (its card's), or
        `None` (another kind, or no card)."""
        size = (self.card or {}).get("training_size")
        if self.kind != SAMPLER or size is None:
            return None
        return tuple(int(side) for side in size)

    @property
    def conditional(self):
        """Whether the network takes class labels."""
        return model_card.LABEL_NAME in self.spec.input_names

    @property
    def num_classes(self):
        """Class count of a conditional generator; `None` if unknown."""
        return self.spec.constants.get(model_card.NUM_CLASSES_COLLECTION)

    @property
    def takes_truncation(self):
        """Whether the network takes `truncation` (a StyleGAN2's ψ)."""
        return model_card.TRUNCATION_NAME in self.spec.input_names

    @property
    def num_ws(self):
        """Styles per image of a synthesis or mapping network, else `None`."""
        shape = self._styles_shape()
        return None if shape is None else shape[0]

    @property
    def w_dim(self):
        """Size of each style of a synthesis or mapping network, else
        `None`."""
        shape = self._styles_shape()
        return None if shape is None else shape[1]

    def _styles_shape(self):
        shape = self._input_shape(model_card.WS_NAME)
        if shape is None and self.spec.output_name == model_card.WS_NAME:
            shape = self.spec.output_shape
        return shape

    @property
    def latent_dim(self):
        """Latent size of a generator; `None` for other kinds."""
        shape = self._input_shape(model_card.INPUT_NAME)
        return None if shape is None else shape[0]

    @property
    def input_shape(self):
        """Shape of one input of the first input (`None` = free size)."""
        return self.spec.inputs[0][2]

    @property
    def output_shape(self):
        """`(H, W, C)` of one output image (`None` = free size)."""
        return self.spec.output_shape

    @property
    def image_shape(self):
        """`(H, W, C)` of one output image (alias of `output_shape`)."""
        return self.spec.output_shape

    @property
    def size_multiple(self):
        """What a free input height or width must be a multiple of."""
        return self.spec.size_multiple

    @property
    def scale(self):
        """An upscaler's scale factor; `None` for other kinds."""
        return self.spec.constants.get(model_card.SCALE_COLLECTION)

    @property
    def direction(self):
        """The card's direction of a translator (e.g. `"A->B"`), or `None`."""
        return None if self.card is None else self.card.get("direction")

    def __call__(self, *inputs, **named):
        """The output batch for one batch per input, as float32 NumPy.

        Raises:
            ValueError: for a missing, extra or malformed input, naming the
                argument and the value received.
        """
        values = self._bind(inputs, named)
        feeds = {}
        count = None
        for name, _, shape in self.spec.inputs:
            argument = _ARGUMENT_NAMES.get(name, name)
            if name in _DEFAULTED:
                continue  # checked once the batch size is known
            feeds[name] = self._check(name, argument, shape, values[argument])
            count = len(feeds[name]) if count is None else count
        if self.conditional:
            feeds[model_card.LABEL_NAME] = self.labels_for(
                count, values.get("labels")
            )
        if self.takes_truncation:
            feeds[model_card.TRUNCATION_NAME] = self.truncation_for(
                count, values.get("truncation")
            )
        return np.asarray(self._run(feeds), dtype="float32")

    def _bind(self, inputs, named):
        arguments = [_ARGUMENT_NAMES.get(n, n) for n in self.spec.input_names]
        if len(inputs) > len(arguments):
            raise self._extra_inputs_error(inputs[len(arguments):])
        values = dict(zip(arguments, inputs))
        for argument, value in named.items():
            if argument in values or argument not in arguments:
                if argument == "labels" and not self.conditional:
                    raise self._unconditional_error(value)
                raise TypeError(
                    f"`{self.path}` takes {arguments}; got `{argument}` "
                    "twice or as an unknown argument. "
                    + format_received(**{argument: value})
                )
            values[argument] = value
        missing = [
            argument
            for argument in arguments
            if argument not in values
            and argument not in ("labels", "truncation")
        ]
        if missing:
            raise TypeError(
                f"`{self.path}` takes {arguments}; missing {missing}."
            )
        return values

    def _extra_inputs_error(self, extra):
        if self.kind == GENERATOR and not self.conditional and len(extra) == 1:
            return self._unconditional_error(extra[0])
        return TypeError(
            f"`{self.path}` takes {len(self.spec.inputs)} inputs "
            f"({list(self.spec.input_names)}); got {len(extra)} more."
        )

    def _unconditional_error(self, labels):
        return ValueError(
            f"`labels` are only for conditional generators; `{self.path}` "
            "is unconditional. " + format_received(labels=labels)
        )

    def _check(self, name, argument, shape, value):
        if len(shape) == 1:
            return check_latent_batch(value, shape[0], name=argument)
        if name == model_card.WS_NAME:
            return check_style_batch(value, shape, name=argument)
        if name == model_card.NOISE_NAME:
            return check_noise_batch(value, shape[2], name=argument)
        if len(shape) == 3:
            return check_image_batch(
                value,
                shape,
                name=argument,
                size_multiple=self.spec.size_multiple,
                # Images are in [-1, 1]; other image-shaped inputs (e.g.
                # noise maps) are not.
                check_range=name == model_card.TRANSLATOR_INPUT_NAME,
            )
        array = np.asarray(value)
        if array.shape[1:] != tuple(shape):
            raise ValueError(
                f"`{argument}` must have shape (N, "
                f"{', '.join(map(str, shape))}). "
                + format_received(**{argument: f"array of shape {array.shape}"})
            )
        return array

    def _input_shape(self, name):
        shapes = [s for n, _, s in self.spec.inputs if n == name]
        return shapes[0] if shapes else None

    def _require_latents(self, method):
        if self.latent_dim is None:
            raise ValueError(
                f"`{method}` needs a latent generator; `{self.path}` is a "
                f"{KINDS[self.kind]['description']}. "
                + format_received(path=self.path)
            )

    def latents_for(self, n, seed=None):
        """The latents `AdversarialModel.latents_for(n, seed)` would draw."""
        self._require_latents("latents_for")
        n = check_positive_int("n", n)
        rng = np.random.default_rng(seed)
        return rng.standard_normal((n, self.latent_dim)).astype("float32")

    def labels_for(self, n, labels=None):
        """The int32 labels `sample(n, labels=labels)` uses (validated).

        `None` for an unconditional artifact.
        """
        if not self.conditional:
            if labels is not None:
                raise self._unconditional_error(labels)
            return None
        return np.asarray(check_labels(labels, n, self.num_classes), "int32")

    def truncation_for(self, n, truncation=None):
        """The float32 `(n,)` truncation a call with `truncation` feeds:
        ones for `None`, a number repeated, or one per sample (validated).

        Raises:
            ValueError: naming `truncation`, for an artifact without a
                truncation input, a value < 0 or not finite, or another
                count than `n`.
        """
        if not self.takes_truncation:
            if truncation is None:
                return None
            raise ValueError(
                f"`truncation` is only for style-based generators (a "
                f"StyleGAN2 export); `{self.path}` takes "
                f"{list(self.spec.input_names)}. "
                + format_received(truncation=truncation)
            )
        if truncation is None:
            return np.ones((n,), "float32")
        return check_truncation_batch(truncation, n)

    def output_size(self, size=None, scale_h=1.0, scale_w=1.0):
        """A sampler's `(height, width)` for `size`, or for its
        `training_size` scaled by `scale_h` and `scale_w` (as
        `SinGAN.output_size`).

        Raises:
            ValueError: for another kind, both `size` and scales, a bad
                size or scale, scales without a known `training_size`, or
                a size under the card's `min_output_size`.
        """
        self._require_sampler("output_size")
        return sampler_output_size(
            size,
            scale_h,
            scale_w,
            training_size=self.training_size,
            min_size=(self.card or {}).get("min_output_size"),
            path=self.path,
        )

    def noise_for(self, n, size=None, scale_h=1.0, scale_w=1.0, seed=None):
        """A sampler's noise maps: `numpy.random.default_rng(seed)
        .standard_normal((n, H, W, noise_channels))` as float32, of
        `output_size(size, scale_h, scale_w)`."""
        self._require_sampler("noise_for")
        n = check_positive_int("n", n)
        height, width = self.output_size(size, scale_h, scale_w)
        rng = np.random.default_rng(seed)
        shape = (n, height, width, self.noise_channels)
        return rng.standard_normal(shape).astype("float32")

    def _require_sampler(self, method):
        if self.kind != SAMPLER:
            description = KINDS[self.kind]["description"]
            article = "an" if description[0] in "aeiou" else "a"
            raise ValueError(
                f"`{method}` is for single-image samplers (a SinGAN "
                f"export); `{self.path}` is {article} {description}. "
                + format_received(path=self.path)
            )

    def sample(
        self,
        n,
        seed=None,
        labels=None,
        truncation=None,
        size=None,
        scale_h=1.0,
        scale_w=1.0,
    ):
        """`n` images from `latents_for(n, seed)` (and `labels`), or for a
        sampler from `noise_for(n, size, scale_h, scale_w, seed)`.

        The same seed and labels give the same images as
        `gan.generate(n, labels=labels, seed=seed)` (and `truncation`, for
        an artifact that takes it: `takes_truncation`). A sampler's images
        are `model.sample_from_noise(noise_for(...))`, of `size` (default:
        `training_size`, scaled by `scale_h` and `scale_w`).

        Raises:
            ValueError: for a bad argument, naming it: `size`, `scale_h`
                and `scale_w` are a sampler's only.
        """
        if self.kind == SAMPLER:
            if labels is not None:
                raise self._unconditional_error(labels)
            self.truncation_for(n, truncation)  # names a wrong kind
            noise = self.noise_for(n, size, scale_h, scale_w, seed)
            return self(noise)
        if size is not None or scale_h != 1.0 or scale_w != 1.0:
            description = KINDS[self.kind]["description"]
            article = "an" if description[0] in "aeiou" else "a"
            raise ValueError(
                f"`size`, `scale_h` and `scale_w` choose a single-image "
                f"sampler's output size (a SinGAN export); `{self.path}` "
                f"is {article} {description}. "
                + format_received(size=size, scale_h=scale_h, scale_w=scale_w)
            )
        latents = self.latents_for(n, seed)
        named = {}
        if labels is not None:
            named["labels"] = labels
        if truncation is not None:
            self.truncation_for(n, truncation)  # names a wrong kind first
            named["truncation"] = truncation
        return self(latents, **named)

    def __repr__(self):
        extras = {
            "num_classes": self.num_classes if self.conditional else None,
            "scale": self.scale,
            "direction": self.direction,
        }
        described = "".join(
            f", {name}={value!r}" for name, value in extras.items() if value
        )
        return (
            f"Artifact(kind={self.kind!r}, format={self.format!r}, "
            f"path={self.path!r}{described}, spec={self.spec!r})"
        )
