from keras_gans.models.wgan.wgan import WGAN
from keras_gans.models.wgan.wgangp import WGANGP
