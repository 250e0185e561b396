from keras_gans.models.dcgan import DCGAN
from keras_gans.models.gan import GAN
from keras_gans.models.lsgan import LSGAN
from keras_gans.models.sagan import SAGAN
from keras_gans.models.sngan import SNGAN
from keras_gans.models.wgan import WGAN
from keras_gans.models.wgan import WGANGP
