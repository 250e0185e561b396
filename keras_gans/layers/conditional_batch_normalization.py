"""Conditional batch normalization: per-class scale and shift."""

import keras
from keras import ops

from keras_gans.utils.labels import check_num_classes
from keras_gans.utils.validation import format_received


@keras.saving.register_keras_serializable(package="keras_gans")
class ConditionalBatchNormalization(keras.layers.Layer):
    """Batch normalization whose scale and shift depend on a class label.

    `y = gamma[label] * (x - mean) / sqrt(var + epsilon) + beta[label]`,
    where `mean` and `var` are the batch statistics over every axis but the
    last in training, and the moving averages in inference (exactly as in
    `keras.layers.BatchNormalization`, which this layer uses without its
    own scale and shift). `gamma` and `beta` are `(num_classes, channels)`
    embeddings, initialised to ones and zeros so that the layer starts as
    plain batch normalization. Used in conditional generators (de Vries et
    al. 2017; Miyato & Koyama 2018).

    Call it on `[x, labels]`: `x` of shape `(N, ..., C)` and int labels of
    shape `(N,)` (or `(N, 1)`) in `[0, num_classes)`.

    Args:
        num_classes: number of label classes (>= 2).
        momentum: momentum of the moving statistics.
        epsilon: added to the variance for numerical stability.
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    Raises:
        ValueError: for `num_classes` < 2, or at build time for inputs that
            are not `[x, labels]` with a static channel count.

    Example:

    >>> cbn = ConditionalBatchNormalization(num_classes=10)
    >>> y = cbn([np.ones((4, 8, 8, 16)), np.array([0, 1, 2, 3])])
    >>> y.shape
    (4, 8, 8, 16)
    """

    def __init__(self, num_classes, momentum=0.99, epsilon=1e-3, **kwargs):
        super().__init__(**kwargs)
        self.num_classes = check_num_classes(num_classes)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        # The normalization itself (moving statistics, mixed precision) is
        # Keras' own; only the affine part is conditional.
        self.normalize = keras.layers.BatchNormalization(
            momentum=self.momentum,
            epsilon=self.epsilon,
            center=False,
            scale=False,
            dtype=self.dtype_policy,
            name="normalize",
        )
        self.gamma = None
        self.beta = None

    def build(self, input_shape):
        x_shape = self._check_input_shape(input_shape)
        channels = x_shape[-1]
        self.normalize.build(x_shape)
        self.gamma = self.add_weight(
            name="gamma",
            shape=(self.num_classes, channels),
            initializer="ones",
        )
        self.beta = self.add_weight(
            name="beta",
            shape=(self.num_classes, channels),
            initializer="zeros",
        )

    def call(self, inputs, training=None):
        x, labels = inputs
        labels = ops.reshape(ops.cast(labels, "int32"), (-1,))
        normalized = self.normalize(x, training=training)
        # (N, C) -> (N, 1, ..., 1, C) to broadcast over the spatial axes.
        shape = (-1,) + (1,) * (len(x.shape) - 2) + (x.shape[-1],)
        gamma = ops.reshape(ops.take(self.gamma, labels, axis=0), shape)
        beta = ops.reshape(ops.take(self.beta, labels, axis=0), shape)
        gamma = ops.cast(gamma, normalized.dtype)
        beta = ops.cast(beta, normalized.dtype)
        return normalized * gamma + beta

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[0])

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "num_classes": self.num_classes,
                "momentum": self.momentum,
                "epsilon": self.epsilon,
            }
        )
        return config

    def _check_input_shape(self, input_shape):
        if (
            not isinstance(input_shape, (list, tuple))
            or len(input_shape) != 2
            or not isinstance(input_shape[0], (list, tuple))
            or len(input_shape[0]) < 2
            or input_shape[0][-1] is None
        ):
            raise ValueError(
                "`ConditionalBatchNormalization` is called on [x, labels]: "
                "x of shape (batch, ..., channels) with a static channel "
                "count and int labels of shape (batch,). "
                + format_received(input_shape=input_shape)
            )
        return tuple(input_shape[0])
