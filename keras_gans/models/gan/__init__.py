from keras_gans.models.gan.gan import GAN
from keras_gans.models.gan.mlp_discriminator import MLPDiscriminator
from keras_gans.models.gan.mlp_discriminator import build_mlp_discriminator
from keras_gans.models.gan.mlp_generator import MLPGenerator
from keras_gans.models.gan.mlp_generator import build_mlp_generator
