"""keras-gans: a Keras 3 model zoo of generative adversarial networks."""

from keras_gans.utils import quiet_tensorflow as _quiet_tensorflow

# Before anything here imports TensorFlow: the `keras-gans` command asks
# for its start-up lines to be hidden (see keras_gans_cli).
_quiet_tensorflow.install()

from keras_gans import layers
from keras_gans import losses
from keras_gans import regularizers
from keras_gans import schedules
from keras_gans.models import ACGAN
from keras_gans.models import CGAN
from keras_gans.models import ConditionalDiscriminator
from keras_gans.models import ConditionalGenerator
from keras_gans.models import CycleGAN
from keras_gans.models import DCGAN
from keras_gans.models import DCGANDiscriminator
from keras_gans.models import DCGANGenerator
from keras_gans.models import DiscoGAN
from keras_gans.models import GAN
from keras_gans.models import LSGAN
from keras_gans.models import MLPDiscriminator
from keras_gans.models import MLPGenerator
from keras_gans.models import PatchGAN
from keras_gans.models import Pix2Pix
from keras_gans.models import ResNetGenerator
from keras_gans.models import SAGAN
from keras_gans.models import SinGAN
from keras_gans.models import SinGANDiscriminator
from keras_gans.models import SinGANGenerator
from keras_gans.models import SNGAN
from keras_gans.models import SRGAN
from keras_gans.models import RRDBGenerator
from keras_gans.models import SRGANDiscriminator
from keras_gans.models import SRResNetGenerator
from keras_gans.models import StyleGAN2
from keras_gans.models import StyleGAN2Discriminator
from keras_gans.models import StyleGAN2Generator
from keras_gans.models import UNet
from keras_gans.models import WGAN
from keras_gans.models import WGANGP
from keras_gans.training import EMA
from keras_gans.training import AdversarialModel
from keras_gans.training import Forward
from keras_gans.training import OptimizerGroup
from keras_gans.training import Phase
from keras_gans.training import Stage
from keras_gans.training import TranslationModel
from keras_gans.training import TwoPlayerModel
from keras_gans.version import __version__


def __getattr__(name):
    # Submodules that import tensorflow (tf.data, export) load on first use,
    # so `import keras_gans` stays light on the JAX and torch backends.
    import importlib

    if name in ("data", "callbacks", "export", "metrics", "recipes", "cli"):
        return importlib.import_module(f"keras_gans.{name}")
    raise AttributeError(f"module 'keras_gans' has no attribute {name!r}")
