from keras_gans.models.gan.gan import GAN
from keras_gans.models.gan.networks import build_mlp_discriminator
from keras_gans.models.gan.networks import build_mlp_generator
