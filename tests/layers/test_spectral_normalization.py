import keras
import numpy as np
import pytest

from keras_gans.layers.spectral_normalization import SpectralNormalization
from tests.helpers import to_numpy


def designed_matrix(rows, singular_values, seed=0):
    """A `(rows, len(singular_values))` matrix with the given spectrum."""
    rng = np.random.default_rng(seed)
    cols = len(singular_values)
    left, _ = np.linalg.qr(rng.normal(size=(rows, cols)))
    right, _ = np.linalg.qr(rng.normal(size=(cols, cols)))
    return (left * np.asarray(singular_values)) @ right.T


def largest_singular_value(kernel):
    matrix = np.reshape(kernel, (-1, kernel.shape[-1]))
    return np.linalg.svd(matrix, compute_uv=False)[0]


def normalize(vector):
    return vector / max(np.linalg.norm(vector), 1e-12)


def numpy_power_step(u, kernel):
    """One training-mode power iteration, as the layer should do it."""
    matrix = np.reshape(kernel, (-1, kernel.shape[-1]))
    v = normalize(u @ matrix.T)
    return normalize(v @ matrix)


def numpy_sigma(u, kernel):
    """The inference-mode estimate: `||u W^T||` for the stored `u`."""
    matrix = np.reshape(kernel, (-1, kernel.shape[-1]))
    return np.linalg.norm(u @ matrix.T)


def built_wrapper(layer, input_shape, **kwargs):
    wrapper = SpectralNormalization(layer, **kwargs)
    wrapper.build(input_shape)
    return wrapper


def u_of(wrapper):
    return to_numpy(wrapper.vector_u)


def kernel_of(wrapper):
    if isinstance(wrapper.layer, keras.layers.Embedding):
        return to_numpy(wrapper.layer.embeddings)
    return to_numpy(wrapper.layer.kernel)


def position(variables, variable):
    paths = [v.path for v in variables]
    return paths.index(variable.path)


def wrapped(case):
    """Returns `(layer, input_shape, integer_inputs)` for a test case."""
    if case == "dense":
        return keras.layers.Dense(3, activation="tanh"), (2, 5), False
    if case == "conv2d":
        return (
            keras.layers.Conv2D(
                4, 3, strides=2, padding="same", activation="relu"
            ),
            (2, 7, 7, 3),
            False,
        )
    if case == "conv1d_causal":
        return (
            keras.layers.Conv1D(3, 3, padding="causal", dilation_rate=2),
            (2, 9, 2),
            False,
        )
    if case == "conv2d_transpose":
        return (
            keras.layers.Conv2DTranspose(
                3, 3, strides=2, padding="same", output_padding=1
            ),
            (2, 4, 4, 2),
            False,
        )
    return keras.layers.Embedding(10, 4), (2, 6), True


def inputs_for(shape, integer_inputs, seed=0):
    rng = np.random.default_rng(seed)
    if integer_inputs:
        return rng.integers(0, 10, size=shape).astype("int32")
    return rng.normal(size=shape).astype("float32")


@pytest.mark.parametrize(
    "make_layer, input_shape, kernel_shape",
    [
        (lambda: keras.layers.Dense(4), (2, 6), (6, 4)),
        (lambda: keras.layers.Conv2D(4, 3), (2, 5, 5, 2), (3, 3, 2, 4)),
    ],
    ids=["dense", "conv2d"],
)
def test_estimate_converges_to_largest_singular_value(
    make_layer, input_shape, kernel_shape
):
    wrapper = built_wrapper(make_layer(), input_shape)
    rows = int(np.prod(kernel_shape[:-1]))
    matrix = designed_matrix(rows, [3, 1.5, 1, 0.5])
    wrapper.layer.kernel.assign(matrix.reshape(kernel_shape).astype("float32"))
    x = inputs_for(input_shape, False)
    for _ in range(50):
        wrapper(x, training=True)

    expected = largest_singular_value(kernel_of(wrapper))
    np.testing.assert_allclose(
        to_numpy(wrapper.spectral_norm_estimate()), expected, rtol=1e-3
    )
    normalized = to_numpy(wrapper.normalized_kernel())
    np.testing.assert_allclose(largest_singular_value(normalized), 1, rtol=1e-3)


def test_training_calls_update_u_and_inference_calls_do_not():
    wrapper = built_wrapper(keras.layers.Dense(4), (2, 6))
    x = inputs_for((2, 6), False)
    initial = u_of(wrapper)

    wrapper(x, training=False)
    wrapper(x)
    np.testing.assert_array_equal(u_of(wrapper), initial)

    wrapper(x, training=True)
    expected = numpy_power_step(initial, kernel_of(wrapper))
    np.testing.assert_allclose(u_of(wrapper), expected, atol=1e-6)


def test_power_iterations_runs_that_many_steps_per_training_call():
    wrapper = built_wrapper(keras.layers.Dense(4), (2, 6), power_iterations=3)
    u, kernel = u_of(wrapper), kernel_of(wrapper)
    wrapper(inputs_for((2, 6), False), training=True)
    for _ in range(3):
        u = numpy_power_step(u, kernel)
    np.testing.assert_allclose(u_of(wrapper), u, atol=1e-6)


@pytest.mark.parametrize("case", ["dense", "conv2d", "embedding"])
def test_calls_never_modify_kernel(case):
    layer, input_shape, integer_inputs = wrapped(case)
    wrapper = built_wrapper(layer, input_shape)
    before = kernel_of(wrapper)
    x = inputs_for(input_shape, integer_inputs)
    for training in (True, True, False):
        wrapper(x, training=training)
    np.testing.assert_array_equal(kernel_of(wrapper), before)


def test_weights_kernel_trainable_u_not():
    wrapper = built_wrapper(keras.layers.Dense(4), (2, 6))
    trainable = [v.path for v in wrapper.trainable_variables]
    non_trainable = [v.path for v in wrapper.non_trainable_variables]
    assert trainable == [wrapper.layer.kernel.path, wrapper.layer.bias.path]
    assert non_trainable == [wrapper.vector_u.path]
    assert wrapper.vector_u.name == "vector_u"


def test_stateless_call_returns_updated_u():
    wrapper = built_wrapper(keras.layers.Dense(4), (2, 6))
    initial, kernel = u_of(wrapper), kernel_of(wrapper)
    trainable = [v.value for v in wrapper.trainable_variables]
    non_trainable = [v.value for v in wrapper.non_trainable_variables]

    _, new_non_trainable = wrapper.stateless_call(
        trainable, non_trainable, inputs_for((2, 6), False), training=True
    )

    index = position(wrapper.non_trainable_variables, wrapper.vector_u)
    np.testing.assert_allclose(
        to_numpy(new_non_trainable[index]),
        numpy_power_step(initial, kernel),
        atol=1e-6,
    )
    # Stateless: the layer's own variable is left for the caller to update.
    np.testing.assert_array_equal(u_of(wrapper), initial)


def tiny_model():
    model = keras.Sequential(
        [
            keras.Input((6, 6, 2)),
            SpectralNormalization(keras.layers.Conv2D(3, 3), name="sn_conv"),
            keras.layers.Flatten(),
            SpectralNormalization(keras.layers.Dense(2), name="sn_dense"),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")
    return model


def fit(model, steps, batch_size=4, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(steps * batch_size, 6, 6, 2)).astype("float32")
    y = rng.normal(size=(steps * batch_size, 2)).astype("float32")
    model.fit(x, y, batch_size=batch_size, shuffle=False, verbose=0)


def test_fit_updates_u_like_a_numpy_power_iteration():
    model = tiny_model()
    wrappers = [model.get_layer("sn_conv"), model.get_layer("sn_dense")]
    before = [(u_of(w), kernel_of(w)) for w in wrappers]

    fit(model, steps=1)

    for wrapper, (u, kernel) in zip(wrappers, before):
        # The step's forward pass iterates on the kernel before the update.
        np.testing.assert_allclose(
            u_of(wrapper), numpy_power_step(u, kernel), atol=1e-5
        )
        assert not np.array_equal(kernel_of(wrapper), kernel)


def test_fit_estimate_tracks_spectral_norm_of_changing_kernel():
    model = tiny_model()
    fit(model, steps=40)
    for name in ("sn_conv", "sn_dense"):
        wrapper = model.get_layer(name)
        np.testing.assert_allclose(
            to_numpy(wrapper.spectral_norm_estimate()),
            largest_singular_value(kernel_of(wrapper)),
            rtol=0.02,
        )


def test_gradient_reaches_kernel():
    model = keras.Sequential(
        [
            keras.Input((3,)),
            SpectralNormalization(keras.layers.Dense(2, use_bias=False)),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")
    kernel = model.layers[0].layer.kernel
    before = to_numpy(kernel)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(8, 3)).astype("float32")
    y = rng.normal(size=(8, 2)).astype("float32")
    model.fit(x, y, batch_size=4, verbose=0)
    assert np.abs(to_numpy(kernel) - before).max() > 1e-4


@pytest.mark.parametrize(
    "case",
    ["dense", "conv2d", "conv1d_causal", "conv2d_transpose", "embedding"],
)
def test_outputs_match_plain_layer_with_normalized_kernel(case):
    layer, input_shape, integer_inputs = wrapped(case)
    wrapper = built_wrapper(layer, input_shape)
    x = inputs_for(input_shape, integer_inputs)
    for _ in range(3):
        wrapper(x, training=True)
    kernel = kernel_of(wrapper)
    sigma = numpy_sigma(u_of(wrapper), kernel)

    plain = layer.__class__.from_config(layer.get_config())
    plain.build(input_shape)
    weights = [to_numpy(w) for w in layer.weights]
    plain.set_weights([kernel / sigma] + weights[1:])

    np.testing.assert_allclose(
        to_numpy(wrapper(x)), to_numpy(plain(x)), rtol=1e-5, atol=1e-5
    )


def test_normalized_kernel_matches_numpy():
    wrapper = built_wrapper(keras.layers.Conv2D(4, 3), (1, 5, 5, 2))
    kernel = kernel_of(wrapper)
    sigma = numpy_sigma(u_of(wrapper), kernel)
    np.testing.assert_allclose(
        to_numpy(wrapper.normalized_kernel()), kernel / sigma, rtol=1e-5
    )


def test_zero_kernel_gives_bias_and_keeps_u():
    wrapper = built_wrapper(
        keras.layers.Dense(
            2, kernel_initializer="zeros", bias_initializer="ones"
        ),
        (3, 4),
    )
    initial = u_of(wrapper)
    outputs = wrapper(np.ones((3, 4), "float32"), training=True)
    np.testing.assert_array_equal(to_numpy(outputs), np.ones((3, 2)))
    np.testing.assert_array_equal(u_of(wrapper), initial)


def test_wraps_an_already_built_layer():
    layer = keras.layers.Dense(3)
    layer.build((None, 4))
    wrapper = SpectralNormalization(layer)
    outputs = wrapper(np.ones((2, 4), "float32"))
    assert tuple(outputs.shape) == (2, 3)
    assert wrapper.layer is layer


def test_mixed_precision_estimates_sigma_in_float32():
    policy = keras.config.dtype_policy()
    keras.config.set_dtype_policy("mixed_bfloat16")
    try:
        inputs = keras.Input((6,))
        wrapper = SpectralNormalization(keras.layers.Dense(4))
        model = keras.Model(inputs, wrapper(inputs))
    finally:
        keras.config.set_dtype_policy(policy)
    initial, kernel = u_of(wrapper), kernel_of(wrapper)

    outputs = model(np.ones((2, 6), "float32"), training=True)

    assert keras.backend.standardize_dtype(outputs.dtype) == "bfloat16"
    u_dtype = keras.backend.standardize_dtype(wrapper.vector_u.dtype)
    assert u_dtype == "float32"
    # A bfloat16 kernel would be off by ~1e-3; float32 matches to 1e-6.
    np.testing.assert_allclose(
        u_of(wrapper), numpy_power_step(initial, kernel), atol=1e-6
    )


def test_saved_model_round_trip(tmp_path):
    inputs = keras.Input((5,))
    hidden = SpectralNormalization(
        keras.layers.Dense(4, activation="relu"), power_iterations=2
    )(inputs)
    outputs = SpectralNormalization(keras.layers.Dense(2))(hidden)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="mse")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(8, 5)).astype("float32")
    model.fit(x, rng.normal(size=(8, 2)).astype("float32"), verbose=0)

    path = tmp_path / "m.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)

    np.testing.assert_array_equal(to_numpy(loaded(x)), to_numpy(model(x)))
    for original, restored in zip(model.layers[1:], loaded.layers[1:]):
        assert isinstance(restored, SpectralNormalization)
        assert restored.power_iterations == original.power_iterations
        assert restored.layer.get_config() == original.layer.get_config()
        np.testing.assert_array_equal(u_of(restored), u_of(original))


def test_config_round_trip():
    wrapper = SpectralNormalization(
        keras.layers.Conv2D(3, 2), power_iterations=2, epsilon=1e-8, name="sn"
    )
    restored = SpectralNormalization.from_config(wrapper.get_config())
    assert restored.power_iterations == 2
    assert restored.epsilon == 1e-8
    assert restored.name == "sn"
    assert isinstance(restored.layer, keras.layers.Conv2D)
    assert restored.layer.get_config() == wrapper.layer.get_config()


def test_rejects_unsupported_layer():
    with pytest.raises(ValueError, match="`layer`.*Received: layer='ReLU'"):
        SpectralNormalization(keras.layers.ReLU())


@pytest.mark.parametrize("value", [0, -1, 1.5])
def test_rejects_bad_power_iterations(value):
    with pytest.raises(ValueError, match=f"power_iterations={value}"):
        SpectralNormalization(keras.layers.Dense(2), power_iterations=value)


def test_rejects_bad_epsilon():
    with pytest.raises(ValueError, match="epsilon=0"):
        SpectralNormalization(keras.layers.Dense(2), epsilon=0)
