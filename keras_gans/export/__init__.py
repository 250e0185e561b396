"""Export of trained networks: SavedModel, TFLite (LiteRT), model card.

One artifact system for every kind of network. `export_generator(gan,
directory)` writes a verified SavedModel, a `.tflite` file and
`model_card.json` for a latent generator; `export_translator(network,
directory)` does the same for an image-to-image generator (pix2pix,
CycleGAN, DiscoGAN) and `export_upscaler(network, directory)` for a
super-resolution network, with free height and width when the network is
fully convolutional. They run one exporter parametrized by an
`ArtifactSpec` (the signature as data). `load_artifact(path)` loads any
of them (or a `.keras` file) back as an `Artifact`, a NumPy callable; the
`.tflite` files run through one `LiteRTRunner`. Importing this package
does not import TensorFlow; exporting from the JAX or torch backend runs
the TensorFlow part in a child process.

What `export_generator` exports of a GAN is its `GeneratorSampler`; a model
whose export differs registers a subclass with `register_sampler` (a
StyleGAN2 exports a generator that also takes `truncation`, and its
synthesis and mapping networks in `synthesis/` and `mapping/`; see
`keras_gans.models.stylegan2.style_sampler`). A SinGAN exports a
single-image sampler, `noise` (a standard-normal map of the output's
size, free height and width) -> images, and optionally its refiner as a
translator (`export_singan`; see
`keras_gans.models.singan.singan_sampler`).
"""

from keras_gans.export.artifact import Artifact
from keras_gans.export.artifact_kinds import KINDS
from keras_gans.export.artifact_loader import load_artifact
from keras_gans.export.artifact_loader import load_generator_artifact
from keras_gans.export.artifact_loader import load_sampler_artifact
from keras_gans.export.artifact_loader import load_translator_artifact
from keras_gans.export.artifact_loader import load_upscaler_artifact
from keras_gans.export.artifact_spec import ArtifactSpec
from keras_gans.export.export_generator import QUANTIZE_MODES
from keras_gans.export.export_from_file import export_from_file
from keras_gans.export.export_generator import GeneratorSampler
from keras_gans.export.export_generator import export_generator
from keras_gans.export.export_generator import register_sampler
from keras_gans.export.export_generator import sampler_for
from keras_gans.export.export_parity_error import ExportParityError
from keras_gans.export.export_singan import export_singan
from keras_gans.export.export_image_network import export_translator
from keras_gans.export.export_image_network import export_upscaler
from keras_gans.export.litert_runner import LiteRTRunner

# Models register their samplers when their module is imported: the ones
# outside the default are imported here, so every export and every loaded
# `.keras` file finds them.
from keras_gans.models.stylegan2 import (  # noqa: E402,F401,I001
    style_sampler as _style_sampler,
)
from keras_gans.models.singan import (  # noqa: E402,F401,I001
    singan_sampler as _singan_sampler,
)

__all__ = [
    "KINDS",
    "QUANTIZE_MODES",
    "Artifact",
    "ArtifactSpec",
    "ExportParityError",
    "GeneratorSampler",
    "LiteRTRunner",
    "export_from_file",
    "export_generator",
    "export_singan",
    "export_translator",
    "export_upscaler",
    "load_artifact",
    "load_generator_artifact",
    "load_sampler_artifact",
    "load_translator_artifact",
    "load_upscaler_artifact",
    "register_sampler",
    "sampler_for",
]
