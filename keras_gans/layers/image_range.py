"""Images brought into [-1, 1] at inference, untouched while training."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_gans")
class ImageRange(keras.layers.Layer):
    """Clips to [-1, 1] at inference; the identity in training.

    The output layer of a generator without a squashing activation (a
    super-resolution network adding detail to a bicubic upsampling): the
    training loss sees the raw values, so a pixel that overshoots still
    gets a gradient back into range (a clip would zero it), and an
    inference call or an export returns valid images.

    Example:

    >>> ImageRange()(np.array([-1.5, 0.2, 3.0]), training=False)
    array([-1. ,  0.2,  1. ])
    """

    def call(self, inputs, training=False):
        if training:
            return inputs
        return ops.clip(inputs, -1.0, 1.0)

    def compute_output_shape(self, input_shape):
        return input_shape
