from keras_gans.models.dcgan.dcgan import DCGAN
from keras_gans.models.dcgan.dcgan_discriminator import DCGANDiscriminator
from keras_gans.models.dcgan.dcgan_discriminator import (
    build_dcgan_discriminator,
)
from keras_gans.models.dcgan.dcgan_generator import DCGANGenerator
from keras_gans.models.dcgan.dcgan_generator import build_dcgan_generator
from keras_gans.models.dcgan.presets import DCGAN_PRESETS
