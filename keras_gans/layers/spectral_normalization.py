"""Spectral normalization (Miyato et al. 2018) that never writes the kernel."""

import numbers

import keras
from keras import ops

from keras_gans.layers.sub_pixel_conv2d_transpose import (
    sub_pixel_conv_transpose,
)
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received

_CONVOLUTIONS = (keras.layers.Conv1D, keras.layers.Conv2D, keras.layers.Conv3D)
_TRANSPOSED_CONVOLUTIONS = (
    keras.layers.Conv1DTranspose,
    keras.layers.Conv2DTranspose,
    keras.layers.Conv3DTranspose,
)
_SUPPORTED_LAYERS = (
    (keras.layers.Dense, keras.layers.Embedding)
    + _CONVOLUTIONS
    + _TRANSPOSED_CONVOLUTIONS
)


def _check_layer(layer):
    if not isinstance(layer, _SUPPORTED_LAYERS):
        names = ", ".join(cls.__name__ for cls in _SUPPORTED_LAYERS)
        raise ValueError(
            f"`layer` must be one of {names}. "
            + format_received(layer=type(layer).__name__)
        )
    return layer


def _check_epsilon(epsilon):
    if (
        isinstance(epsilon, bool)
        or not isinstance(epsilon, numbers.Real)
        or not epsilon > 0
    ):
        raise ValueError(
            "`epsilon` must be a positive number. "
            + format_received(epsilon=epsilon)
        )
    return float(epsilon)


def _random_unit_vector(shape, dtype=None):
    vector = keras.random.normal(shape, dtype=dtype)
    return vector / ops.norm(vector)


def _normalize(vector, epsilon):
    # Same as torch.nn.functional.normalize: a zero vector stays zero
    # instead of becoming NaN.
    return vector / ops.maximum(ops.norm(vector), epsilon)


def _causal_padding(layer):
    # Mirrors `Conv1D._compute_causal_padding`, which is private.
    left = layer.dilation_rate[0] * (layer.kernel_size[0] - 1)
    if layer.data_format == "channels_last":
        return [[0, 0], [left, 0], [0, 0]]
    return [[0, 0], [0, 0], [left, 0]]


@keras.saving.register_keras_serializable(package="keras_gans")
class SpectralNormalization(keras.layers.Wrapper):
    """Divides a layer's kernel by its largest singular value on every call.

    Unlike `keras.layers.SpectralNormalization`, this wrapper never assigns
    the wrapped layer's kernel. As in PyTorch's `spectral_norm`, the raw
    kernel `W` stays the trainable weight, the power-iteration vector `u`
    lives in a non-trainable variable, and every call computes
    `W / sigma(W)` on the fly. JAX's stateless training returns updated
    non-trainable variables (like BatchNormalization statistics) but drops
    writes to trainable ones, so this design trains identically on the
    TensorFlow, JAX and PyTorch backends.

    `W` is viewed as a matrix of shape `(-1, W.shape[-1])`. A training call
    runs `power_iterations` steps of `v = normalize(u W^T)`,
    `u = normalize(v W)` and stores the new `u`; an inference call uses the
    stored `u` as is. `sigma = v W u^T` is differentiated through `W` only.
    `sigma` is computed in the variable dtype (float32 under mixed precision)
    and the normalized kernel is then cast to the wrapped layer's compute
    dtype. (Inside a model the float32 kernel is read; a mixed-precision
    wrapper called on its own sees the kernel Keras autocasts, so its
    estimate is only as precise as the compute dtype.)

    Args:
        layer: the layer to normalize: a `keras.layers.Dense`,
            `Conv1D`/`Conv2D`/`Conv3D`, `Conv1DTranspose`/`Conv2DTranspose`/
            `Conv3DTranspose` or `Embedding` (built or not). Its
            `kernel_constraint`, `kernel_regularizer` and bias still apply;
            its activity regularizer and quantization/LoRA modes are not
            supported.
        power_iterations: power-iteration steps per training call.
        epsilon: floor for vector norms and `sigma`, so a zero kernel gives
            zero outputs instead of NaN.
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    Raises:
        ValueError: if `layer` is not a supported layer type, or
            `power_iterations` or `epsilon` is not positive.

    Example:

    >>> dense = SpectralNormalization(keras.layers.Dense(4))
    >>> y = dense(np.ones((2, 3)), training=True)
    >>> y.shape
    (2, 4)

    Reference:
        Miyato et al., "Spectral Normalization for Generative Adversarial
        Networks", ICLR 2018. https://arxiv.org/abs/1802.05957
    """

    def __init__(self, layer, power_iterations=1, epsilon=1e-12, **kwargs):
        layer = _check_layer(layer)
        power_iterations = check_positive_int(
            "power_iterations", power_iterations
        )
        epsilon = _check_epsilon(epsilon)
        # The output has the wrapped layer's dtype, so report that one.
        kwargs.setdefault("dtype", layer.dtype_policy)
        # Inside a mixed-precision model this reads the kernel in float32,
        # so sigma is estimated at full precision; `call` casts the result.
        kwargs["autocast"] = False
        super().__init__(layer, **kwargs)
        self.power_iterations = power_iterations
        self.epsilon = epsilon
        self.vector_u = None

    def build(self, input_shape):
        super().build(input_shape)
        self.input_spec = self.layer.input_spec
        kernel = self._kernel()
        self.vector_u = self.add_weight(
            name="vector_u",
            shape=(1, kernel.shape[-1]),
            initializer=_random_unit_vector,
            dtype=self.layer.variable_dtype,
            trainable=False,
            autocast=False,
            # Every replica computes the same `u` from the same kernel, so
            # MirroredStrategy may keep the first replica's update.
            aggregation="only_first_replica",
        )

    def call(self, inputs, training=False):
        matrix = self._kernel_matrix()
        if training:
            vector_u, vector_v = self._power_iteration(matrix)
            self.vector_u.assign(vector_u)
        else:
            vector_u, vector_v = self._stored_vectors(matrix)
        sigma = self._sigma(matrix, vector_u, vector_v)
        kernel = ops.divide(self._kernel(), sigma)
        kernel = ops.cast(kernel, self.layer.compute_dtype)
        return self._forward(inputs, kernel)

    def spectral_norm_estimate(self):
        """Returns the current estimate of the kernel's spectral norm.

        Uses the stored `u` and does not update it.

        Returns:
            A float scalar tensor in the variable dtype.
        """
        matrix = self._kernel_matrix()
        sigma = self._sigma(matrix, *self._stored_vectors(matrix))
        return ops.reshape(sigma, ())

    def normalized_kernel(self):
        """Returns `kernel / spectral_norm_estimate()`, as used in inference.

        Returns:
            A tensor with the wrapped layer's kernel shape, in the variable
            dtype.
        """
        return ops.divide(self._kernel(), self.spectral_norm_estimate())

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def compute_mask(self, inputs, mask=None):
        return self.layer.compute_mask(inputs, mask)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "power_iterations": self.power_iterations,
                "epsilon": self.epsilon,
            }
        )
        return config

    def _kernel(self):
        if isinstance(self.layer, keras.layers.Embedding):
            return self.layer.embeddings
        return self.layer.kernel

    def _kernel_matrix(self):
        kernel = self._kernel()
        return ops.reshape(kernel, (-1, kernel.shape[-1]))

    def _power_iteration(self, matrix):
        previous_u = self.vector_u.value
        vector_u = previous_u
        for _ in range(self.power_iterations):
            vector_v = self._left_vector(matrix, vector_u)
            vector_u = _normalize(ops.matmul(vector_v, matrix), self.epsilon)
        # An all-zero kernel would zero `u` for good; keep the old one.
        degenerate = ops.all(ops.equal(vector_u, 0))
        vector_u = ops.where(degenerate, previous_u, vector_u)
        return ops.stop_gradient(vector_u), ops.stop_gradient(vector_v)

    def _stored_vectors(self, matrix):
        vector_u = ops.stop_gradient(self.vector_u.value)
        vector_v = self._left_vector(matrix, vector_u)
        return vector_u, ops.stop_gradient(vector_v)

    def _left_vector(self, matrix, vector_u):
        return _normalize(
            ops.matmul(vector_u, ops.transpose(matrix)), self.epsilon
        )

    def _sigma(self, matrix, vector_u, vector_v):
        sigma = ops.matmul(
            ops.matmul(vector_v, matrix), ops.transpose(vector_u)
        )
        return ops.maximum(sigma, self.epsilon)

    def _forward(self, inputs, kernel):
        if isinstance(self.layer, keras.layers.Embedding):
            return self._embedding(inputs, kernel)
        inputs = ops.cast(inputs, self.layer.compute_dtype)
        if isinstance(self.layer, keras.layers.Dense):
            outputs = ops.matmul(inputs, kernel)
        elif isinstance(self.layer, _TRANSPOSED_CONVOLUTIONS):
            outputs = self._conv_transpose(inputs, kernel)
        else:
            outputs = self._conv(inputs, kernel)
        return self._bias_and_activation(outputs)

    def _embedding(self, inputs, kernel):
        # Mirrors `Embedding.call`.
        dtype = keras.backend.standardize_dtype(inputs.dtype)
        if dtype not in ("int32", "int64"):
            inputs = ops.cast(inputs, "int32")
        return ops.take(kernel, inputs, axis=0)

    def _conv(self, inputs, kernel):
        # Mirrors `BaseConv.call` and `Conv1D.call` (causal padding).
        layer = self.layer
        if layer.padding != "causal":
            return layer.convolution_op(inputs, kernel)
        return ops.conv(
            ops.pad(inputs, _causal_padding(layer)),
            kernel,
            strides=list(layer.strides),
            padding="valid",
            dilation_rate=layer.dilation_rate,
            data_format=layer.data_format,
        )

    def _conv_transpose(self, inputs, kernel):
        # Mirrors `BaseConvTranspose.call` (computed like
        # `SubPixelConv2DTranspose` where that is faster).
        layer = self.layer
        return sub_pixel_conv_transpose(
            inputs,
            kernel,
            strides=list(layer.strides),
            padding=layer.padding,
            output_padding=layer.output_padding,
            dilation_rate=layer.dilation_rate,
            data_format=layer.data_format,
        )

    def _bias_and_activation(self, outputs):
        layer = self.layer
        if layer.bias is not None:
            bias = ops.cast(layer.bias, layer.compute_dtype)
            if not isinstance(layer, keras.layers.Dense):
                bias = ops.reshape(bias, self._conv_bias_shape())
            outputs = ops.add(outputs, bias)
        if layer.activation is not None:
            outputs = layer.activation(outputs)
        return outputs

    def _conv_bias_shape(self):
        layer = self.layer
        if layer.data_format == "channels_last":
            return (1,) * (layer.rank + 1) + (layer.filters,)
        return (1, layer.filters) + (1,) * layer.rank
