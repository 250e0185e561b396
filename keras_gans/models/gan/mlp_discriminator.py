"""The multilayer-perceptron discriminator of the original GAN."""

import keras
from keras import layers

from keras_gans.utils.validation import check_image_shape
from keras_gans.utils.validation import check_widths


@keras.saving.register_keras_serializable(package="keras_gans")
class MLPDiscriminator(keras.Model):
    """A fully connected discriminator (Goodfellow et al. 2014).

    The flattened image goes through one `Dense`-LeakyReLU(0.2) block per
    hidden width, then a `Dense(1)` raw score (a logit, float32 under
    mixed precision).

    Args:
        image_shape: `(H, W, C)` of the images, any C.
        hidden_units: widths of the hidden layers (may be empty).
        name: the model name.
        **kwargs: other `keras.Model` arguments (`trainable`, `dtype`).

    Raises:
        ValueError: naming the argument, for a bad shape or width.

    Example:

    >>> discriminator = MLPDiscriminator((28, 28, 1))
    >>> discriminator(np.zeros((2, 28, 28, 1))).shape
    (2, 1)
    """

    def __init__(
        self,
        image_shape,
        hidden_units=(512, 256),
        name="mlp_discriminator",
        **kwargs,
    ):
        image_shape = check_image_shape(image_shape, channels=None)
        hidden_units = check_widths(
            "hidden_units", hidden_units, allow_empty=True
        )

        images = keras.Input(image_shape, name="images")
        x = layers.Flatten()(images)
        for units in hidden_units:
            x = layers.Dense(units)(x)
            x = layers.LeakyReLU(0.2)(x)
        score = layers.Dense(1, dtype="float32", name="score")(x)
        super().__init__(inputs=images, outputs=score, name=name, **kwargs)

        self.image_shape = image_shape
        self.hidden_units = hidden_units

    def get_config(self):
        return {
            "image_shape": self.image_shape,
            "hidden_units": self.hidden_units,
            "name": self.name,
        }


def build_mlp_discriminator(image_shape, hidden_units=(512, 256)):
    """Alias of `MLPDiscriminator` kept for compatibility.

    Earlier versions built the discriminator with this function, as a
    plain functional model named `"discriminator"`; it now returns
    `MLPDiscriminator(image_shape, hidden_units, name="discriminator")`,
    with the same layers. New code should use the class.
    """
    return MLPDiscriminator(image_shape, hidden_units, name="discriminator")
