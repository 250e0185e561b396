"""Reverse-mode differentiation of `keras.ops` code on every backend."""

from keras_gans.training.drivers import get_driver


def vjp(fn, inputs, cotangent=None, create_graph=True):
    """The vector-Jacobian product of `fn` at `inputs`: `(y, Jᵀ·v)`.

    `keras.ops` has no reverse-mode gradient; this is the one primitive
    keras-gans builds input-gradient penalties (WGAN-GP, R1), path-length
    regularization and input optimization (projection) on. It wraps
    `tf.GradientTape`, `jax.vjp` or `torch.autograd.grad`.

    `fn` runs in a scope that reads the current state of every variable
    but discards what it assigns: a network called in training mode inside
    it does not update its BatchNorm statistics, seeds or metrics.

    Args:
        fn: a function of `inputs` written with `keras.ops` (it may call
            Keras layers and models) returning one tensor `y`.
        inputs: a tensor, or a list/tuple/dict of tensors, to
            differentiate with respect to. Tensors computed from weights
            stay connected to them.
        cotangent: the vector `v`, shaped like `y`; `None` means ones,
            i.e. the gradient of `sum(y)`.
        create_graph: keep the result differentiable with respect to the
            weights `fn` reads and to how `inputs` were computed (second
            order: a penalty's gradient reaches the weights). `False`
            returns a constant.

    Returns:
        `(y, gradients)` with `gradients` structured like `inputs`.

    Example:

    ```python
    # R1: the squared norm of the critic's gradient at the real images.
    scores, grads = vjp(lambda x: critic(x, training=True), real_images)
    r1 = ops.mean(ops.sum(ops.square(grads), axis=(1, 2, 3)))
    ```
    """
    return get_driver().vjp(fn, inputs, cotangent, create_graph)
