"""Tests of the single-image (SinGAN) metrics: patch SWD and its
baselines, pixel diversity and SIFID.

`patch_swd`, `patch_baselines` and `single_image_diversity` are NumPy and
scikit-image code that does not depend on the Keras backend: their tests
run once (`once`). SIFID runs a Keras feature model, so its tests run on
every backend (the InceptionV3 one not on JAX: see its skip).
"""

import keras
import numpy as np
import pytest
import skimage.data
from numpy.lib.stride_tricks import sliding_window_view
from skimage.filters import gaussian
from skimage.transform import resize

from keras_gans.metrics import FeatureExtractor
from keras_gans.metrics import FeatureStatistics
from keras_gans.metrics import frechet_distance
from keras_gans.metrics import patch_baselines
from keras_gans.metrics import patch_swd
from keras_gans.metrics import sifid
from keras_gans.metrics import single_image_diversity

# Every patch is used at this size (128 x 128 has 14,884 7x7 patches, below
# the default `max_patches`), so distances are exact, not subsampled.
PHOTO_SIZE = 128


@pytest.fixture(scope="module")
def photo():
    """scikit-image's astronaut photo, 128x128 RGB in [-1, 1]."""
    image = resize(
        skimage.data.astronaut(), (PHOTO_SIZE, PHOTO_SIZE), anti_aliasing=True
    )
    return (image * 2.0 - 1.0).astype("float32")


@pytest.fixture(scope="module")
def baselines(photo):
    return patch_baselines(photo)


@pytest.fixture(scope="module")
def blurred(photo):
    return _blurred(photo)


@pytest.fixture(scope="module")
def blur_swd(photo, blurred):
    """`patch_swd(photo, blurred)`; every patch is used (no sampling)."""
    return patch_swd(photo, blurred)


def _blurred(image, sigma=2.0):
    return gaussian(image, sigma=sigma, channel_axis=-1, preserve_range=True)


# ------------------------------------------------------------- patch SWD


@pytest.mark.once  # NumPy: backend-independent
def test_swd_of_an_image_with_itself_is_zero_at_every_level(photo):
    result = patch_swd(photo, photo)
    # 128 -> 64 -> 32 -> 16 pixels: four levels, all of them >= 7.
    assert len(result["levels"]) == 4
    assert result["swd"] == 0.0 and result["levels"] == [0.0] * 4


@pytest.mark.once  # NumPy: backend-independent
def test_baselines_rank_edits_of_a_photo(baselines):
    # Values of this photo: self 0, flip ~0.10, noise ~0.11, shuffle
    # ~0.20, blur ~0.34. A mirror image keeps each scale's texture; blur
    # removes the fine detail, the shuffle breaks the layout.
    assert baselines["self"] == 0.0
    assert 0.0 < baselines["flip"] < 0.15
    assert baselines["blur"] > 2.5 * baselines["flip"]
    assert baselines["shuffle"] > 1.5 * baselines["flip"]
    assert baselines["noise"] > 0.0
    assert set(baselines) == {"self", "flip", "blur", "shuffle", "noise"}


@pytest.mark.once  # NumPy: backend-independent
def test_stronger_edits_score_higher(photo, blurred, blur_swd):
    light = patch_swd(photo, _blurred(photo, 1.0))["swd"]
    heavy = patch_swd(photo, _blurred(photo, 3.0))["swd"]
    assert 0.0 < light < blur_swd["swd"] < heavy
    # Blur removes the finest detail most.
    assert blur_swd["levels"][0] == max(blur_swd["levels"])


@pytest.mark.once  # NumPy: backend-independent
def test_swd_is_seeded_and_symmetric_for_equal_statistics(
    photo, blurred, blur_swd, baselines
):
    assert patch_swd(photo, blurred) == blur_swd
    # Another seed draws other directions: close, not equal.
    other = patch_swd(photo, blurred, seed=1)["swd"]
    assert other != blur_swd["swd"]
    assert abs(other - blur_swd["swd"]) < 0.05 * blur_swd["swd"]
    # A mirror image has the same per-level channel statistics, so the
    # normalization is the same either way and the distance symmetric.
    # (`baselines["flip"]` is `patch_swd(photo, mirrored)`, same seed.)
    np.testing.assert_allclose(
        patch_swd(photo[:, ::-1], photo)["swd"], baselines["flip"], rtol=1e-9
    )
    # With a blurred reference the sharp image's detail is large in the
    # reference's units: the first argument sets the scale.
    assert patch_swd(blurred, photo)["swd"] > blur_swd["swd"]


@pytest.mark.once  # NumPy: backend-independent
def test_sets_of_other_sizes_and_counts(photo, blurred, blur_swd):
    # A set holding each patch twice is the same distribution: the exact
    # quantile matching of unequal counts (14,884 and 29,768 patches at
    # full size, none left out) gives the same distance.
    twice = patch_swd(photo, np.stack([blurred, blurred]), max_patches=10**6)
    np.testing.assert_allclose(twice["levels"], blur_swd["levels"], rtol=1e-9)
    # A crop of the photo (another size) keeps its texture; the smaller
    # image sets the number of levels (40 -> 20 -> 10 -> 5 < 7: three).
    crop = patch_swd(photo, photo[:96, 16:112])["swd"]
    assert crop < blur_swd["swd"] / 2
    assert len(patch_swd(photo, photo[:40, :40])["levels"]) == 3


@pytest.mark.once  # NumPy: backend-independent
def test_subsampled_patches_give_a_small_reproducible_floor(photo, baselines):
    # 2,000 of 14,884 patches at full size: a sampling floor above 0, far
    # below a mirror image; the coarse levels (<= 2,000 patches) stay 0.
    floor = patch_swd(photo, photo, max_patches=2000)
    assert floor == patch_swd(photo, photo, max_patches=2000)
    assert 0.0 < floor["swd"] < 0.5 * baselines["flip"]
    assert floor["levels"][2:] == [0.0, 0.0]


@pytest.mark.once  # NumPy: backend-independent
def test_uint8_pixels_and_single_images_are_accepted():
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (20, 20, 3), dtype=np.uint8)
    scaled = pixels.astype("float64") / 127.5 - 1.0
    noise = rng.uniform(-1, 1, (2, 24, 24, 3))
    assert patch_swd(pixels, noise) == patch_swd(scaled[None], noise)


@pytest.mark.once  # argument checks: backend-independent
@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: patch_swd(np.zeros((8, 8)), np.zeros((8, 8, 1))), "images_a"),
        (lambda: patch_swd(np.zeros((8, 8, 1)), np.zeros((2, 1, 8, 8, 1))),
         "images_b"),
        (lambda: patch_swd(np.zeros((8, 8, 3)), np.zeros((8, 8, 1))),
         "same number of channels"),
        (lambda: patch_swd(np.zeros((8, 8, 1)), np.zeros((6, 9, 1))),
         "`images_b` must be at least `patch_size`"),
        (lambda: patch_swd(np.zeros((8, 8, 1)), np.full((8, 8, 1), 3.0)),
         r"`images_b` must be in \[-1, 1\]"),
        (lambda: patch_swd(np.zeros((8, 8, 1)), np.zeros((8, 8, 1)),
                           patch_size=1), "patch_size"),
        (lambda: patch_swd(np.zeros((8, 8, 1)), np.zeros((8, 8, 1)),
                           num_projections=0), "num_projections"),
        (lambda: patch_baselines(np.zeros((2, 8, 8, 1))),
         "`image` must be one"),
        (lambda: patch_baselines(np.zeros((8, 8, 1)), grid=9), "grid"),
        (lambda: patch_baselines(np.zeros((8, 8, 1)), blur_sigma=0),
         "blur_sigma"),
    ],
)
def test_swd_bad_arguments_raise_naming_them(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# ------------------------------------------------------------- diversity


@pytest.mark.once  # NumPy: backend-independent
def test_diversity_of_identical_samples_is_zero(photo):
    samples = np.stack([photo] * 4)
    assert single_image_diversity(samples, photo) == 0.0


@pytest.mark.once  # NumPy: backend-independent
def test_diversity_hand_computed():
    image = np.array([[-1.0, 0.0], [1.0, 0.0]])[..., None]
    samples = np.stack(
        [np.zeros((2, 2, 1)), np.array([[0.2, 0.4], [0.0, 0.6]])[..., None]]
    )
    # Per-pixel std over 2 samples = |difference| / 2 = 0.1, 0.2, 0, 0.3:
    # mean 0.15. The image's values -1, 0, 1, 0: mean 0, std sqrt(0.5).
    expected = 0.15 / np.sqrt(0.5)
    np.testing.assert_allclose(
        single_image_diversity(samples, image), expected, rtol=1e-12
    )
    # The image may come as a batch of one.
    np.testing.assert_allclose(
        single_image_diversity(samples, image[None]), expected, rtol=1e-12
    )


@pytest.mark.once  # argument checks: backend-independent
@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: single_image_diversity(np.zeros((3, 8, 8, 3)),
                                        np.ones((8, 9, 3)) * [0, 1, 0]),
         "`samples` must have the training image's shape"),
        (lambda: single_image_diversity(np.zeros((1, 8, 8, 3)),
                                        np.zeros((8, 8, 3))),
         "`samples` must be a batch"),
        (lambda: single_image_diversity(np.zeros((8, 8, 3)),
                                        np.zeros((8, 8, 3))),
         "`samples` must be a batch"),
        (lambda: single_image_diversity(np.zeros((3, 8, 8, 3)),
                                        np.zeros((8, 8, 3))),
         "`image` must not be constant"),
        (lambda: single_image_diversity(np.zeros((3, 8, 8, 3)),
                                        np.zeros((2, 8, 8, 3))),
         "`image` must be one image"),
    ],
)
def test_diversity_bad_arguments_raise_naming_them(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# ----------------------------------------------------------------- SIFID


def _conv_model(seed=0, channels=3, filters=4):
    """A 3x3 valid convolution with known weights, of any input size."""
    rng = np.random.default_rng(seed)
    model = keras.Sequential(
        [keras.Input((None, None, channels)), keras.layers.Conv2D(filters, 3)]
    )
    kernel = rng.normal(size=(3, 3, channels, filters)).astype("float32")
    bias = rng.normal(size=(filters,)).astype("float32")
    model.set_weights([kernel, bias])
    return model, kernel, bias


def _conv_by_hand(image, kernel, bias):
    # windows: (h - 2, w - 2, C, 3, 3); the kernel is (3, 3, C, F).
    windows = sliding_window_view(image.astype("float64"), (3, 3), axis=(0, 1))
    return np.einsum("yxcij,ijcf->yxf", windows, kernel) + bias


def test_sifid_is_the_frechet_distance_of_per_location_features():
    model, kernel, bias = _conv_model()
    rng = np.random.default_rng(1)
    real = rng.uniform(-1, 1, (14, 12, 3)).astype("float32")
    # Fakes of another size than the real image.
    fakes = rng.uniform(-0.5, 1, (3, 16, 11, 3)).astype("float32")
    result = sifid(real, fakes, model, batch_size=2)

    def stats(image):
        features = _conv_by_hand(image, kernel, bias)
        return FeatureStatistics.from_features(features.reshape(-1, 4))

    expected = [frechet_distance(stats(real), stats(fake)) for fake in fakes]
    np.testing.assert_allclose(result["per_image"], expected, rtol=1e-4)
    np.testing.assert_allclose(result["sifid"], np.mean(expected), rtol=1e-4)
    assert min(expected) > 0.1
    assert sifid(real, real, model)["sifid"] < 1e-6


def test_sifid_cuts_an_extractor_after_its_first_max_pooling():
    rng = np.random.default_rng(2)
    inputs = keras.Input((20, 20, 3))
    x = keras.layers.Conv2D(6, 3, strides=2)(inputs)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.Activation("relu")(x)
    pooled = keras.layers.MaxPooling2D(3, strides=2)(x)
    x = keras.layers.Conv2D(8, 3)(pooled)
    x = keras.layers.MaxPooling2D(2)(x)
    outputs = keras.layers.GlobalAveragePooling2D()(x)
    network = keras.Model(inputs, outputs)
    extractor = FeatureExtractor(network)
    # Images of another size than the extractor's 20x20: SIFID runs each
    # image at its own size through the first layers.
    real = rng.uniform(-1, 1, (40, 36, 3)).astype("float32")
    fake = rng.uniform(-1, 1, (33, 45, 3)).astype("float32")
    result = sifid(real, fake, extractor)

    def stats(image):
        maps = image[None]
        for layer in network.layers[1:5]:  # conv, BN, relu, first pool
            maps = layer(maps, training=False)
        maps = keras.ops.convert_to_numpy(maps)
        assert maps.shape[-1] == 6
        return FeatureStatistics.from_features(maps.reshape(-1, 6))

    np.testing.assert_allclose(
        result["per_image"], [frechet_distance(stats(real), stats(fake))],
        rtol=1e-4,
    )


@pytest.mark.skipif(
    keras.backend.backend() == "jax",
    reason="building InceptionV3 costs the JAX session about 12 s "
    "(initializing 22M random weights op by op); the cut is the same "
    "keras code on every backend and runs here on TensorFlow and torch",
)
def test_sifid_uses_inceptions_64_channel_first_pool_features():
    keras.utils.set_random_seed(0)
    inception = keras.applications.InceptionV3(
        weights=None, include_top=False, pooling="avg",
        input_shape=(299, 299, 3),
    )
    # The layout of InceptionFeatureExtractor without a top (random
    # weights: the reference ones cannot be downloaded here).
    extractor = FeatureExtractor(inception, resize=True)
    rng = np.random.default_rng(3)
    real = rng.uniform(-1, 1, (64, 64, 3)).astype("float32")
    fake = np.clip(real + rng.normal(0, 0.3, real.shape), -1, 1)
    result = sifid(real, np.stack([real, fake]), extractor)
    assert result["per_image"][0] < 1e-6 < result["per_image"][1]
    # The same features as Keras' own first pooling layer at 299x299.
    # Keras' InceptionV3: three conv-BN-ReLU blocks, then the first pool.
    first_pool = inception.layers[10]
    assert isinstance(first_pool, keras.layers.MaxPooling2D)
    pool = keras.Model(inception.input, first_pool.output)
    big = rng.uniform(-1, 1, (299, 299, 3)).astype("float32")
    maps = keras.ops.convert_to_numpy(pool(big[None], training=False))
    assert maps.shape == (1, 73, 73, 64)
    expected = frechet_distance(
        FeatureStatistics.from_features(maps.reshape(-1, 64)),
        FeatureStatistics.from_features(
            _first_pool_features_at_64(inception, real).reshape(-1, 64)
        ),
    )
    np.testing.assert_allclose(
        sifid(big, real, extractor)["sifid"], expected, rtol=1e-4
    )


def _first_pool_features_at_64(inception, image):
    """Inception's layers up to the first pool, applied one by one."""
    maps = image[None]
    for layer in inception.layers[1:11]:
        maps = layer(maps, training=False)
    return keras.ops.convert_to_numpy(maps)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda model: sifid(np.zeros((2, 8, 8, 3)), np.zeros((8, 8, 3)),
                             model),
         "`real_image` must be one image"),
        (lambda model: sifid(np.zeros((8, 8, 3)), np.zeros((8, 8, 2)), model),
         "`fake_images` must have 3 channel"),
        (lambda model: sifid(np.zeros((8, 8, 3)), np.zeros((8, 8)), model),
         "`fake_images` must be an image"),
        (lambda model: sifid(np.zeros((8, 8, 3)), np.zeros((3, 3, 3)), model),
         "`fake_images` is too small"),
        (lambda model: sifid(np.zeros((8, 8, 3)), np.zeros((8, 8, 3)), "vgg"),
         "`extractor` must be a FeatureExtractor"),
        (lambda model: sifid(
            np.zeros((8, 8, 3)), np.zeros((8, 8, 3)),
            FeatureExtractor(keras.Sequential(
                [keras.Input((8, 8, 3)), keras.layers.Flatten()]))),
         "MaxPooling2D"),
    ],
)
def test_sifid_bad_arguments_raise_naming_them(call, match):
    model, _, _ = _conv_model()
    with pytest.raises(ValueError, match=match):
        call(model)
