from keras_gans.models.cyclegan.cyclegan import CycleGAN
from keras_gans.models.cyclegan.resnet_generator import ResNetGenerator
