"""Adam with a learning-rate multiplier per network."""

import keras

from keras_gans.utils.validation import format_received


def _check_multipliers(multipliers):
    if not isinstance(multipliers, dict) or not all(
        isinstance(key, str)
        and isinstance(value, (int, float))
        and not isinstance(value, bool)
        and value >= 0
        for key, value in multipliers.items()
    ):
        raise ValueError(
            "`multipliers` must be a dict of a variable path prefix (a "
            "network's name) to a factor >= 0. "
            + format_received(multipliers=multipliers)
        )
    return {key: float(value) for key, value in multipliers.items()}


@keras.saving.register_keras_serializable(package="keras_gans")
class LayerwiseAdam(keras.optimizers.Adam):
    """`keras.optimizers.Adam` whose step is scaled per network.

    A variable whose path starts with `"<name>/"` for a key `name` of
    `multipliers` takes steps of `learning_rate * multipliers[name]`; the
    others the plain learning rate. Scaling the gradient instead would do
    nothing: Adam's step does not depend on the gradient's scale.
    ConSinGAN trains the last stages of a generator together, the lower
    ones at 0.1x and 0.01x the rate; StyleGAN's mapping network's 0.01x is
    the same idea.

    Args:
        multipliers: dict of network name (a variable path prefix) to
            factor.
        **kwargs: `keras.optimizers.Adam` arguments.

    Raises:
        ValueError: for multipliers that are not names to factors >= 0.
    """

    def __init__(self, multipliers=None, **kwargs):
        super().__init__(**kwargs)
        self.multipliers = _check_multipliers(dict(multipliers or {}))

    def _multiplier(self, variable):
        path = getattr(variable, "path", variable.name)
        for name, factor in self.multipliers.items():
            if path.startswith(f"{name}/"):
                return factor
        return 1.0

    def update_step(self, gradient, variable, learning_rate):
        # Keras' torch backend swaps exact `Adam` instances for a fused
        # version; this subclass keeps the per-variable path.
        factor = self._multiplier(variable)
        if factor != 1.0:
            learning_rate = learning_rate * factor
        super().update_step(gradient, variable, learning_rate)

    def get_config(self):
        config = super().get_config()
        config["multipliers"] = dict(self.multipliers)
        return config
