"""Reusable building blocks: spectral normalization, self-attention,
DiffAugment, conditional batch normalization."""

from keras_gans.layers.conditional_batch_normalization import (
    ConditionalBatchNormalization,
)
from keras_gans.layers.diff_augment import DiffAugment
from keras_gans.layers.self_attention import SelfAttention
from keras_gans.layers.spectral_normalization import SpectralNormalization
