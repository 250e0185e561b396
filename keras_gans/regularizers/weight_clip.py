"""Weight clipping of the original WGAN critic (Arjovsky et al. 2017)."""

import keras
from keras import ops

from keras_gans.utils.validation import format_received


@keras.saving.register_keras_serializable(package="keras_gans")
class WeightClip(keras.constraints.Constraint):
    """Clips every weight to `[-clip_value, clip_value]` after each update.

    Keras optimizers apply variable constraints right after the gradient
    update on every backend (also inside JAX's `stateless_apply`), which is
    exactly where WGAN clips.

    Args:
        clip_value: positive bound c (the paper uses 0.01).

    Raises:
        ValueError: if `clip_value` is not a positive number.

    Example:

    ```python
    for variable in critic.trainable_variables:
        variable.constraint = keras_gans.regularizers.WeightClip(0.01)
    ```
    """

    def __init__(self, clip_value=0.01):
        if isinstance(clip_value, bool) or not (
            isinstance(clip_value, (int, float)) and clip_value > 0
        ):
            raise ValueError(
                "`clip_value` must be a positive number. "
                + format_received(clip_value=clip_value)
            )
        self.clip_value = float(clip_value)

    def __call__(self, w):
        return ops.clip(w, -self.clip_value, self.clip_value)

    def get_config(self):
        return {"clip_value": self.clip_value}
