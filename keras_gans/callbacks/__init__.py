"""Training callbacks: panels of samples or translations (`PanelGrid` and
its presets), resumable checkpoints, a stage's network kept (`StageSnapshot`), a NaN
guard, FID and KID, translation
scores, and the curves of every logged value."""

from keras_gans.callbacks.fid import FID
from keras_gans.callbacks.generative_metric import GenerativeMetric
from keras_gans.callbacks.kid import KID
from keras_gans.callbacks.nan_guard import NaNGuard
from keras_gans.callbacks.panel_grid import PanelGrid
from keras_gans.callbacks.sample_grid import SampleGrid
from keras_gans.callbacks.stage_snapshot import StageSnapshot
from keras_gans.callbacks.training_checkpoint import TrainingCheckpoint
from keras_gans.callbacks.training_curves import TrainingCurves
from keras_gans.callbacks.translation_grid import TranslationGrid
from keras_gans.callbacks.translation_metrics import TranslationMetrics

__all__ = [
    "FID",
    "GenerativeMetric",
    "KID",
    "NaNGuard",
    "PanelGrid",
    "SampleGrid",
    "StageSnapshot",
    "TrainingCheckpoint",
    "TrainingCurves",
    "TranslationGrid",
    "TranslationMetrics",
]
