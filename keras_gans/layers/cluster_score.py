"""One adversarial score per code category, read at the image's category."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_gans")
class ClusterScore(keras.layers.Layer):
    """Picks each image's score from per-category scores by its code logits.

    Called on `[scores, code_logits]`, both `(N, K)`: returns `(N, 1)`, the
    entry of `scores` at `argmax(code_logits)`. A discriminator with one
    score per category of InfoGAN's code then judges every image, real or
    fake, against the images of the category its code head reads (a
    discriminator conditioned on self-found clusters, as in self-
    conditioned GANs, Liu et al. 2020): a category that draws only the
    easy half of its mode is told so. The arg-max passes no gradient to
    the code head, which only its own losses train.

    Raises:
        ValueError: at build, when `scores` and `code_logits` do not have
            the same number of categories.

    Example:

    ```python
    layer = keras_gans.layers.ClusterScore()
    layer([np.array([[1.0, 2.0]]), np.array([[0.1, 3.0]])])  # [[2.0]]
    ```
    """

    def build(self, input_shape):
        scores_shape, logits_shape = input_shape
        if scores_shape[-1] != logits_shape[-1]:
            raise ValueError(
                "ClusterScore needs one score per code category: `scores` "
                "and `code_logits` must have the same last dimension. "
                f"Received: scores shape={tuple(scores_shape)}, "
                f"code_logits shape={tuple(logits_shape)}"
            )

    def call(self, inputs):
        scores, code_logits = inputs
        picked = ops.one_hot(
            ops.argmax(code_logits, axis=-1),
            ops.shape(scores)[-1],
            dtype=scores.dtype,
        )
        return ops.sum(scores * picked, axis=-1, keepdims=True)

    def compute_output_shape(self, input_shape):
        return (input_shape[0][0], 1)
