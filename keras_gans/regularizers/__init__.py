"""Regularizers: penalty objects for `d_penalties`/`g_penalties`, clipping."""

from keras_gans.regularizers.cluster_consistency import ClusterConsistency
from keras_gans.regularizers.gradient_penalty import GradientPenalty
from keras_gans.regularizers.gradient_penalty import gradient_penalty
from keras_gans.regularizers.mode_seeking import ModeSeeking
from keras_gans.regularizers.path_length import PathLength
from keras_gans.regularizers.penalty import Penalty
from keras_gans.regularizers.r1 import R1
from keras_gans.regularizers.r1 import r1_penalty
from keras_gans.regularizers.weight_clip import WeightClip
