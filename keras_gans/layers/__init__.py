"""Reusable building blocks: spectral normalization, self-attention,
DiffAugment, conditional batch normalization, reflection padding, image pools,
pixel shuffle (sub-pixel upsampling), StyleGAN2's equalized-lr, modulated
convolution and noise layers,
a transposed convolution that trains fast with JAX on CPU."""

from keras_gans.layers.bicubic_upsampling import BicubicUpsampling
from keras_gans.layers.categorical_latent_code import CategoricalLatentCode
from keras_gans.layers.cluster_score import ClusterScore
from keras_gans.layers.conditional_batch_normalization import (
    ConditionalBatchNormalization,
)
from keras_gans.layers.diff_augment import DiffAugment
from keras_gans.layers.equalized_conv2d import EqualizedConv2D
from keras_gans.layers.equalized_dense import EqualizedDense
from keras_gans.layers.image_pool import ImagePool
from keras_gans.layers.image_range import ImageRange
from keras_gans.layers.minibatch_std_dev import MinibatchStdDev
from keras_gans.layers.modulated_conv2d import ModulatedConv2D
from keras_gans.layers.noise_injection import NoiseInjection
from keras_gans.layers.pixel_shuffle import PixelShuffle
from keras_gans.layers.reflection_padding_2d import ReflectionPadding2D
from keras_gans.layers.self_attention import SelfAttention
from keras_gans.layers.spectral_normalization import SpectralNormalization
from keras_gans.layers.sub_pixel_conv2d_transpose import (
    SubPixelConv2DTranspose,
)
