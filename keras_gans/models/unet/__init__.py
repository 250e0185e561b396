from keras_gans.models.unet.unet import UNet
