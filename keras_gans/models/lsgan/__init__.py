from keras_gans.models.lsgan.lsgan import LSGAN
