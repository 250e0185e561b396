from keras_gans.models.sagan.sagan import SAGAN
