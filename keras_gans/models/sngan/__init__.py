from keras_gans.models.sngan.sngan import SNGAN
