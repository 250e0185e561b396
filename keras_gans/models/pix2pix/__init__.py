from keras_gans.models.pix2pix.pix2pix import Pix2Pix
