from keras_gans.models.patchgan.patchgan import PatchGAN
