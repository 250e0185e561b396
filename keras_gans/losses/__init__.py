"""Adversarial losses, selectable by name in `compile(loss=...)`, and the
perceptual (VGG19 content) loss of SRGAN and ESRGAN, `PerceptualLoss`."""

from keras_gans.losses.gan_loss import GANLoss
from keras_gans.losses.hinge_loss import HingeLoss
from keras_gans.losses.least_squares_loss import LeastSquaresLoss
from keras_gans.losses.minimax_loss import MinimaxLoss
from keras_gans.losses.non_saturating_loss import NonSaturatingLoss
from keras_gans.losses.perceptual_loss import PerceptualLoss
from keras_gans.losses.relativistic_average_loss import RelativisticAverageLoss
from keras_gans.losses.wasserstein_loss import WassersteinLoss
from keras_gans.utils.validation import format_received

_REGISTRY = {
    "non_saturating": NonSaturatingLoss,
    "minimax": MinimaxLoss,
    "wasserstein": WassersteinLoss,
    "least_squares": LeastSquaresLoss,
    "hinge": HingeLoss,
    "relativistic_average": RelativisticAverageLoss,
}


def register(name, cls):
    """Makes `cls` selectable as `compile(loss=name)`."""
    _REGISTRY[name] = cls


def available():
    """Names accepted by `get()`."""
    return sorted(_REGISTRY)


def get(identifier):
    """Returns a `GANLoss` from a name, a config dict or an instance.

    Raises:
        ValueError: for an unknown name or type.
    """
    if isinstance(identifier, GANLoss):
        return identifier
    if isinstance(identifier, str) and identifier in _REGISTRY:
        return _REGISTRY[identifier]()
    if isinstance(identifier, dict):
        import keras

        return keras.saving.deserialize_keras_object(identifier)
    raise ValueError(
        f"`loss` must be a GANLoss or one of {available()}. "
        + format_received(loss=identifier)
    )
