"""Training callbacks: sample grids and resumable checkpoints."""

from keras_gans.callbacks.sample_grid import SampleGrid
from keras_gans.callbacks.training_checkpoint import TrainingCheckpoint

__all__ = ["SampleGrid", "TrainingCheckpoint"]
