from keras_gans.models.dcgan import DCGAN
from keras_gans.models.gan import GAN
