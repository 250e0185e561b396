"""Export of trained generators: SavedModel, TFLite (LiteRT), model card.

`export_generator(gan, directory)` writes a verified SavedModel, a
`.tflite` file and `model_card.json` for a latent generator;
`export_translator(network, directory)` does the same for an
image-to-image generator (pix2pix, CycleGAN, DiscoGAN), with free height
and width when the network is fully convolutional. Both run one exporter
parametrized by an `ArtifactSpec` (the signature as data).
`load_generator_artifact(path)` and `load_translator_artifact(path)` load
any of them (or a `.keras` file) back as a NumPy callable. Importing this
package does not import TensorFlow; exporting from the JAX or torch
backend runs the TensorFlow part in a child process.
"""

from keras_gans.export.artifact_loader import load_generator_artifact
from keras_gans.export.artifact_spec import ArtifactSpec
from keras_gans.export.export_generator import QUANTIZE_MODES
from keras_gans.export.export_generator import export_from_file
from keras_gans.export.export_generator import export_generator
from keras_gans.export.export_parity_error import ExportParityError
from keras_gans.export.export_translator import export_translator
from keras_gans.export.generator_artifact import GeneratorArtifact
from keras_gans.export.litert_generator import LiteRTGenerator
from keras_gans.export.litert_translator import LiteRTTranslator
from keras_gans.export.translator_artifact import TranslatorArtifact
from keras_gans.export.translator_loader import load_translator_artifact

__all__ = [
    "QUANTIZE_MODES",
    "ArtifactSpec",
    "ExportParityError",
    "GeneratorArtifact",
    "LiteRTGenerator",
    "LiteRTTranslator",
    "TranslatorArtifact",
    "export_from_file",
    "export_generator",
    "export_translator",
    "load_generator_artifact",
    "load_translator_artifact",
]
