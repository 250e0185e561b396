"""SinGAN (Shaham et al. 2019) and the ConSinGAN training scheme."""

from keras_gans.models.singan.singan import SinGAN
from keras_gans.models.singan.singan_discriminator import SinGANDiscriminator
from keras_gans.models.singan.singan_generator import SinGANGenerator
from keras_gans.models.singan.singan_pyramid import consingan_scale_sizes
from keras_gans.models.singan.singan_pyramid import image_pyramid
from keras_gans.models.singan.singan_pyramid import singan_scale_sizes

__all__ = [
    "SinGAN",
    "SinGANDiscriminator",
    "SinGANGenerator",
    "consingan_scale_sizes",
    "image_pyramid",
    "singan_scale_sizes",
]
