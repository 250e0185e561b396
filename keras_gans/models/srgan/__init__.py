from keras_gans.models.srgan.rrdb_generator import RRDBGenerator
from keras_gans.models.srgan.srgan import SRGAN
from keras_gans.models.srgan.srgan_discriminator import SRGANDiscriminator
from keras_gans.models.srgan.srresnet_generator import SRResNetGenerator
