"""The multilayer-perceptron generator of the original GAN."""

import math

import keras
from keras import layers

from keras_gans.utils.validation import check_image_shape
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import check_widths


@keras.saving.register_keras_serializable(package="keras_gans")
class MLPGenerator(keras.Model):
    """A fully connected generator (Goodfellow et al. 2014).

    One `Dense`-BatchNorm(momentum 0.8)-LeakyReLU(0.2) block per hidden
    width, then a `Dense` layer with one unit per pixel, reshaped to the
    image and passed through tanh (float32 under mixed precision).

    Args:
        latent_dim: latent size.
        image_shape: `(H, W, C)` of the images, any C.
        hidden_units: widths of the hidden layers (may be empty).
        name: the model name.
        **kwargs: other `keras.Model` arguments (`trainable`, `dtype`).

    Raises:
        ValueError: naming the argument, for a bad latent size, shape or
            width.

    Example:

    >>> generator = MLPGenerator(100, (28, 28, 1))
    >>> generator(np.zeros((2, 100))).shape
    (2, 28, 28, 1)
    """

    def __init__(
        self,
        latent_dim,
        image_shape,
        hidden_units=(256, 512, 1024),
        name="mlp_generator",
        **kwargs,
    ):
        latent_dim = check_positive_int("latent_dim", latent_dim)
        image_shape = check_image_shape(image_shape, channels=None)
        hidden_units = check_widths(
            "hidden_units", hidden_units, allow_empty=True
        )

        z = keras.Input((latent_dim,), name="latent")
        x = z
        for units in hidden_units:
            x = layers.Dense(units)(x)
            x = layers.BatchNormalization(momentum=0.8)(x)
            x = layers.LeakyReLU(0.2)(x)
        x = layers.Dense(math.prod(image_shape))(x)
        x = layers.Reshape(image_shape)(x)
        # float32 images under any mixed-precision policy.
        images = layers.Activation("tanh", dtype="float32", name="images")(x)
        super().__init__(inputs=z, outputs=images, name=name, **kwargs)

        self.latent_dim = latent_dim
        self.image_shape = image_shape
        self.hidden_units = hidden_units

    def get_config(self):
        return {
            "latent_dim": self.latent_dim,
            "image_shape": self.image_shape,
            "hidden_units": self.hidden_units,
            "name": self.name,
        }


def build_mlp_generator(latent_dim, image_shape, hidden_units=(256, 512, 1024)):
    """Alias of `MLPGenerator` kept for compatibility.

    Earlier versions built the generator with this function, as a plain
    functional model named `"generator"`; it now returns
    `MLPGenerator(latent_dim, image_shape, hidden_units,
    name="generator")`, with the same layers. New code should use the
    class.
    """
    return MLPGenerator(latent_dim, image_shape, hidden_units, name="generator")
