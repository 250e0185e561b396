"""The discriminator of SRGAN (Ledig et al. 2017)."""

import keras
from keras import layers

from keras_gans.utils.validation import check_image_shape
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received

NEGATIVE_SLOPE = 0.2


@keras.saving.register_keras_serializable(package="keras_gans")
class SRGANDiscriminator(keras.Model):
    """SRGAN's critic: eight 3x3 convolutions, then Dense 1024 and Dense 1.

    The convolutions have `filters`, `filters`, `2 filters`, `2 filters`,
    `4 filters`, `4 filters`, `8 filters`, `8 filters` channels (64 to 512
    in the paper), stride 2 at the second of each pair (the first layer of
    each width keeps the size), BatchNorm after all but the first, and
    LeakyReLU 0.2; then Dense(`dense_units`), LeakyReLU and Dense(1): one
    logit per HR image. The dense head fixes the input size: the
    discriminator judges training patches (96x96 in the paper).

    Args:
        image_shape: `(H, W, C)` of the HR patches; H and W at least 16 (the
            four stride-2 layers).
        filters: width of the first convolution (64).
        dense_units: width of the hidden dense layer (1024).
        name: the model name.
        **kwargs: other `keras.Model` arguments.

    Raises:
        ValueError: for a bad or too small `image_shape`, or a non-positive
            width.

    Example:

    >>> critic = SRGANDiscriminator((96, 96, 3))
    >>> critic(np.zeros((2, 96, 96, 3))).shape
    (2, 1)
    """

    def __init__(
        self,
        image_shape,
        filters=64,
        dense_units=1024,
        name="srgan_discriminator",
        **kwargs,
    ):
        image_shape = check_image_shape(image_shape, channels=None)
        if min(image_shape[:2]) < 16:
            raise ValueError(
                "`image_shape` height and width must be at least 16 (four "
                "stride-2 convolutions). "
                + format_received(image_shape=image_shape)
            )
        filters = check_positive_int("filters", filters)
        dense_units = check_positive_int("dense_units", dense_units)

        inputs = keras.Input(image_shape, name="images")
        x = inputs
        for i in range(8):
            width = filters * 2 ** (i // 2)
            x = layers.Conv2D(
                width,
                3,
                strides=1 + i % 2,
                padding="same",
                use_bias=i == 0,
                name=f"conv{i}",
            )(x)
            if i:
                x = layers.BatchNormalization(momentum=0.9, name=f"bn{i}")(x)
            x = layers.LeakyReLU(NEGATIVE_SLOPE, name=f"lrelu{i}")(x)
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(dense_units, name="dense")(x)
        x = layers.LeakyReLU(NEGATIVE_SLOPE, name="dense_lrelu")(x)
        outputs = layers.Dense(1, dtype="float32", name="logits")(x)
        super().__init__(inputs=inputs, outputs=outputs, name=name, **kwargs)

        self.image_shape = image_shape
        self.filters = filters
        self.dense_units = dense_units

    def get_config(self):
        return {
            "image_shape": self.image_shape,
            "filters": self.filters,
            "dense_units": self.dense_units,
            "name": self.name,
            "trainable": self.trainable,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)
