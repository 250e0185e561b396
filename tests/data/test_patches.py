"""The patch loaders: `load_super_resolution()` (random HR patches of a
folder's images and their bicubic LR versions) and `load_single_image()`
(one image, whole or cropped), epoch-keyed like every loader."""

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from keras_gans import data
from keras_gans.data import bicubic
from keras_gans.data import patches
from tests.data.translation_helpers import noise
from tests.data.translation_helpers import save_image

# Backend-independent: runs in one backend's session (tests/conftest.py).
pytestmark = pytest.mark.once

SIZES = [(12, 16), (9, 9), (10, 13)]


@pytest.fixture(scope="module")
def photos(tmp_path_factory):
    """Three noise images of different sizes (every patch is unique)."""
    root = tmp_path_factory.mktemp("sr")
    for i, size in enumerate(SIZES):
        save_image(root / "nested" / f"{i}.png", noise(size + (3,), seed=i))
    return root


def _images(photos):
    paths = [photos / "nested" / f"{i}.png" for i in range(len(SIZES))]
    return [np.asarray(Image.open(path)) for path in paths]


def _pixels(images):
    return np.rint((images + 1.0) * 127.5).astype("uint8")


def _pairs(photos, **kwargs):
    options = dict(patch_size=8, scale=4, batch_size=2, seed=0)
    dataset = data.load_super_resolution(photos, **{**options, **kwargs})
    lr, hr = (np.concatenate(part) for part in zip(*dataset))
    return _pixels(lr), _pixels(hr)


def _source_of(patch, images):
    """Index of the image `patch` was cropped from, or `None`."""
    size = patch.shape[0]
    for index, image in enumerate(images):
        for top in range(image.shape[0] - size + 1):
            for left in range(image.shape[1] - size + 1):
                window = image[top : top + size, left : left + size]
                if np.array_equal(window, patch):
                    return index
    return None


def _within_one_level(lr, hr, scale):
    """`lr` is MATLAB's bicubic downscaling of `hr` (uint8 batches), up to
    1 level where float32 and float64 round a value near .5 apart."""
    expected = [bicubic.imresize(patch, scale=1 / scale) for patch in hr]
    difference = np.abs(np.stack(expected).astype(int) - lr.astype(int))
    assert difference.max() <= 1


# The 8 symmetries of a square patch `(N, N, C)`.
SYMMETRIES = [
    (lambda p, k=k, flip=flip: np.rot90(p[:, ::-1] if flip else p, k))
    for flip in (False, True)
    for k in range(4)
]


def test_hr_patches_are_crops_and_lr_their_bicubic_downscaling(photos):
    dataset = data.load_super_resolution(
        photos, patch_size=8, scale=4, batch_size=2, patches_per_image=2,
        augment=False,
    )
    # 3 images x 2 patches, in full batches of 2.
    assert len(dataset) == 3
    lr, hr = next(iter(dataset))
    assert lr.shape == (2, 2, 2, 3) and hr.shape == (2, 8, 8, 3)
    assert lr.dtype == hr.dtype == "float32"
    lr, hr = _pairs(photos, patches_per_image=2, augment=False)
    images = _images(photos)
    sources = [_source_of(patch, images) for patch in hr]
    # Every image gives its 2 patches per epoch.
    assert sorted(sources) == [0, 0, 1, 1, 2, 2]
    # MATLAB's bicubic, as the SR evaluation protocol downscales.
    _within_one_level(lr, hr, 4)


def test_augmented_patches_are_symmetries_of_crops_and_lr_follows(photos):
    # The crop draws from the example's seed itself, the symmetry from a
    # key folded into it: with and without `augment` the crops match.
    options = dict(patch_size=6, scale=3, patches_per_image=4, epochs=2)
    plain_lr, plain_hr = _pairs(photos, augment=False, **options)
    lr, hr = _pairs(photos, **options)
    used = set()
    for index in range(len(hr)):
        matches = [
            number
            for number, symmetry in enumerate(SYMMETRIES)
            if np.array_equal(symmetry(plain_hr[index]), hr[index])
        ]
        assert len(matches) == 1  # noise patches: no symmetry of their own
        used.add(matches[0])
        # The LR is the downscaling of the transformed patch, which for a
        # square is the transformed LR (the resize commutes with them).
        expected = SYMMETRIES[matches[0]](plain_lr[index])
        assert np.abs(expected.astype(int) - lr[index].astype(int)).max() <= 1
    assert len(used) >= 5  # 24 patches draw from all 8 symmetries
    _within_one_level(lr, hr, 3)
    again = _pairs(photos, **options)
    np.testing.assert_array_equal(again[0], lr)
    np.testing.assert_array_equal(again[1], hr)


def test_random_symmetry_draws_each_symmetry_of_the_square():
    patch = np.arange(3 * 3 * 2).reshape(3, 3, 2)
    expected = {symmetry(patch).tobytes() for symmetry in SYMMETRIES}
    assert len(expected) == 8
    seen = set()
    for seed in range(64):
        seeds = tf.constant([seed, 7], tf.int64)
        result = patches.random_symmetry(tf.constant(patch), seeds).numpy()
        assert result.tobytes() in expected
        seen.add(result.tobytes())
    assert seen == expected


@pytest.mark.parametrize("scale", [2, 3, 4])
def test_tf_downscaling_matches_imresize(scale):
    hr = noise((12, 12, 3), seed=scale)
    lr = patches.bicubic_downscale(tf.constant(hr), scale).numpy()
    assert lr.shape == (12 // scale, 12 // scale, 3)
    np.testing.assert_array_equal(lr, np.floor(lr))  # whole levels
    _within_one_level(lr[None].astype("uint8"), hr[None], scale)


def test_resumed_epochs_see_the_same_patches(photos):
    full = _pairs(photos, epochs=3, patches_per_image=2)[1].reshape(3, 6, -1)
    resumed = _pairs(photos, epochs=3, initial_epoch=1, patches_per_image=2)
    np.testing.assert_array_equal(resumed[1].reshape(2, 6, -1), full[1:])
    assert not np.array_equal(full[0], full[1])
    other_seed = _pairs(photos, epochs=1, patches_per_image=2, seed=1)[1]
    assert not np.array_equal(other_seed.reshape(6, -1), full[0])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"patch_size": 10, "scale": 4}, r"multiple of `scale`.*patch_size=10"),
        ({"patch_size": 12, "scale": 4}, r"1.png.*9x9.*patch_size=12"),
        ({"batch_size": 4}, r"3 patches.*batch_size=4"),
        ({"scale": 0}, r"scale=0"),
        ({"scale": 1}, r"integer >= 2.*scale=1"),
        ({"scale": 2.0}, r"integer >= 2.*scale=2.0"),
        ({"augment": "yes"}, r"`augment`.*augment='yes'"),
    ],
)
def test_bad_arguments_raise_naming_them(photos, kwargs, match):
    with pytest.raises(ValueError, match=match):
        data.load_super_resolution(photos, **{"patch_size": 8, **kwargs})


# ------------------------------------------------------------ single image


def test_single_image_whole_and_resized(photos):
    path = photos / "nested" / "0.png"
    dataset = data.load_single_image(path, batch_size=2, repeats=4)
    batches = [_pixels(images) for images in dataset.as_numpy_iterator()]
    assert len(batches) == 2
    for batch in batches:
        assert batch.shape == (2, 12, 16, 3)
        np.testing.assert_array_equal(batch[0], _images(photos)[0])
    gray = data.load_single_image(path, image_size=(6, 8), channels=1)
    assert next(iter(gray)).shape == (1, 6, 8, 1)


def test_single_image_crops_are_epoch_keyed(photos):
    path = photos / "nested" / "0.png"

    def crops(**kwargs):
        dataset = data.load_single_image(
            path, patch_size=5, batch_size=3, repeats=3, epochs=3, **kwargs
        )
        return _pixels(np.concatenate(list(dataset.as_numpy_iterator())))

    full = crops()
    assert full.shape == (9, 5, 5, 3)
    assert all(_source_of(crop, _images(photos)[:1]) == 0 for crop in full)
    np.testing.assert_array_equal(crops(initial_epoch=2), full[6:])
    assert not np.array_equal(full[:3], full[3:6])


def test_single_image_bad_arguments(photos):
    path = photos / "nested" / "1.png"
    with pytest.raises(ValueError, match=r"fit in the 9x9.*patch_size=10"):
        data.load_single_image(path, patch_size=10)
    with pytest.raises(ValueError, match=r"2 images.*batch_size=3"):
        data.load_single_image(path, batch_size=3, repeats=2)
