"""Learning-rate schedules for the members of an `OptimizerGroup`."""

from keras_gans.schedules.linear_decay import LinearDecay
