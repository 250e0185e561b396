import re

import keras
import numpy as np
import pytest

from keras_gans.layers.diff_augment import DiffAugment
from keras_gans.layers.diff_augment import shift_images
from tests.helpers import to_numpy


def _noise_images(n, height=16, width=16, channels=1, seed=0):
    """Images with no zero pixels, so zero fill and cutout are detectable."""
    rng = np.random.default_rng(seed)
    images = rng.uniform(0.1, 1.0, (n, height, width, channels))
    return images.astype("float32")


def _shift_numpy(image, dy, dx):
    """`out[i, j] = image[i + dy, j + dx]`, zero outside (the reference)."""
    height, width = image.shape[:2]
    padded = np.zeros((height + 2 * abs(dy), width + 2 * abs(dx), image.shape[2]))
    padded[abs(dy) : abs(dy) + height, abs(dx) : abs(dx) + width] = image
    top, left = abs(dy) + dy, abs(dx) + dx
    return padded[top : top + height, left : left + width].astype(image.dtype)


def _span(mask_1d):
    """Returns (first, count) of a contiguous run of True, failing otherwise."""
    (indices,) = np.nonzero(mask_1d)
    assert indices.size, "empty cutout"
    assert np.array_equal(indices, np.arange(indices[0], indices[-1] + 1))
    return indices[0], indices.size


def _fit_line(x, y):
    """Fits `y ~ slope * x + intercept`; returns both and the max residual."""
    design = np.stack([x.ravel(), np.ones(x.size)], axis=1)
    (slope, intercept), *_ = np.linalg.lstsq(design, y.ravel(), rcond=None)
    residual = np.abs(design @ (slope, intercept) - y.ravel()).max()
    return slope, intercept, residual


def test_inference_and_zero_probability_return_input():
    images = _noise_images(4, channels=3) * 2 - 1
    layer = DiffAugment(seed=1)
    np.testing.assert_array_equal(to_numpy(layer(images, training=False)), images)

    layer = DiffAugment(probability=0.0, seed=1)
    outputs = to_numpy(layer(images, training=True))
    np.testing.assert_array_equal(outputs, images)
    assert outputs.dtype == images.dtype


def test_default_call_augments_and_keeps_dtype_and_shape():
    images = _noise_images(4, channels=3) * 2 - 1
    outputs = to_numpy(DiffAugment(seed=1)(images))
    assert outputs.shape == images.shape
    assert outputs.dtype == images.dtype
    assert not np.allclose(outputs, images)


def test_translation_is_an_integer_shift_with_zero_fill():
    images = _noise_images(32)
    outputs = to_numpy(DiffAugment(policy="translation", seed=3)(images))
    limit = int(16 * 0.125 + 0.5)
    shifts = []
    for image, output in zip(images, outputs):
        matches = [
            (dy, dx)
            for dy in range(-limit, limit + 1)
            for dx in range(-limit, limit + 1)
            if np.array_equal(_shift_numpy(image, dy, dx), output)
        ]
        assert len(matches) == 1, "output is not an allowed shift of its input"
        shifts.append(matches[0])
    assert any(shift != (0, 0) for shift in shifts)
    assert len(set(shifts)) > 3


def test_shift_images_shifts_each_image_and_fills_with_the_background():
    images = _noise_images(32)
    outputs = to_numpy(
        shift_images(images, 2, keras.random.SeedGenerator(1), fill=-1.0)
    )
    shifts = []
    for image, output in zip(images, outputs):
        matches = [
            (dy, dx)
            for dy in range(-2, 3)
            for dx in range(-2, 3)
            # The NumPy reference fills with 0: shift the offset image.
            if np.allclose(_shift_numpy(image + 1.0, dy, dx) - 1.0, output)
        ]
        assert len(matches) == 1, "output is not an allowed shift of its input"
        shifts.append(matches[0])
    assert len(set(shifts)) > 5


def test_cutout_zeroes_one_square_per_image():
    images = _noise_images(32, channels=3)
    outputs = to_numpy(DiffAugment(policy=["cutout"], seed=4)(images))
    length = int(16 * 0.5 + 0.5)
    unclipped = 0
    for image, output in zip(images, outputs):
        zeroed = np.all(output == 0, axis=-1)
        np.testing.assert_array_equal(output[~zeroed], image[~zeroed])
        top, height = _span(zeroed.any(axis=1))
        left, width = _span(zeroed.any(axis=0))
        expected = np.zeros_like(zeroed)
        expected[top : top + height, left : left + width] = True
        np.testing.assert_array_equal(zeroed, expected)
        for start, count in ((top, height), (left, width)):
            assert length - length // 2 <= count <= length
            if count < length:  # Clipped, so it must touch a border.
                assert start == 0 or start + count == 16
        unclipped += height == length and width == length
    assert unclipped > 0


def test_color_on_grayscale_is_a_per_image_affine_map():
    # One channel: saturation is a no-op, so out = c * (x - mean) + mean + b.
    images = _noise_images(32) * 2 - 1
    outputs = to_numpy(DiffAugment(policy="color", seed=5)(images))
    slopes, offsets = [], []
    for image, output in zip(images, outputs):
        slope, _, residual = _fit_line(image, output)
        assert residual < 1e-4
        slopes.append(slope)
        offsets.append(output.mean() - image.mean())
    slopes, offsets = np.array(slopes), np.array(offsets)
    assert np.all((slopes >= 0.5 - 1e-4) & (slopes <= 1.5 + 1e-4))
    assert np.all(np.abs(offsets) <= 0.5 + 1e-4)
    assert offsets.min() < 0 < offsets.max()
    assert slopes.std() > 0.05


def test_color_on_rgb_scales_saturation_and_contrast():
    images = _noise_images(32, channels=3) * 2 - 1
    outputs = to_numpy(DiffAugment(policy="color", seed=6)(images))
    saturations = []
    for image, output in zip(images, outputs):
        # Brightness moves the image mean by b in [-0.5, 0.5].
        assert abs(output.mean() - image.mean()) <= 0.5 + 1e-4
        # Contrast maps the per-pixel grey level affinely with slope c.
        contrast, _, residual = _fit_line(image.mean(-1), output.mean(-1))
        assert residual < 1e-4
        assert 0.5 - 1e-4 <= contrast <= 1.5 + 1e-4
        # Saturation and contrast scale the colour deviation by s * c.
        colour_in = image - image.mean(-1, keepdims=True)
        colour_out = output - output.mean(-1, keepdims=True)
        scale, _, residual = _fit_line(colour_in, colour_out)
        assert residual < 1e-4
        saturations.append(scale / contrast)
    saturations = np.array(saturations)
    assert np.all((saturations >= -1e-4) & (saturations <= 2 + 1e-4))
    assert saturations.min() < 0.9 and saturations.max() > 1.1


def test_probability_gates_each_image():
    images = _noise_images(256, height=8, width=8)
    layer = DiffAugment(policy="cutout", probability=0.5, seed=7)
    changed = np.any(to_numpy(layer(images)) != images, axis=(1, 2, 3))
    assert 0.35 < changed.mean() < 0.65


def test_gradient_reaches_layers_before_the_augmentation():
    inputs = keras.Input((8, 8, 3))
    hidden = keras.layers.Conv2D(2, 1, name="before")(inputs)
    hidden = DiffAugment(seed=8)(hidden)
    outputs = keras.layers.Dense(1)(keras.layers.Flatten()(hidden))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    before = [to_numpy(w) for w in model.get_layer("before").weights]
    # 10 samples in batches of 4: a ragged last batch (dynamic batch size).
    images = _noise_images(10, height=8, width=8, channels=3)
    model.fit(images, np.ones((10, 1)), batch_size=4, epochs=1, verbose=0)
    after = [to_numpy(w) for w in model.get_layer("before").weights]
    for old, new in zip(before, after):
        assert not np.allclose(old, new)


@pytest.mark.parametrize("policy", ["color", "translation", "cutout", None])
def test_seeds_and_successive_calls(policy):
    images = _noise_images(8, channels=3) * 2 - 1
    kwargs = {} if policy is None else {"policy": policy}
    layer = DiffAugment(seed=11, **kwargs)
    first, second = to_numpy(layer(images)), to_numpy(layer(images))
    assert not np.allclose(first, second)
    same_seed = DiffAugment(seed=11, **kwargs)
    np.testing.assert_array_equal(to_numpy(same_seed(images)), first)
    assert not np.allclose(to_numpy(DiffAugment(seed=12, **kwargs)(images)), first)


def test_update_probability_moves_by_batch_over_adjustment_images():
    layer = DiffAugment(probability=0.5, target=0.6, adjustment_images=1000)
    new = layer.update_probability(np.full((8, 1), 2.0, "float32"))
    np.testing.assert_allclose(to_numpy(new), 0.508, atol=1e-6)
    np.testing.assert_allclose(to_numpy(layer.probability), 0.508, atol=1e-6)

    layer.update_probability(-np.ones((16, 1), "float32"))
    np.testing.assert_allclose(to_numpy(layer.probability), 0.492, atol=1e-6)

    layer = DiffAugment(probability=0.005, target=0.6, adjustment_images=1000)
    layer.update_probability(-np.ones((8,), "float32"))
    assert to_numpy(layer.probability) == 0.0

    layer = DiffAugment(probability=0.995, target=0.6, adjustment_images=1000)
    layer.update_probability(np.ones((8,), "float32"))
    assert to_numpy(layer.probability) == 1.0


def test_update_probability_in_a_stateless_scope():
    layer = DiffAugment(probability=0.5, target=0.6, adjustment_images=100)
    value = keras.ops.convert_to_tensor(0.25, "float32")
    with keras.StatelessScope(state_mapping=[(layer.probability, value)]) as scope:
        layer.update_probability(np.ones((4, 1), "float32"))
        new = scope.get_current_value(layer.probability)
    np.testing.assert_allclose(to_numpy(new), 0.29, atol=1e-6)
    assert to_numpy(layer.probability) == 0.5


class _AdaptingAugment(keras.layers.Layer):
    """Adapts the probability in the forward pass, as a training step would."""

    def __init__(self, augment, **kwargs):
        super().__init__(**kwargs)
        self.augment = augment

    def call(self, images, training=False):
        if training:
            # The test images are positive, so these "scores" all are too.
            self.augment.update_probability(images[:, 0, 0, :1])
        return self.augment(images, training=training)


def test_update_probability_inside_compiled_fit():
    augment = DiffAugment(probability=0.0, target=0.6, adjustment_images=100)
    inputs = keras.Input((8, 8, 1))
    hidden = keras.layers.Flatten()(_AdaptingAugment(augment)(inputs))
    model = keras.Model(inputs, keras.layers.Dense(1)(hidden))
    model.compile(optimizer="sgd", loss="mse")
    images = _noise_images(10, height=8, width=8)
    # Batches of 4, 4 and 2: each moves p by its own batch size / 100.
    model.fit(images, np.ones((10, 1)), batch_size=4, epochs=1, verbose=0)
    np.testing.assert_allclose(to_numpy(augment.probability), 0.1, atol=1e-6)


def test_mixed_precision_keeps_compute_dtype():
    layer = DiffAugment(seed=1, dtype="mixed_bfloat16")
    images = keras.ops.cast(_noise_images(4, channels=3), "bfloat16")
    outputs = layer(images)
    assert keras.backend.standardize_dtype(outputs.dtype) == "bfloat16"
    assert keras.backend.standardize_dtype(layer.probability.dtype) == "float32"


def test_update_probability_without_target_raises():
    with pytest.raises(RuntimeError, match="target"):
        DiffAugment().update_probability(np.ones((4, 1), "float32"))


def test_probability_is_used_after_assign():
    images = _noise_images(8, channels=3)
    layer = DiffAugment(seed=13)
    layer.probability.assign(0.0)
    np.testing.assert_array_equal(to_numpy(layer(images)), images)


def test_save_and_load_restores_probability_and_config(tmp_path):
    inputs = keras.Input((8, 8, 1))
    augment = DiffAugment(
        policy="translation,cutout",
        target=0.6,
        adjustment_images=5000,
        translation_ratio=0.25,
        cutout_ratio=0.375,
        seed=3,
        name="augment",
    )
    hidden = keras.layers.Flatten()(augment(inputs))
    model = keras.Model(inputs, keras.layers.Dense(1)(hidden))
    augment.probability.assign(0.37)
    path = str(tmp_path / "model.keras")
    model.save(path)

    restored = keras.saving.load_model(path).get_layer("augment")
    assert isinstance(restored, DiffAugment)
    np.testing.assert_allclose(to_numpy(restored.probability), 0.37, rtol=1e-6)
    assert restored.policy == ("translation", "cutout")
    config = restored.get_config()
    for name, value in augment.get_config().items():
        assert config[name] == value, name
    assert restored.target == 0.6
    assert restored.adjustment_images == 5000


def test_config_round_trip():
    layer = DiffAugment(policy=["color", "cutout"], probability=0.25, seed=2)
    clone = DiffAugment.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    assert clone.policy == ("color", "cutout")
    assert to_numpy(clone.probability) == 0.25


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"policy": "translation,zoom"}, "policy"),
        ({"policy": ["color", 3]}, "policy"),
        ({"probability": 1.5}, "probability"),
        ({"probability": -0.1}, "probability"),
        ({"target": 1.0}, "target"),
        ({"target": 0.0}, "target"),
        ({"adjustment_images": 0}, "adjustment_images"),
        ({"translation_ratio": 2.0}, "translation_ratio"),
        ({"cutout_ratio": -0.5}, "cutout_ratio"),
    ],
)
def test_invalid_arguments_raise(kwargs, name):
    value = kwargs[name]
    message = f"`{name}`.*" + re.escape(f"Received: {name}={value!r}")
    with pytest.raises(ValueError, match=re.compile(message, re.DOTALL)) as info:
        DiffAugment(**kwargs)
    if name == "policy":
        assert "translation" in str(info.value) and "cutout" in str(info.value)


def test_non_rank_4_input_raises():
    message = r"rank-4.*Received: input_shape=\(2, 8, 8\)"
    with pytest.raises(ValueError, match=message):
        DiffAugment()(np.zeros((2, 8, 8), "float32"))
