from keras_gans.models.cgan.cgan import CGAN
from keras_gans.models.cgan.networks import build_conditional_discriminator
from keras_gans.models.cgan.networks import build_conditional_generator
