"""StyleGAN2's exports: the sampler, and its synthesis and mapping networks.

`keras_gans.export.export_generator(gan, directory)` on a `StyleGAN2`
writes three verified artifacts (SavedModel, `.tflite`, model card each):

- `directory/`: the **generator**, `latent` float32 `(N, latent_dim)`
  (`label` int32 `(N,)` if conditional) and `truncation` float32 `(N,)` ->
  `images` float32 `(N, H, W, C)` in [-1, 1]. `truncation` is ψ per
  sample; an app that wants one ψ fills the batch with it
  (`np.full(N, 0.7)`); 1 leaves `w` unchanged.
- `directory/synthesis/`: `ws` float32 `(N, num_ws, w_dim)` -> `images`:
  the styles of each synthesis layer, so an app can mix (coarse styles of
  one latent, fine ones of another) and edit styles on device.
- `directory/mapping/`: `latent` (`label`) and `truncation` -> `ws` float32
  `(N, num_ws, w_dim)`: the styles to mix, truncated.

The exported networks are functional Keras models built here from the
generator's own layers (`MappingNetwork`, `SynthesisNetwork`, the crop and
the clip, all registered and serializable), so they save to `.keras` and
reload in the TensorFlow child process of a JAX or torch export with the
generator's weights; the noise is the generator's fixed inference maps, so
every artifact is deterministic. `StyleGAN2Sampler` tells the exporter
about them through `keras_gans.export.register_sampler`, the exporter's one
extension point; a `.keras` StyleGAN2 loaded by `load_artifact` takes the
same `truncation` input.

Example:

```python
keras_gans.export.export_generator(gan, "exports/stylegan2")
mapping = keras_gans.export.load_artifact("exports/stylegan2/mapping")
synthesis = keras_gans.export.load_artifact("exports/stylegan2/synthesis")
ws = mapping(mapping.latents_for(2, seed=0), truncation=0.7)
ws[0, 4:] = ws[1, 4:]  # fine styles of the second latent
images = synthesis(ws[:1])
```
"""

import keras
import numpy as np

from keras_gans.export import model_card
from keras_gans.export.artifact_spec import ArtifactSpec
from keras_gans.export.export_generator import GeneratorSampler
from keras_gans.export.export_generator import latent_parity_case
from keras_gans.export.export_generator import register_sampler
from keras_gans.models.stylegan2.stylegan2 import StyleGAN2

SYNTHESIS_DIR = "synthesis"
MAPPING_DIR = "mapping"
# The card entries a part shares with the main card (the training record).
_SHARED_CARD_KEYS = (
    "format_version",
    "variant",
    "ema_decay",
    "dataset",
    "epochs",
    "steps",
    "keras_version",
    "keras_gans_version",
    "trained_backend",
    "reference_backend",
)


def parity_truncation(count):
    """ψ of `count` parity samples: `PARITY_TRUNCATION` cycled (1, 0.5)."""
    values = np.resize(np.asarray(model_card.PARITY_TRUNCATION), count)
    return values.astype("float32")


def _style_inputs(generator):
    """`(signature inputs, the mapping network's inputs, truncation)`:
    `latent`, (`label`), `truncation` in the export's order."""
    latent = keras.Input(
        (generator.latent_dim,), dtype="float32", name=model_card.INPUT_NAME
    )
    inputs, mapping_inputs = [latent], latent
    if generator.num_classes is not None:
        label = keras.Input((), dtype="int32", name=model_card.LABEL_NAME)
        inputs.append(label)
        mapping_inputs = [latent, label]
    truncation = keras.Input(
        (), dtype="float32", name=model_card.TRUNCATION_NAME
    )
    inputs.append(truncation)
    return inputs, mapping_inputs, truncation


def _images_of(generator, ws):
    """The generator's synthesis, crop (if any) and clip on `ws`."""
    images = generator.synthesis(ws)
    names = {layer.name for layer in generator.layers}
    for name in ("crop", "image_range"):
        if name in names:
            images = generator.get_layer(name)(images)
    return images


def mapping_model(generator):
    """`[latent, (label,) truncation] -> ws (N, num_ws, w_dim)`, truncated
    per sample, on `generator`'s mapping network (its weights)."""
    inputs, mapping_inputs, truncation = _style_inputs(generator)
    ws = generator.mapping(mapping_inputs, truncation=truncation)
    return keras.Model(inputs, ws, name="stylegan2_mapping")


def synthesis_model(generator):
    """`ws (N, num_ws, w_dim) -> images`, cropped and clipped as
    `generator.images_from_ws`, on `generator`'s synthesis network."""
    ws = keras.Input(
        (generator.num_ws, generator.w_dim), dtype="float32",
        name=model_card.WS_NAME,
    )
    images = _images_of(generator, ws)
    return keras.Model(ws, images, name="stylegan2_synthesis")


def sampler_model(generator):
    """`[latent, (label,) truncation] -> images`: the generator with the
    truncation trick, as `StyleGAN2.generate_from_latents`."""
    inputs, mapping_inputs, truncation = _style_inputs(generator)
    ws = generator.mapping(mapping_inputs, truncation=truncation)
    return keras.Model(
        inputs, _images_of(generator, ws), name="stylegan2_sampler"
    )


def mixed_parity_ws(ws):
    """Style-mixed `ws`: each sample's styles from `num_ws // 2` on come
    from the next sample (the synthesis artifact's parity inputs)."""
    crossover = ws.shape[1] // 2
    return np.concatenate(
        [ws[:, :crossover], np.roll(ws, -1, axis=0)[:, crossover:]], axis=1
    ).astype("float32")


@register_sampler(StyleGAN2)
class StyleGAN2Sampler(GeneratorSampler):
    """What `export_generator` exports of a `StyleGAN2` (see the module).

    The generator takes `truncation` ψ per sample, verified against
    `gan.generate_from_latents(latents, truncation=ψ)` at ψ = 1 and 0.5
    (alternating over the parity latents); the `synthesis/` part against
    `gan.generate_from_ws` on style-mixed `ws`, the `mapping/` part
    against `gan.ws_from_latents`.
    """

    def build_network(self):
        return sampler_model(self.generator)

    def _signature_inputs(self):
        gan = self.gan
        inputs = [(model_card.INPUT_NAME, "float32", (int(gan.latent_dim),))]
        constants = {}
        if gan.uses_labels:
            inputs.append((model_card.LABEL_NAME, "int32", ()))
            constants[model_card.NUM_CLASSES_COLLECTION] = int(gan.num_classes)
        inputs.append((model_card.TRUNCATION_NAME, "float32", ()))
        return inputs, constants

    def spec(self):
        inputs, constants = self._signature_inputs()
        return ArtifactSpec(
            model_card.GENERATOR_KIND,
            inputs,
            output_shape=self.gan.image_shape,
            constants=constants,
        )

    def mapping_spec(self):
        inputs, constants = self._signature_inputs()
        return ArtifactSpec(
            model_card.MAPPING_KIND,
            inputs,
            output_shape=self._styles_shape(),
            constants=constants,
            output_name=model_card.WS_NAME,
        )

    def synthesis_spec(self):
        return ArtifactSpec(
            model_card.SYNTHESIS_KIND,
            [(model_card.WS_NAME, "float32", self._styles_shape())],
            output_shape=self.gan.image_shape,
        )

    def _styles_shape(self):
        return (int(self.gan.num_ws), int(self.generator.w_dim))

    def parity_feeds(self):
        feeds = super().parity_feeds()
        feeds[model_card.TRUNCATION_NAME] = parity_truncation(
            len(feeds[model_card.INPUT_NAME])
        )
        return feeds

    def run(self, feeds):
        return self.gan.generate_from_latents(
            feeds[model_card.INPUT_NAME],
            labels=feeds.get(model_card.LABEL_NAME),
            truncation=feeds[model_card.TRUNCATION_NAME],
        )

    def _run_mapping(self, feeds):
        return self.gan.ws_from_latents(
            feeds[model_card.INPUT_NAME],
            labels=feeds.get(model_card.LABEL_NAME),
            truncation=feeds[model_card.TRUNCATION_NAME],
        )

    def _run_synthesis(self, feeds):
        return self.gan.generate_from_ws(feeds[model_card.WS_NAME])

    def parity_case(self):
        feeds = self.parity_feeds()
        case = latent_parity_case(
            feeds[model_card.INPUT_NAME],
            feeds.get(model_card.LABEL_NAME),
            self.reference(feeds),
        )
        return _truncated_case(case, feeds)

    def calibration(self, representative):
        calibration = super().calibration(representative)
        if calibration is not None:
            calibration[model_card.TRUNCATION_NAME] = parity_truncation(
                len(representative)
            )
        return calibration

    def card_fields(self):
        num_ws, w_dim = self._styles_shape()
        return {
            "num_ws": num_ws,
            "w_dim": w_dim,
            "truncation": _truncation_card(),
        }

    def parts(self, card_fields):
        """The `synthesis/` and `mapping/` networks, verified on the
        parity latents' styles (mixed, for synthesis)."""
        shared = {
            key: card_fields[key]
            for key in _SHARED_CARD_KEYS
            if key in card_fields
        }
        num_ws, w_dim = self._styles_shape()
        styles = {"num_ws": num_ws, "w_dim": w_dim}
        feeds = self.parity_feeds()
        mapping = mapping_model(self.generator)
        ws = self.reference(feeds, network=mapping, run=self._run_mapping)
        mapping_case = _truncated_case(
            latent_parity_case(
                feeds[model_card.INPUT_NAME],
                feeds.get(model_card.LABEL_NAME),
                ws,
            ),
            feeds,
        )
        synthesis = synthesis_model(self.generator)
        mixed = {model_card.WS_NAME: mixed_parity_ws(ws)}
        synthesis_case = {
            "feeds": mixed,
            "reference": self.reference(
                mixed, network=synthesis, run=self._run_synthesis
            ),
            "description": f"{len(ws)} style-mixed ws",
            "card": {
                "ws": "the mapping parity ws, each sample's styles from "
                f"index {ws.shape[1] // 2} on from the next sample's",
            },
        }
        return [
            {
                "name": SYNTHESIS_DIR,
                "network": synthesis,
                "spec": self.synthesis_spec(),
                "parity": [synthesis_case],
                "card_fields": {
                    **shared,
                    "kind": model_card.SYNTHESIS_KIND,
                    **styles,
                    "image_shape": [int(d) for d in self.gan.image_shape],
                    "value_range": list(model_card.VALUE_RANGE),
                    "noise": "the generator's fixed inference maps",
                },
            },
            {
                "name": MAPPING_DIR,
                "network": mapping,
                "spec": self.mapping_spec(),
                "parity": [mapping_case],
                "card_fields": {
                    **shared,
                    "kind": model_card.MAPPING_KIND,
                    "latent_dim": int(self.gan.latent_dim),
                    "num_classes": self.gan.num_classes,
                    **styles,
                    "truncation": _truncation_card(),
                },
            },
        ]


def _truncated_case(case, feeds):
    """`case` (of latents and labels) with `feeds`' truncation."""
    truncation = feeds[model_card.TRUNCATION_NAME]
    case["feeds"] = feeds
    case["description"] += " at truncations " + _values_text(truncation)
    case["card"]["truncation"] = [float(psi) for psi in truncation]
    return case


def _truncation_card():
    return {
        "input": model_card.TRUNCATION_NAME,
        "dtype": "float32",
        "shape": [None],
        "meaning": "psi per sample: w_avg + psi * (w - w_avg); 1 leaves w "
        "unchanged, 0 gives the average image, 0.5-0.7 trades variety for "
        "quality. For one psi, fill the batch with it (np.full(N, psi)).",
        "default": 1.0,
    }


def _values_text(values):
    return "(" + ", ".join(f"{float(v):g}" for v in values) + ")"
