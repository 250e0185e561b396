"""A categorical code read off the latent vector (InfoGAN, Chen et al. 2016)."""

import keras
from keras import ops

from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received


def one_hot_code(z, num_classes):
    """The one-hot category of each latent: where `z[:, :num_classes]` is
    largest (the first such entry on a tie), in `z`'s dtype.

    The arg-max of `num_classes` independent standard normals is uniform
    over the categories, so latents drawn as usual (`N(0, I)`) carry a
    uniform categorical code with no extra input. Built from a max, a
    comparison and a cumulative sum: `ops.argmax` on TensorFlow lowers to
    bitwise operations that TFLite's builtin kernels lack.
    """
    head = z[:, :num_classes]
    top = ops.cast(
        ops.equal(head, ops.max(head, axis=-1, keepdims=True)), z.dtype
    )
    return top * ops.cast(ops.equal(ops.cumsum(top, axis=-1), 1.0), z.dtype)


def latent_code(z, num_classes):
    """The category index of each latent (see `one_hot_code`).

    Returns:
        `(N,)` int32 categories.
    """
    return ops.cast(
        ops.argmax(one_hot_code(z, num_classes), axis=-1), "int32"
    )


def code_loss(z, code_logits, num_classes):
    """InfoGAN's term: the cross-entropy of a discriminator's code logits
    on the fakes against the category their latents `z` carry."""
    cross_entropy = keras.losses.sparse_categorical_crossentropy(
        latent_code(z, num_classes), code_logits, from_logits=True
    )
    return ops.mean(cross_entropy)


def code_mutual_information(logits):
    """The code head's mutual information with a batch of images.

    `H(mean_i p_i) - mean_i H(p_i)` for the categorical predictions `p_i =
    softmax(logits_i)` (IMSAT, Hu et al. 2017): large when each image gets
    one category with confidence and the batch uses all of them equally.

    Args:
        logits: `(N, K)` code logits.

    Returns:
        A scalar, between 0 and `log(K)`.
    """
    log_p = ops.log_softmax(logits, axis=-1)
    p = ops.exp(log_p)
    mean_entropy = -ops.mean(ops.sum(p * log_p, axis=-1))
    marginal = ops.mean(p, axis=0)
    marginal_entropy = -ops.sum(marginal * ops.log(marginal + 1e-8))
    return marginal_entropy - mean_entropy


@keras.saving.register_keras_serializable(package="keras_gans")
class CategoricalLatentCode(keras.layers.Layer):
    """Appends the one-hot code of `one_hot_code(z, num_classes)` to `z`.

    An unconditional generator maps one connected latent space onto data
    made of separate modes (the ten digits); a continuous map must then
    also draw the in-between shapes. A discrete code lets the generator
    switch modes instead: with an InfoGAN term (a head on the
    discriminator that must recover the code from the image) each
    category comes to stand for one mode, and the arg-max of normal
    latents draws the categories in equal shares. The generator keeps one
    latent input, so it samples and exports like any other.

    Args:
        num_classes: categories; the latent must have at least as many
            entries.
        **kwargs: base `Layer` arguments (`name`, `dtype`).

    Raises:
        ValueError: naming the argument, for a non-positive `num_classes`
            or a latent smaller than it.

    Example:

    >>> layer = CategoricalLatentCode(10)
    >>> layer(np.random.normal(size=(4, 64))).shape
    (4, 74)
    """

    def __init__(self, num_classes, **kwargs):
        super().__init__(**kwargs)
        self.num_classes = check_positive_int("num_classes", num_classes)

    def build(self, input_shape):
        if len(input_shape) != 2 or (
            input_shape[-1] is not None and input_shape[-1] < self.num_classes
        ):
            raise ValueError(
                "CategoricalLatentCode expects (batch, latent_dim) latents "
                "with latent_dim >= `num_classes`. "
                + format_received(
                    input_shape=input_shape, num_classes=self.num_classes
                )
            )
        self.built = True

    def call(self, z):
        return ops.concatenate([z, one_hot_code(z, self.num_classes)], axis=-1)

    def compute_output_shape(self, input_shape):
        dim = input_shape[-1]
        return (input_shape[0], None if dim is None else dim + self.num_classes)

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes}
