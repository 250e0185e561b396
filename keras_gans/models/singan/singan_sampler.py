"""SinGAN's exports: one sampler of free size, and a refiner (translator).

`keras_gans.export.export_singan(model, directory)` (or
`export_generator(model, directory)`) writes ONE verified artifact
(SavedModel, `.tflite`, model card) of the kind `"sampler"` (a
single-image sampler):

- input `noise` float32 `(N, H, W, 3 * scales)`, a standard-normal map of
  the OUTPUT's size, any `H` and `W`;
- output `images` float32 `(N, H, W, 3)`, around [-1, 1].

The exported function is exactly `model.sample_from_noise(noise)`: each
scale takes its 3 channels of the map (1 at the coarsest), subsampled to
its size at the nearest pixel (`SinGAN.noises_from_map`), and the
per-scale sizes are computed in the graph from the map's traced height and
width (`SinGAN.sizes_for`), so one file samples at the training size, at
twice the width, or at any size an app asks for.

Why a noise map and not a seed: an app fills one Gaussian tensor of the
size it wants (every platform has a normal generator) and runs the file;
the file itself holds no random op, so it is deterministic, the same map
gives the same image in Keras, the SavedModel and LiteRT (which is how
the export is verified: parity within 1e-4 at the training size and at a
taller, twice as wide one), and TFLite needs no random kernels. With
`start_scale`, a **refiner** is exported too, into `refine/`: a translator
(`image` float32 `(N, H, W, 3)` in [-1, 1] -> refined `images` of the
same size) for harmonization and editing. The image is resized in the
graph to the injection scale's size with an antialiased bilinear
(triangle) filter (`antialiased_resize`; `SinGAN.sample` shrinks with
antialiased bicubic instead, so the two differ slightly), injected at
`start_scale`, and refined by the scales above with zero noise
(deterministic).

The exported networks are functional Keras models around a
`SinGANExport` layer that holds an uncompiled copy of the model (its
weights, no optimizer state), so they save to `.keras` and reload in the
TensorFlow child process of a JAX or torch export. `SinGANSampler` tells
the shared exporter about them through `register_sampler`.

Example:

```python
keras_gans.export.export_singan(model, "exports/singan", start_scale=2)
sampler = keras_gans.export.load_artifact("exports/singan")
wide = sampler.sample(4, seed=0, scale_w=2.0)        # NumPy noise inside
same = model.sample_from_noise(sampler.noise_for(4, seed=0, scale_w=2.0))
refine = keras_gans.export.load_artifact("exports/singan/refine")
harmonized = refine(pasted[None])                    # (1, H, W, 3)
```
"""

import keras
import numpy as np
from keras import ops

from keras_gans.export import artifact_kinds
from keras_gans.export import model_card
from keras_gans.export.artifact_spec import ArtifactSpec
from keras_gans.export.export_generator import GeneratorSampler
from keras_gans.export.export_generator import register_sampler
from keras_gans.models.singan.singan import CHANNELS
from keras_gans.models.singan.singan import SinGAN
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received

REFINE_DIR = "refine"
# Parity: this many noise maps (or images) at the training size, drawn by
# `numpy.random.default_rng(PARITY_SEED)`, and `SECOND_SIZE_COUNT` at
# `SECOND_SIZE_SCALES` (taller, twice as wide: free height and width
# are both verified) from the next seed.
PARITY_COUNT = 4
SECOND_SIZE_COUNT = 2
SECOND_SIZE_SCALES = (1.25, 2.0)
# The card entries a part shares with the main card (the training record).
_SHARED_CARD_KEYS = (
    "format_version",
    "variant",
    "pyramid",
    "dataset",
    "epochs",
    "steps",
    "keras_version",
    "keras_gans_version",
    "trained_backend",
    "reference_backend",
)
NOISE_MEANING = (
    "i.i.d. standard-normal noise of the output's size: "
    "numpy.random.default_rng(seed).standard_normal((N, H, W, "
    "noise_channels)).astype('float32'). Scale k uses channels 3k:3k+3 (1 "
    "at scale 0), subsampled at the nearest pixel to its size. The file "
    "holds no random op: the same map gives the same images."
)


def antialiased_resize(images, size):
    """Antialiased bilinear resize of `(N, h, w, C)` images, in `keras.ops`.

    A separable triangle filter widened by the shrink factor (the
    antialiased bilinear of PIL and `tf.image.resize(antialias=True)`),
    applied as one matrix product per axis, so it converts to TFLite
    (which has no antialiased resize) and runs the same on every backend.
    Enlarging, it is the plain bilinear resize with half-pixel centers.

    Args:
        images: float `(N, h, w, C)`.
        size: the `(height, width)` to resize to: ints or traced ints.

    Returns:
        float32 `(N, height, width, C)`.
    """
    images = ops.cast(images, "float32")
    shape = ops.shape(images)
    rows = _resize_axis(images, size[0], shape[1], 1)
    return _resize_axis(rows, size[1], shape[2], 2)


def _triangle_weights(out_size, in_size):
    """`(out_size, in_size)` weights, each row summing to 1: NumPy for int
    sizes (a Keras model's), `keras.ops` for traced ones (an export's),
    the same float32 arithmetic."""
    if isinstance(out_size, (int, np.integer)) and isinstance(
        in_size, (int, np.integer)
    ):
        scale = np.float32(in_size) / np.float32(out_size)
        support = max(scale, np.float32(1.0))
        centers = (np.arange(out_size, dtype="float32") + 0.5) * scale
        positions = np.arange(in_size, dtype="float32") + 0.5
        distances = np.abs(positions[None, :] - centers[:, None]) / support
        weights = np.maximum(1.0 - distances, 0.0).astype("float32")
        weights /= weights.sum(axis=1, keepdims=True)
        return ops.convert_to_tensor(weights)
    scale = ops.cast(in_size, "float32") / ops.cast(out_size, "float32")
    support = ops.maximum(scale, 1.0)
    centers = (ops.cast(ops.arange(out_size), "float32") + 0.5) * scale
    positions = ops.cast(ops.arange(in_size), "float32") + 0.5
    distances = ops.abs(positions[None, :] - centers[:, None]) / support
    weights = ops.maximum(1.0 - distances, 0.0)
    return weights / ops.sum(weights, axis=1, keepdims=True)


def _resize_axis(images, out_size, in_size, axis):
    weights = _triangle_weights(out_size, in_size)
    # The resized axis last, a matrix product, and back.
    order = [0, 1, 2, 3]
    order.remove(axis)
    order.append(axis)
    moved = ops.transpose(images, order)
    moved_shape = ops.shape(moved)
    flat = ops.reshape(moved, (-1, in_size))
    resized = ops.matmul(flat, ops.transpose(weights))
    resized = ops.reshape(
        resized, (moved_shape[0], moved_shape[1], moved_shape[2], out_size)
    )
    back = [order.index(i) for i in range(4)]
    return ops.transpose(resized, back)


def refine_images(model, images, start_scale):
    """The refiner's computation: `images` in [-1, 1] resized to scale
    `start_scale`'s size for their size (`antialiased_resize`) and refined
    by the scales from `start_scale` up with zero noise, in `keras.ops`.

    Args:
        model: the `SinGAN`.
        images: float `(N, H, W, 3)` in [-1, 1].
        start_scale: the injection scale, in `[0, trained_scales)`.

    Returns:
        float32 `(N, H, W, 3)`.
    """
    images = ops.cast(images, "float32")
    shape = ops.shape(images)
    target = model.sizes_for(shape[1], shape[2])[start_scale]
    start = antialiased_resize(images, target)
    noise = ops.zeros(
        (shape[0], shape[1], shape[2], model.noise_channels()), "float32"
    )
    return model.sample_from_noise(noise, start_scale, start)


@keras.saving.register_keras_serializable(package="keras_gans")
class SinGANExport(keras.layers.Layer):
    """A SinGAN's exported function, as a layer holding the model.

    Without `start_scale`: `singan.sample_from_noise(noise)` (the sampler);
    with it: `refine_images(singan, images, start_scale)` (the refiner).

    Args:
        singan: the `SinGAN` (or its serialized config).
        start_scale: `None`, or the refiner's injection scale.
        **kwargs: `keras.layers.Layer` arguments.
    """

    def __init__(self, singan, start_scale=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(singan, dict):
            singan = keras.saving.deserialize_keras_object(singan)
        self.singan = singan
        self.start_scale = None if start_scale is None else int(start_scale)

    def call(self, inputs):
        if self.start_scale is None:
            return self.singan.sample_from_noise(inputs)
        return refine_images(self.singan, inputs, self.start_scale)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:3]) + (CHANNELS,)

    def get_config(self):
        config = super().get_config()
        config.update(
            singan=keras.saving.serialize_keras_object(self.singan),
            start_scale=self.start_scale,
        )
        return config


def exported_copy(model):
    """An uncompiled `SinGAN` of `model`'s config and weights (what the
    exported networks hold: no optimizer state, no training record)."""
    copy = type(model).from_config(model.get_config())
    copy.set_weights(model.get_weights())
    return copy


def sampler_network(model):
    """`noise (N, H, W, 3 * scales) -> images (N, H, W, 3)`, free H and W:
    `model.sample_from_noise` as a functional model."""
    noise = keras.Input(
        (None, None, model.noise_channels()), name=model_card.NOISE_NAME
    )
    images = SinGANExport(model, name="singan_sampler")(noise)
    return keras.Model(noise, images, name="singan_sampler")


def refiner_network(model, start_scale):
    """`image (N, H, W, 3) -> images (N, H, W, 3)`, free H and W:
    `refine_images(model, image, start_scale)` as a functional model."""
    image = keras.Input(
        (None, None, CHANNELS), name=model_card.TRANSLATOR_INPUT_NAME
    )
    images = SinGANExport(model, start_scale, name="singan_refiner")(image)
    return keras.Model(image, images, name="singan_refiner")


def min_output_size(model):
    """The smallest `(height, width)` `model.check_output_size` accepts:
    the coarsest scale at least the networks' receptive field."""
    minimum = 2 * model.num_blocks + 1
    final = model.scale_sizes[model.trained_scales - 1]
    coarsest = model.scale_sizes[0]
    sides = []
    for axis in (0, 1):
        side = max(1, minimum * final[axis] // coarsest[axis] - 2)
        while model.sizes_for(side, side)[0][axis] < minimum:
            side += 1
        sides.append(side)
    return tuple(sides)


def _check_start_scale(model, start_scale):
    if start_scale is None:
        return None
    if (
        isinstance(start_scale, bool)
        or not isinstance(start_scale, (int, np.integer))
        or not 0 <= start_scale < model.trained_scales
    ):
        raise ValueError(
            f"`start_scale` (the refiner's injection scale) must be a "
            f"trained scale, in [0, {model.trained_scales}), or None for no "
            "refiner. " + format_received(start_scale=start_scale)
        )
    return int(start_scale)


@register_sampler(SinGAN)
class SinGANSampler(GeneratorSampler):
    """What `export_generator` exports of a `SinGAN` (see the module).

    The sampler network (`sampler_network`), of kind `"sampler"`, verified
    against `model.sample_from_noise` on standard-normal maps at the
    training size and at a second size; with `start_scale`, the refiner
    (`refiner_network`, a translator) as the part `refine/`, verified
    against `refine_images` at the same two sizes.

    Args:
        gan: the `SinGAN`.
        start_scale: `None`, or the refiner's injection scale.
    """

    def __init__(self, gan, start_scale=None):
        self.gan = gan
        self.start_scale = _check_start_scale(gan, start_scale)
        self._generator = None
        self._network = None
        self._copy = None

    @property
    def mixed_precision(self):
        return False

    @property
    def exported_model(self):
        """The uncompiled copy the exported networks hold (made once)."""
        if self._copy is None:
            self._copy = exported_copy(self.gan)
        return self._copy

    def build_network(self):
        return sampler_network(self.exported_model)

    @property
    def training_size(self):
        """`(height, width)` of the last trained scale."""
        return tuple(self.gan.scale_sizes[self.gan.trained_scales - 1])

    def parity_sizes(self):
        """The training size, and a taller and twice as wide one."""
        scale_h, scale_w = SECOND_SIZE_SCALES
        second = self.gan.output_size(scale_h=scale_h, scale_w=scale_w)
        return [self.training_size, second]

    def spec(self):
        return ArtifactSpec(
            model_card.SAMPLER_KIND,
            [
                (
                    model_card.NOISE_NAME,
                    "float32",
                    (None, None, self.gan.noise_channels()),
                )
            ],
            output_shape=(None, None, CHANNELS),
        )

    def refiner_spec(self):
        return ArtifactSpec(
            model_card.TRANSLATOR_KIND,
            [
                (
                    model_card.TRANSLATOR_INPUT_NAME,
                    "float32",
                    (None, None, CHANNELS),
                )
            ],
            output_shape=(None, None, CHANNELS),
        )

    def noise_for(self, n, size, seed):
        """The noise maps `Artifact.noise_for(n, size=size, seed=seed)`
        draws."""
        shape = (n, *size, self.gan.noise_channels())
        noise = np.random.default_rng(seed).standard_normal(shape)
        return noise.astype("float32")

    def run(self, feeds):
        noise = feeds[model_card.NOISE_NAME]
        images = self.gan.sample_from_noise(ops.convert_to_tensor(noise))
        return np.asarray(ops.convert_to_numpy(images), "float32")

    def _refine(self, feeds):
        images = ops.convert_to_tensor(feeds[model_card.TRANSLATOR_INPUT_NAME])
        refined = refine_images(self.gan, images, self.start_scale)
        return np.asarray(ops.convert_to_numpy(refined), "float32")

    def _cases(self, name, draw, run, what):
        """One parity case per `parity_sizes()` size."""
        cases = []
        counts = (PARITY_COUNT, SECOND_SIZE_COUNT)
        for i, (size, count) in enumerate(zip(self.parity_sizes(), counts)):
            seed = model_card.PARITY_SEED + i
            feeds = {name: draw(count, size, seed)}
            drawn = (count, *size, feeds[name].shape[-1])
            cases.append(
                {
                    "feeds": feeds,
                    "reference": run(feeds),
                    "description": f"{count} {what} {size[0]}x{size[1]}",
                    "card": {name: _draw_text(name, seed, drawn)},
                }
            )
        return cases

    def parity_cases(self):
        return self._cases(
            model_card.NOISE_NAME, self.noise_for, self.run, "noise maps"
        )

    def parity_case(self):
        return self.parity_cases()[0]

    def parity_feeds(self):
        """The first parity case's inputs: 4 noise maps of the training
        size from `numpy.random.default_rng(0)`."""
        return self.parity_case()["feeds"]

    def representative(self, quantize, representative_latents):
        """int8 calibration noise maps: an int N (N maps of the training
        size, seeded apart from the parity maps) or an array."""
        if representative_latents is None:
            return None
        if quantize != "int8":
            raise ValueError(
                "`representative_latents` (a SinGAN's: noise maps) "
                "calibrates int8 activations and needs quantize='int8'. "
                + format_received(quantize=quantize)
            )
        if isinstance(representative_latents, (int, np.integer)) and not (
            isinstance(representative_latents, bool)
        ):
            count = check_positive_int(
                "representative_latents", representative_latents
            )
            return self.noise_for(
                count, self.training_size, model_card.PARITY_SEED + 2
            )
        noise = np.asarray(representative_latents, "float32")
        channels = self.gan.noise_channels()
        if noise.ndim != 4 or noise.shape[-1] != channels or not len(noise):
            raise ValueError(
                f"A SinGAN's `representative_latents` are noise maps (N, H, "
                f"W, {channels}) with N > 0, or an int N. "
                + format_received(
                    representative_latents=f"array of shape {noise.shape}"
                )
            )
        return noise

    def calibration(self, representative):
        if representative is None:
            return None
        return {model_card.NOISE_NAME: representative}

    def card_fields(self):
        model = self.gan
        trained = model.trained_scales
        return {
            "kind": model_card.SAMPLER_KIND,
            "pyramid": model.pyramid,
            "num_scales": trained,
            "noise_channels": model.noise_channels(),
            "training_size": list(self.training_size),
            "scale_sizes": [list(s) for s in model.scale_sizes[:trained]],
            "min_output_size": list(min_output_size(model)),
            "num_blocks": model.num_blocks,
            "output_shape": [None, None, CHANNELS],
            "noise": {
                "input": model_card.NOISE_NAME,
                "dtype": "float32",
                "shape": [None, None, None, model.noise_channels()],
                "meaning": NOISE_MEANING,
            },
        }

    def keras_card(self):
        """The card fields the export would have (training size, minimum
        output size): what `Artifact.sample` reads."""
        return {**self.card_fields(), **self.spec().card_fields()}

    def parts(self, card_fields):
        """The refiner as `refine/`, when `start_scale` is set."""
        if self.start_scale is None:
            return []
        shared = {
            key: card_fields[key]
            for key in _SHARED_CARD_KEYS
            if key in card_fields
        }
        network = refiner_network(self.exported_model, self.start_scale)
        cases = self._cases(
            model_card.TRANSLATOR_INPUT_NAME,
            _uniform_images,
            self._refine,
            "parity images",
        )
        start_size = self.gan.sizes_for(*self.training_size)[self.start_scale]
        return [
            {
                "name": REFINE_DIR,
                "network": network,
                "spec": self.refiner_spec(),
                "parity": cases,
                "card_fields": {
                    **shared,
                    "kind": artifact_kinds.TRANSLATOR,
                    "direction": "image->refined (harmonization, editing)",
                    "network": network.name,
                    "input_shape": [None, None, CHANNELS],
                    "output_shape": [None, None, CHANNELS],
                    "value_range": list(model_card.VALUE_RANGE),
                    "start_scale": self.start_scale,
                    "start_size_at_training_size": list(start_size),
                    "min_output_size": list(min_output_size(self.gan)),
                    "resize": "in-graph antialiased bilinear (triangle "
                    "filter) of the image to the start scale's size for "
                    "its size; SinGAN.sample(start_image=...) shrinks with "
                    "antialiased bicubic instead",
                    "noise": "zero (deterministic)",
                },
            }
        ]


def _uniform_images(count, size, seed):
    shape = (count, *size, CHANNELS)
    images = np.random.default_rng(seed).uniform(-1.0, 1.0, shape)
    return images.astype("float32")


def _draw_text(name, seed, shape):
    draw = "standard_normal" if name == model_card.NOISE_NAME else "uniform"
    bounds = "" if draw == "standard_normal" else "-1, 1, "
    return f"numpy.random.default_rng({seed}).{draw}({bounds}{shape})"
