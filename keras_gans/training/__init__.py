from keras_gans.training.adversarial_model import AdversarialModel
from keras_gans.training.optimizer_group import OptimizerGroup
from keras_gans.training.phase import Phase
