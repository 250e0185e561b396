"""Input-gradient penalties on a discriminator, written with `keras.ops`.

The gradient with respect to the inputs comes from the backend's training
driver (`input_gradients`), the only place that knows how to take
reverse-mode gradients on TensorFlow, JAX and torch.
"""

import keras
from keras import ops


def _per_example_squared_norm(gradients):
    axes = list(range(1, len(ops.shape(gradients))))
    return ops.sum(ops.square(gradients), axis=axes)


def gradient_penalty(
    input_gradients, network, real, fake, seed_generator, wrap_inputs=None
):
    """WGAN-GP's two-sided penalty `mean((||grad D(x_hat)||_2 - 1)^2)`.

    `x_hat` are random interpolates `real + alpha * (fake - real)` with one
    `alpha ~ U(0, 1)` per example (Gulrajani et al. 2017, algorithm 1).

    Args:
        input_gradients: the driver's `input_gradients(network, x, wrap)`.
        network: the critic.
        real: real images `(N, ...)`.
        fake: generated images of the same shape (gradients stopped).
        seed_generator: `keras.random.SeedGenerator` for `alpha`.
        wrap_inputs: optional `x -> network inputs` (e.g. adds labels).

    Returns:
        The unweighted penalty, a scalar.
    """
    alpha_shape = (ops.shape(real)[0],) + (1,) * (len(ops.shape(real)) - 1)
    alpha = keras.random.uniform(alpha_shape, seed=seed_generator)
    alpha = ops.cast(alpha, real.dtype)
    interpolates = real + alpha * (fake - real)
    gradients = input_gradients(network, interpolates, wrap_inputs)
    # The epsilon keeps the square root differentiable at a zero gradient.
    norms = ops.sqrt(_per_example_squared_norm(gradients) + 1e-12)
    return ops.mean(ops.square(norms - 1.0))


def r1_penalty(input_gradients, network, real, wrap_inputs=None):
    """R1 (Mescheder et al. 2018): `mean(||grad D(x_real)||_2^2)`.

    Multiply by `gamma / 2` for the usual weighting.

    Args:
        input_gradients: the driver's `input_gradients(network, x, wrap)`.
        network: the discriminator.
        real: real images `(N, ...)`.
        wrap_inputs: optional `x -> network inputs` (e.g. adds labels).

    Returns:
        The unweighted penalty, a scalar.
    """
    gradients = input_gradients(network, real, wrap_inputs)
    return ops.mean(_per_example_squared_norm(gradients))
