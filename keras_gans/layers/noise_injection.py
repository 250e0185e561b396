"""Per-pixel noise with a learned per-channel strength (StyleGAN)."""

import keras
from keras import ops

from keras_gans.utils.validation import format_received


@keras.saving.register_keras_serializable(package="keras_gans")
class NoiseInjection(keras.layers.Layer):
    """Adds `strength * noise` to a feature map (Karras et al. 2019).

    One N(0, 1) value per pixel, shared by the channels and scaled by a
    learned per-channel strength that starts at 0. In training the noise
    is drawn fresh from the layer's `SeedGenerator`; at inference it is a
    fixed map drawn once and stored with the weights (StyleGAN2's
    `noise_mode="const"`), so equal latents give equal images, exports are
    deterministic, and projection can optimize it.

    Args:
        seed: seed of the training noise and of the fixed map.
        **kwargs: base `Layer` arguments (`name`, `dtype`).

    Raises:
        ValueError: for an input without a static height and width.

    Example:
    >>> layer = NoiseInjection(seed=0)
    >>> layer(np.zeros((2, 4, 4, 8), "float32")).shape
    (2, 4, 4, 8)
    """

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def build(self, input_shape):
        height, width, channels = input_shape[1:]
        if height is None or width is None:
            raise ValueError(
                "NoiseInjection needs a static height and width (its fixed "
                "inference noise has the feature map's size). "
                + format_received(input_shape=input_shape)
            )
        self.strength = self.add_weight(
            shape=(int(channels),), initializer="zeros", name="strength"
        )
        self.noise = self.add_weight(
            shape=(1, int(height), int(width), 1),
            initializer=keras.initializers.RandomNormal(
                stddev=1.0, seed=self.seed
            ),
            trainable=False,
            name="noise",
        )

    def call(self, inputs, training=False, noise=None):
        """`noise`, a `(N or 1, H, W, 1)` map, overrides both modes
        (projection optimizes it)."""
        if noise is not None:
            noise = ops.cast(noise, inputs.dtype)
        elif training:
            shape = ops.shape(inputs)
            noise = keras.random.normal(
                (shape[0], shape[1], shape[2], 1),
                seed=self.seed_generator,
                dtype=inputs.dtype,
            )
        else:
            noise = ops.cast(self.noise, inputs.dtype)
        return inputs + noise * ops.cast(self.strength, inputs.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["seed"] = self.seed
        return config
