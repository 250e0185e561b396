from keras_gans.models.stylegan2.mapping_network import MappingNetwork
from keras_gans.models.stylegan2.stylegan2 import StyleGAN2
from keras_gans.models.stylegan2.stylegan2_discriminator import (
    StyleGAN2Discriminator,
)
from keras_gans.models.stylegan2.stylegan2_generator import StyleGAN2Generator
from keras_gans.models.stylegan2.synthesis_network import SynthesisNetwork
