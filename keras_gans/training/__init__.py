"""The training core: the adversarial base models and the step they share."""

from keras_gans.training.adversarial_model import AdversarialModel
from keras_gans.training.differentiation import vjp
from keras_gans.training.ema import EMA
from keras_gans.training.layerwise_adam import LayerwiseAdam
from keras_gans.training.optimizer_group import OptimizerGroup
from keras_gans.training.phase import Forward
from keras_gans.training.phase import Phase
from keras_gans.training.stage import Stage
from keras_gans.training.two_player_model import TwoPlayerModel
from keras_gans.training.translation_model import TranslationModel
