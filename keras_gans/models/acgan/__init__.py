from keras_gans.models.acgan.acgan import ACGAN
