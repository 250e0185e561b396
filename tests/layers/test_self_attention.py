import keras
import numpy as np
import pytest

from keras_gans.layers.self_attention import SelfAttention
from keras_gans.layers.spectral_normalization import SpectralNormalization
from tests.helpers import to_numpy

SHAPE = (2, 4, 6, 16)


def feature_maps(shape=SHAPE, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


def built(shape=SHAPE, **kwargs):
    layer = SelfAttention(**kwargs)
    layer.build(shape)
    return layer


def kernel_matrix(conv):
    """A 1x1 convolution's kernel as a `(in, out)` matrix."""
    if isinstance(conv, SpectralNormalization):
        kernel = to_numpy(conv.normalized_kernel())
    else:
        kernel = to_numpy(conv.kernel)
    return kernel[0, 0]


def softmax(logits):
    exp = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return exp / exp.sum(axis=-1, keepdims=True)


def numpy_self_attention(layer, x):
    batch, height, width, channels = x.shape
    flat = x.reshape(batch, height * width, channels)
    query = flat @ kernel_matrix(layer.query_conv)
    key = flat @ kernel_matrix(layer.key_conv)
    value = flat @ kernel_matrix(layer.value_conv)
    attended = softmax(query @ key.transpose(0, 2, 1)) @ value
    outputs = attended @ kernel_matrix(layer.output_conv)
    gamma = to_numpy(layer.gamma)
    return x + gamma * outputs.reshape(x.shape)


def test_output_shape_equals_input_shape():
    outputs = SelfAttention()(feature_maps())
    assert tuple(outputs.shape) == SHAPE


def test_symbolic_batch_in_functional_model():
    inputs = keras.Input(SHAPE[1:])
    model = keras.Model(inputs, SelfAttention()(inputs))
    assert tuple(model.output.shape) == (None,) + SHAPE[1:]
    assert tuple(model.predict(feature_maps(), verbose=0).shape) == SHAPE


def test_sublayer_channels():
    layer = built()
    assert tuple(layer.query_conv.layer.kernel.shape) == (1, 1, 16, 2)
    assert tuple(layer.key_conv.layer.kernel.shape) == (1, 1, 16, 2)
    assert tuple(layer.value_conv.layer.kernel.shape) == (1, 1, 16, 8)
    assert tuple(layer.output_conv.layer.kernel.shape) == (1, 1, 8, 16)


@pytest.mark.parametrize("spectral_norm", [True, False])
def test_starts_as_identity(spectral_norm):
    x = feature_maps()
    layer = SelfAttention(spectral_norm=spectral_norm)
    np.testing.assert_array_equal(to_numpy(layer(x, training=True)), x)
    np.testing.assert_array_equal(to_numpy(layer.gamma), 0)


def test_matches_numpy_without_spectral_norm():
    layer = built(spectral_norm=False)
    layer.gamma.assign(1.0)
    x = feature_maps()
    np.testing.assert_allclose(
        to_numpy(layer(x)), numpy_self_attention(layer, x), rtol=1e-4, atol=1e-5
    )


def test_matches_numpy_with_spectral_norm_in_inference():
    layer = built(spectral_norm=True)
    layer.gamma.assign(0.5)
    x = feature_maps()
    layer(x, training=True)  # moves each wrapper's `u` off its initial value
    np.testing.assert_allclose(
        to_numpy(layer(x, training=False)),
        numpy_self_attention(layer, x),
        rtol=1e-4,
        atol=1e-5,
    )


def test_spectral_norm_wraps_every_convolution():
    with_sn, without_sn = built(), built(spectral_norm=False)
    for name in ("query_conv", "key_conv", "value_conv", "output_conv"):
        assert isinstance(getattr(with_sn, name), SpectralNormalization)
        assert isinstance(getattr(without_sn, name), keras.layers.Conv2D)


def tiny_model(spectral_norm):
    model = keras.Sequential(
        [
            keras.Input((4, 4, 8)),
            keras.layers.Conv2D(8, 1),
            SelfAttention(spectral_norm=spectral_norm, name="attention"),
            keras.layers.GlobalAveragePooling2D(),
            keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")
    return model


@pytest.mark.parametrize("spectral_norm", [True, False])
def test_fit_moves_gamma_from_zero(spectral_norm):
    model = tiny_model(spectral_norm)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(12, 4, 4, 8)).astype("float32")
    y = rng.normal(size=(12, 1)).astype("float32")
    model.fit(x, y, batch_size=4, shuffle=False, verbose=0)
    assert abs(float(to_numpy(model.get_layer("attention").gamma))) > 1e-4


def test_saved_model_round_trip(tmp_path):
    inputs = keras.Input(SHAPE[1:])
    outputs = SelfAttention(channels_reduction=4, value_reduction=4)(inputs)
    model = keras.Model(inputs, outputs)
    layer = model.layers[1]
    layer.gamma.assign(0.7)
    x = feature_maps()
    layer(x, training=True)

    path = tmp_path / "m.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)

    restored = loaded.layers[1]
    assert isinstance(restored, SelfAttention)
    assert restored.get_config() == layer.get_config()
    np.testing.assert_array_equal(to_numpy(loaded(x)), to_numpy(model(x)))
    np.testing.assert_array_equal(
        to_numpy(restored.key_conv.vector_u), to_numpy(layer.key_conv.vector_u)
    )


def test_config_round_trip():
    layer = SelfAttention(
        channels_reduction=4, value_reduction=1, spectral_norm=False, name="a"
    )
    restored = SelfAttention.from_config(layer.get_config())
    assert restored.channels_reduction == 4
    assert restored.value_reduction == 1
    assert restored.spectral_norm is False
    assert restored.name == "a"


@pytest.mark.parametrize(
    "shape",
    [(2, 16), (2, 4, 4), (2, 4, 4, 4), (2, 4, 4, 4, 16), (2, None, 4, 16)],
)
def test_rejects_bad_input_shape(shape):
    with pytest.raises(ValueError, match="input_shape="):
        SelfAttention().build(shape)


def test_rejects_bad_reductions():
    with pytest.raises(ValueError, match="channels_reduction=0"):
        SelfAttention(channels_reduction=0)
    with pytest.raises(ValueError, match="value_reduction=-2"):
        SelfAttention(value_reduction=-2)


def test_mixed_precision():
    policy = keras.config.dtype_policy()
    keras.config.set_dtype_policy("mixed_bfloat16")
    try:
        layer = SelfAttention()
    finally:
        keras.config.set_dtype_policy(policy)
    outputs = layer(feature_maps(), training=True)
    assert keras.backend.standardize_dtype(outputs.dtype) == "bfloat16"
    assert keras.backend.standardize_dtype(layer.gamma.dtype) == "float32"
