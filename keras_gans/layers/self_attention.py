"""The SAGAN self-attention block (Zhang et al. 2019)."""

import keras
from keras import ops

from keras_gans.layers.spectral_normalization import SpectralNormalization
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received


@keras.saving.register_keras_serializable(package="keras_gans")
class SelfAttention(keras.layers.Layer):
    """Self-attention over the spatial positions of a `(N, H, W, C)` map.

    Every position attends to every other one, so a generator or
    discriminator can relate distant parts of an image. With `x` the input:

    - query `f = conv_f(x)` and key `g = conv_g(x)` have
      `C // channels_reduction` channels, value `h = conv_h(x)` has
      `C // value_reduction` channels (all 1x1 convolutions);
    - `attention = softmax(f g^T)` over the `H * W` key positions;
    - `o = conv_o(attention h)` maps back to `C` channels;
    - the output is `x + gamma * o`, with the trainable scalar `gamma`
      starting at 0 so the block starts as the identity.

    The 1x1 convolutions have no bias, as in BigGAN. Unlike BigGAN, keys and
    values are not max-pooled, so every position is attended at full
    resolution (memory grows as `(H * W)^2`). Only `channels_last` inputs
    with static height, width and channels are supported; the batch size
    may be dynamic, so the block works in functional models exported to
    SavedModel or LiteRT.

    Args:
        channels_reduction: divides `C` to get the query and key channels.
        value_reduction: divides `C` to get the value channels.
        spectral_norm: whether to wrap each 1x1 convolution in
            `SpectralNormalization`.
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    Raises:
        ValueError: if `channels_reduction` or `value_reduction` is not a
            positive integer, or, at build time, the input is not
            `(N, H, W, C)` with static `H, W, C` and
            `C >= max(channels_reduction, value_reduction)`.

    Example:

    >>> attention = SelfAttention()
    >>> y = attention(np.ones((2, 8, 8, 16)))
    >>> y.shape
    (2, 8, 8, 16)

    Reference:
        Zhang et al., "Self-Attention Generative Adversarial Networks",
        ICML 2019. https://arxiv.org/abs/1805.08318
    """

    def __init__(
        self,
        channels_reduction=8,
        value_reduction=2,
        spectral_norm=True,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.channels_reduction = check_positive_int(
            "channels_reduction", channels_reduction
        )
        self.value_reduction = check_positive_int(
            "value_reduction", value_reduction
        )
        self.spectral_norm = bool(spectral_norm)
        self.query_conv = None
        self.key_conv = None
        self.value_conv = None
        self.output_conv = None
        self.gamma = None

    def build(self, input_shape):
        height, width, channels = self._check_input_shape(input_shape)
        attention_channels = channels // self.channels_reduction
        value_channels = channels // self.value_reduction
        self.query_conv = self._conv(attention_channels, "query")
        self.key_conv = self._conv(attention_channels, "key")
        self.value_conv = self._conv(value_channels, "value")
        self.output_conv = self._conv(channels, "output")
        for conv in (self.query_conv, self.key_conv, self.value_conv):
            conv.build(input_shape)
        self.output_conv.build(
            (input_shape[0], height, width, value_channels)
        )
        self.gamma = self.add_weight(
            name="gamma", shape=(), initializer="zeros", trainable=True
        )

    def call(self, inputs, training=False):
        _, height, width, _ = inputs.shape
        query = self._flatten(self.query_conv(inputs, training=training))
        key = self._flatten(self.key_conv(inputs, training=training))
        value = self._flatten(self.value_conv(inputs, training=training))
        attention = self._attention(query, key)
        attended = ops.matmul(attention, value)
        attended = ops.reshape(attended, (-1, height, width, value.shape[-1]))
        outputs = self.output_conv(attended, training=training)
        gamma = ops.cast(self.gamma, outputs.dtype)
        return ops.add(inputs, ops.multiply(gamma, outputs))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "channels_reduction": self.channels_reduction,
                "value_reduction": self.value_reduction,
                "spectral_norm": self.spectral_norm,
            }
        )
        return config

    def _check_input_shape(self, input_shape):
        shape = tuple(input_shape)
        smallest = max(self.channels_reduction, self.value_reduction)
        if (
            len(shape) != 4
            or any(dim is None for dim in shape[1:])
            or shape[3] < smallest
        ):
            raise ValueError(
                "`SelfAttention` expects inputs of shape (batch, height, "
                "width, channels) with static height, width and channels "
                f">= {smallest} (channels_reduction={self.channels_reduction}"
                f", value_reduction={self.value_reduction}). "
                + format_received(input_shape=shape)
            )
        return shape[1:]

    def _conv(self, filters, role):
        conv = keras.layers.Conv2D(
            filters,
            1,
            use_bias=False,
            dtype=self.dtype_policy,
            name=f"{role}_conv",
        )
        if not self.spectral_norm:
            return conv
        return SpectralNormalization(
            conv, dtype=self.dtype_policy, name=f"{role}_spectral_norm"
        )

    def _flatten(self, feature_map):
        # (N, H, W, C) -> (N, H * W, C); -1 keeps the batch size dynamic.
        _, height, width, channels = feature_map.shape
        return ops.reshape(feature_map, (-1, height * width, channels))

    def _attention(self, query, key):
        logits = ops.matmul(query, ops.transpose(key, (0, 2, 1)))
        # Softmax in float32: float16 logits over H * W keys overflow easily.
        weights = ops.softmax(ops.cast(logits, "float32"), axis=-1)
        return ops.cast(weights, query.dtype)
