"""`keras_gans.training.vjp` on the active backend.

Closed forms and float64 NumPy replicas of small networks (finite
differences) are the references; the outer derivative of the second-order
checks is the backend's own (tf.GradientTape, jax.grad over a stateless
call, torch.autograd), as in a training step.
"""

import keras
import numpy as np
import pytest
from keras import ops

from keras_gans.training import vjp
from tests.helpers import snapshot
from tests.helpers import to_numpy


def _tensor(array):
    return ops.convert_to_tensor(np.asarray(array, "float32"))


def _normal(shape, seed, scale=1.0):
    rng = np.random.default_rng(seed)
    return (scale * rng.normal(size=shape)).astype("float32")


def weight_gradients(loss_fn, variables):
    """The gradients of the scalar `loss_fn()` w.r.t. `variables` (NumPy),
    zeros where it does not depend on one. The backend's own gradient, as
    the training step takes it: a tape on TensorFlow, autograd on torch,
    `jax.grad` of a call in a `StatelessScope` mapping the variables on
    JAX."""
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        with tf.GradientTape() as tape:
            loss = loss_fn()
        grads = tape.gradient(loss, variables)
    elif backend == "jax":
        import jax

        def stateless(values):
            mapping = list(zip(variables, values))
            with keras.StatelessScope(state_mapping=mapping):
                return loss_fn()

        grads = jax.grad(stateless)([v.value for v in variables])
    else:
        import torch

        loss = loss_fn()
        grads = [None] * len(variables)
        if loss.requires_grad:
            grads = torch.autograd.grad(
                loss, [v.value for v in variables], allow_unused=True
            )
    return [
        np.zeros(v.shape) if g is None else to_numpy(g)
        for g, v in zip(grads, variables)
    ]


def finite_differences(fn, x, eps=1e-6):
    """Central differences of the float64 scalar function `fn` at `x`."""
    x = np.asarray(x, "float64")
    grads = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[index] = eps
        grads[index] = (fn(x + step) - fn(x - step)) / (2 * eps)
    return grads


def _randomize(network, seed):
    rng = np.random.default_rng(seed)
    for variable in network.trainable_variables:
        variable.assign(rng.normal(size=variable.shape).astype("float32"))


# --------------------------------------------------------- closed forms


@pytest.mark.parametrize("given", [True, False], ids=["cotangent", "ones"])
def test_elementwise_sin(given):
    x = _normal((3, 4), 0)
    v = _normal((3, 4), 1) if given else np.ones((3, 4), "float32")
    y, grads = vjp(ops.sin, _tensor(x), _tensor(v) if given else None)
    np.testing.assert_allclose(to_numpy(y), np.sin(x), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(
        to_numpy(grads), np.cos(x) * v, rtol=1e-5, atol=1e-6
    )


@pytest.mark.parametrize("given", [True, False], ids=["cotangent", "ones"])
def test_matmul_with_respect_to_both_factors(given):
    x, w = _normal((3, 4), 0), _normal((4, 2), 1)
    v = _normal((3, 2), 2) if given else np.ones((3, 2), "float32")
    y, (grad_x, grad_w) = vjp(
        lambda t: ops.matmul(t[0], t[1]),
        [_tensor(x), _tensor(w)],
        _tensor(v) if given else None,
    )
    np.testing.assert_allclose(to_numpy(y), x @ w, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(to_numpy(grad_x), v @ w.T, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(to_numpy(grad_w), x.T @ v, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("given", [True, False], ids=["cotangent", "ones"])
def test_squared_sum_of_a_linear_map(given):
    # y_i = (sum_j (x W)_ij)^2, so dy_i/dx_i = 2 s_i W 1.
    x, w = _normal((5, 3), 0), _normal((3, 4), 1)
    v = _normal((5,), 2) if given else np.ones((5,), "float32")
    w_tensor = _tensor(w)
    y, grads = vjp(
        lambda t: ops.square(ops.sum(ops.matmul(t, w_tensor), axis=1)),
        _tensor(x),
        _tensor(v) if given else None,
    )
    sums = (x @ w).sum(axis=1)
    np.testing.assert_allclose(to_numpy(y), sums**2, rtol=1e-5, atol=1e-5)
    expected = (2 * v * sums)[:, None] * w.sum(axis=1)[None, :]
    np.testing.assert_allclose(to_numpy(grads), expected, rtol=1e-5, atol=1e-5)


def test_structures_keep_their_shape_and_unused_inputs_get_zeros():
    a, b, c = _normal((2, 3), 0), _normal((2, 3), 1), _normal((4,), 2)
    v = _normal((2, 3), 3)
    y, grads = vjp(
        lambda d: d["a"] * ops.exp(d["b"]),
        {"a": _tensor(a), "b": _tensor(b), "unused": _tensor(c)},
        _tensor(v),
    )
    assert isinstance(grads, dict) and sorted(grads) == ["a", "b", "unused"]
    np.testing.assert_allclose(to_numpy(y), a * np.exp(b), rtol=1e-5)
    np.testing.assert_allclose(to_numpy(grads["a"]), v * np.exp(b), rtol=1e-5)
    np.testing.assert_allclose(
        to_numpy(grads["b"]), v * a * np.exp(b), rtol=1e-5
    )
    np.testing.assert_array_equal(to_numpy(grads["unused"]), np.zeros(4))

    _, grads = vjp(lambda t: t[0] * t[1], (_tensor(a), _tensor(b)))
    assert isinstance(grads, (tuple, list)) and len(grads) == 2
    np.testing.assert_allclose(to_numpy(grads[0]), b, rtol=1e-6)
    np.testing.assert_allclose(to_numpy(grads[1]), a, rtol=1e-6)


def test_an_output_independent_of_the_inputs_has_zero_gradients():
    x = _tensor(_normal((2, 3), 0))
    y, grads = vjp(lambda t: ops.ones((2,)), x)
    np.testing.assert_array_equal(to_numpy(y), np.ones(2))
    np.testing.assert_array_equal(to_numpy(grads), np.zeros((2, 3)))


# ------------------------------------------- networks: finite differences


def _dense_network(seed=0):
    network = keras.Sequential(
        [
            keras.Input((5,)),
            keras.layers.Dense(4, activation="tanh"),
            keras.layers.Dense(2),
        ]
    )
    _randomize(network, seed)
    return network


def _numpy_dense(weights, x):
    w1, b1, w2, b2 = weights
    return np.tanh(x @ w1 + b1) @ w2 + b2


def _conv_network(seed=0):
    network = keras.Sequential(
        [
            keras.Input((4, 4, 1)),
            keras.layers.Conv2D(2, 3),
            keras.layers.BatchNormalization(),
            keras.layers.Activation("tanh"),
            keras.layers.Flatten(),
            keras.layers.Dense(1),
        ]
    )
    _randomize(network, seed)
    return network


def _numpy_conv(network, x):
    """The conv network in training mode (batch statistics), float64."""
    kernel, bias, gamma, beta, w, b = [
        to_numpy(v).astype("float64") for v in network.trainable_variables
    ]
    epsilon = network.layers[1].epsilon
    # A 3x3 "valid" convolution of 4x4 images: 2x2 outputs.
    h = np.empty((len(x), 2, 2, kernel.shape[-1]))
    for i, j in np.ndindex(2, 2):
        patch = x[:, i : i + 3, j : j + 3]
        h[:, i, j] = np.einsum("nabc,abcf->nf", patch, kernel) + bias
    mean = h.mean(axis=(0, 1, 2))
    variance = h.var(axis=(0, 1, 2))
    h = gamma * (h - mean) / np.sqrt(variance + epsilon) + beta
    return np.tanh(h).reshape(len(x), -1) @ w + b


@pytest.mark.parametrize("given", [True, False], ids=["cotangent", "ones"])
def test_dense_tanh_network_matches_finite_differences(given):
    network = _dense_network()
    weights = [to_numpy(w).astype("float64") for w in network.weights]
    x = _normal((3, 5), 1)
    v = _normal((3, 2), 2) if given else np.ones((3, 2), "float32")
    y, grads = vjp(network, _tensor(x), _tensor(v) if given else None)
    np.testing.assert_allclose(
        to_numpy(y), _numpy_dense(weights, x), rtol=1e-5, atol=1e-5
    )
    expected = finite_differences(
        lambda t: np.sum(v * _numpy_dense(weights, t)), x
    )
    np.testing.assert_allclose(to_numpy(grads), expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("given", [True, False], ids=["cotangent", "ones"])
def test_conv_batchnorm_network_in_training_mode(given):
    # Batch statistics couple the examples: every output depends on every
    # input, which finite differences of the replica see too.
    network = _conv_network()
    x = _normal((3, 4, 4, 1), 1)
    v = _normal((3, 1), 2) if given else np.ones((3, 1), "float32")
    y, grads = vjp(
        lambda t: network(t, training=True),
        _tensor(x),
        _tensor(v) if given else None,
    )
    np.testing.assert_allclose(
        to_numpy(y), _numpy_conv(network, x), rtol=1e-4, atol=1e-4
    )
    expected = finite_differences(
        lambda t: np.sum(v * _numpy_conv(network, t)), x
    )
    np.testing.assert_allclose(to_numpy(grads), expected, rtol=1e-3, atol=1e-4)
    # Not the per-example (inference-mode) Jacobian.
    _, inference = vjp(
        lambda t: network(t, training=False),
        _tensor(x),
        _tensor(v) if given else None,
    )
    assert not np.allclose(to_numpy(inference), expected, atol=1e-3)


def test_training_mode_call_leaves_batchnorm_and_seed_state_alone():
    network = keras.Sequential(
        [
            keras.Input((5,)),
            keras.layers.Dense(4),
            keras.layers.BatchNormalization(momentum=0.5),
            keras.layers.Dropout(0.5, seed=3),
            keras.layers.Dense(1),
        ]
    )
    state = network.non_trainable_variables
    assert len(state) >= 3, [v.path for v in state]
    before = snapshot(state)
    x = _tensor(_normal((6, 5), 0))
    _, grads = vjp(lambda t: network(t, training=True), x)
    assert np.all(np.isfinite(to_numpy(grads)))
    for old, new, variable in zip(before, snapshot(state), state):
        np.testing.assert_array_equal(old, new, err_msg=variable.path)
    # The same call outside vjp does move every one of them.
    network(x, training=True)
    for old, new, variable in zip(before, snapshot(state), state):
        assert not np.array_equal(old, new), variable.path


# ------------------------------------------------------------ second order


def _dense_input_gradients(weights, x, v):
    """d sum(v * f(x)) / dx of the Dense+tanh replica, float64."""
    w1, b1, w2, _ = weights
    h = np.tanh(x @ w1 + b1)
    return ((v @ w2.T) * (1 - h**2)) @ w1.T


def _weights_finite_differences(fn, weights, eps=1e-6):
    """Central differences of `fn(weights)` w.r.t. each array of weights."""
    grads = []
    for i, weight in enumerate(weights):

        def of_one(value, i=i):
            return fn(weights[:i] + [value] + weights[i + 1 :])

        grads.append(finite_differences(of_one, weight, eps))
    return grads


def test_second_order_gradient_reaches_the_weights():
    network = _dense_network()
    weights = [to_numpy(w).astype("float64") for w in network.weights]
    x, v = _normal((3, 5), 1), _normal((3, 2), 2)

    def loss():
        _, grads = vjp(network, _tensor(x), _tensor(v))
        return ops.sum(ops.square(grads))

    actual = weight_gradients(loss, network.trainable_variables)
    expected = _weights_finite_differences(
        lambda w: np.sum(_dense_input_gradients(w, x, v) ** 2), weights
    )
    for a, e, variable in zip(actual, expected, network.trainable_variables):
        np.testing.assert_allclose(
            a, e, rtol=1e-3, atol=1e-4, err_msg=variable.path
        )
    # The output bias does not enter the input gradient; the rest does.
    assert np.all(actual[3] == 0)
    assert all(np.abs(a).max() > 1e-2 for a in actual[:3])


def test_without_create_graph_the_gradient_is_a_constant():
    network = _dense_network()
    x, v = _normal((3, 5), 1), _normal((3, 2), 2)

    def loss():
        _, grads = vjp(network, _tensor(x), _tensor(v), create_graph=False)
        return ops.sum(ops.square(grads))

    for grad in weight_gradients(loss, network.trainable_variables):
        np.testing.assert_array_equal(grad, np.zeros_like(grad))
    # The same gradient as with a graph.
    _, constant = vjp(network, _tensor(x), _tensor(v), create_graph=False)
    _, graph = vjp(network, _tensor(x), _tensor(v))
    np.testing.assert_allclose(to_numpy(constant), to_numpy(graph), rtol=1e-6)
    if keras.backend.backend() == "torch":
        assert not constant.requires_grad and constant.grad_fn is None


def test_without_create_graph_the_output_stays_differentiable():
    network = _dense_network()
    weights = [to_numpy(w).astype("float64") for w in network.weights]
    x = _normal((3, 5), 1)

    def loss():
        y, grads = vjp(network, _tensor(x), create_graph=False)
        # The gradient contributes nothing, the output its own gradient.
        return ops.sum(ops.square(grads)) + ops.sum(y)

    actual = weight_gradients(loss, network.trainable_variables)
    expected = _weights_finite_differences(
        lambda w: np.sum(_numpy_dense(w, x)), weights
    )
    for a, e, variable in zip(actual, expected, network.trainable_variables):
        np.testing.assert_allclose(
            a, e, rtol=1e-3, atol=1e-4, err_msg=variable.path
        )


def test_gradient_stays_connected_to_how_the_inputs_were_computed():
    # u = x M (M a weight), fn(u) = sum(u^2) per row: g = 2 v u, so
    # d sum(g^2) / dM = 8 x^T (v^2 u).
    layer = keras.layers.Dense(3, use_bias=False)
    layer.build((None, 4))
    x, v = _normal((5, 4), 0), _normal((5,), 1)
    layer.kernel.assign(_normal((4, 3), 2))

    def loss():
        u = layer(_tensor(x))
        _, grads = vjp(
            lambda t: ops.sum(ops.square(t), axis=1), u, _tensor(v)
        )
        return ops.sum(ops.square(grads))

    (actual,) = weight_gradients(loss, [layer.kernel])
    u = x.astype("float64") @ to_numpy(layer.kernel)
    expected = 8 * x.T @ (v[:, None] ** 2 * u)
    np.testing.assert_allclose(actual, expected, rtol=1e-4, atol=1e-4)


# ----------------------------------------------------- stateless scopes


def _compiled(fn):
    """`fn` traced as a training step is: jit on JAX, tf.function on TF."""
    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        return jax.jit(fn)
    if backend == "tensorflow":
        import tensorflow as tf

        return tf.function(fn)
    return fn


def test_vjp_inside_a_stateless_scope_reads_its_values_and_keeps_it_clean():
    network = keras.Sequential(
        [
            keras.Input((5,)),
            keras.layers.Dense(3, activation="tanh"),
            keras.layers.BatchNormalization(),
            keras.layers.Dense(1),
        ]
    )
    variables = network.weights
    statistics = network.non_trainable_variables
    x = _tensor(_normal((4, 5), 0))
    v = _tensor(_normal((4, 1), 1))
    original = snapshot(variables)
    # The values the scope maps to: other weights and statistics.
    mapped = [
        value + _normal(value.shape, i, scale=0.5)
        for i, value in enumerate(original)
    ]
    mapped[-3] = np.abs(mapped[-3]) + 0.5  # moving_variance > 0

    def step(values, x, v):
        mapping = list(zip(variables, values))
        with keras.StatelessScope(state_mapping=mapping) as scope:
            _, grads = vjp(lambda t: network(t, training=True), x, v)
            after_vjp = [scope.get_current_value(s) for s in statistics]
            network(x, training=True)
            after_call = [scope.get_current_value(s) for s in statistics]
        return grads, after_vjp, after_call

    grads, after_vjp, after_call = _compiled(step)(
        [_tensor(m) for m in mapped], x, v
    )
    # The reference: the mapped values assigned to the variables.
    for variable, value in zip(variables, mapped):
        variable.assign(value)
    _, expected = vjp(lambda t: network(t, training=True), x, v)
    for variable, value in zip(variables, original):
        variable.assign(value)
    _, unmapped = vjp(lambda t: network(t, training=True), x, v)
    np.testing.assert_allclose(
        to_numpy(grads), to_numpy(expected), rtol=1e-5, atol=1e-6
    )
    assert not np.allclose(to_numpy(grads), to_numpy(unmapped), atol=1e-3)
    # vjp's training-mode call assigned nothing to the scope; the ordinary
    # call after it did; the variables themselves never changed.
    index = {id(variable): i for i, variable in enumerate(variables)}
    for statistic, value, updated in zip(statistics, after_vjp, after_call):
        np.testing.assert_allclose(
            to_numpy(value), mapped[index[id(statistic)]], rtol=1e-6
        )
        assert not np.allclose(to_numpy(updated), to_numpy(value))
    for old, new in zip(original, snapshot(variables)):
        np.testing.assert_array_equal(old, new)
