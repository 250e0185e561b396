from keras_gans.models.dcgan.dcgan import DCGAN
from keras_gans.models.dcgan.networks import build_dcgan_discriminator
from keras_gans.models.dcgan.networks import build_dcgan_generator
from keras_gans.models.dcgan.presets import DCGAN_PRESETS
