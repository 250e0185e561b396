"""Discriminator regularizers: gradient penalties and weight clipping."""

from keras_gans.regularizers.penalties import gradient_penalty
from keras_gans.regularizers.penalties import r1_penalty
from keras_gans.regularizers.weight_clip import WeightClip
