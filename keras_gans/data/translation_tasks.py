"""Built-in translation tasks made from real images that ship offline.

Paired (pix2pix):

* `"digits-edges"`: scikit-learn's 1,797 bundled digits at 32x32. A is
  the digit's outline (the one-pixel ring just outside the strokes of the
  digit thresholded at half intensity), B the grayscale digit.
* `"mnist-edges"`: the same from MNIST IDX files in `data_dir`, the
  28x28 digits padded to 32x32 (as LeNet did; no resampling blur).
* `"photos-gray2color"`: patches of scikit-image's bundled colour photos,
  A the grayscale patch (ITU-R 601 luma, 1 channel), B the colour patch.
  Training patches come from astronaut, rocket, motorcycle and
  immunohistochemistry, test patches from chelsea and coffee.

Unpaired (CycleGAN, DiscoGAN):

* `"digits-inverted"`: scikit-learn's digits at 32x32. Domain A holds
  plain digits from one half of the images, domain B the other half with
  inverted colours and strokes thickened by a 3x3 dilation, so no image
  has its partner in the other domain. The labels travel in
  `TranslationArrays` for the identity evaluation only.
* `"mnist-inverted"`: the same from MNIST IDX files in `data_dir`.

Train and test never mix: the digit images are split 80/20 per class with
a fixed seed (so the split is the same on every machine and every run),
and the photos are split by photo. The unpaired halves are drawn, again
per class with a fixed seed, inside each split.
"""

import numpy as np
from PIL import Image
from scipy import ndimage

from keras_gans.data import checks
from keras_gans.data import digits
from keras_gans.data import mnist_idx
from keras_gans.data.checks import JITTER_CROP
from keras_gans.data.checks import check_fixed_channels
from keras_gans.data.transforms import fit_array_images
from keras_gans.data.transforms import fit_image
from keras_gans.data.translation_arrays import TranslationArrays
from keras_gans.utils.validation import format_received

SPLITS = ("train", "test")
TEST_FRACTION = 0.2
DIGIT_SIZE = (32, 32)
PHOTO_SIZE = (64, 64)
# Fixed seeds: changing them would silently move images between splits of
# runs that users compare.
_SPLIT_SEED = 1
_HALVES_SEED = 2
_HALF_INTENSITY = 128
_NEIGHBOURS = np.ones((1, 3, 3), bool)
TRAIN_PHOTOS = ("astronaut", "rocket", "motorcycle", "immunohistochemistry")
TEST_PHOTOS = ("chelsea", "coffee")
# Photos are scaled so their short side has this many pixels before
# patches are cut: a 64x64 patch then shows a recognisable part of them.
_PHOTO_SHORT_SIDE = 256

PAIRED_TASKS = ("digits-edges", "mnist-edges", "photos-gray2color")
UNPAIRED_TASKS = ("digits-inverted", "mnist-inverted")
# Mirroring a digit makes it no digit, so digit tasks only crop.
_CROP_ONLY = ("digits-edges", "mnist-edges") + UNPAIRED_TASKS


def default_jitter(source):
    """Training jitter of a translation source: `"crop"` for the digit
    tasks, `True` (crop and mirror) for every other source."""
    return JITTER_CROP if source in _CROP_ONLY else True


def stratified_split(labels, fraction, seed):
    """Deterministic per-class split of indices.

    Args:
        labels: int array `(N,)`.
        fraction: share of every class that goes to the second part.
        seed: seed of the per-class permutations.

    Returns:
        `(first, second)`: sorted int arrays of indices into `labels`,
        disjoint, together covering every index.

    Example:

    >>> first, second = stratified_split(np.repeat([0, 1], 10), 0.2, seed=0)
    >>> len(first), len(second)
    (16, 4)
    """
    rng = np.random.default_rng(seed)
    first, second = [], []
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        count = int(round(len(members) * fraction))
        second.append(members[:count])
        first.append(members[count:])
    return np.sort(np.concatenate(first)), np.sort(np.concatenate(second))


def outline(images):
    """Outline maps of uint8 digit images `(N, H, W, 1)`.

    A pixel is on (255) where the digit, thresholded at half intensity, is
    off but one of its 8 neighbours is on: the ring just outside the
    strokes. Unlike a filled mask it leaves the stroke interior for the
    model to paint, also for MNIST's thin strokes.
    """
    mask = images[..., 0] >= _HALF_INTENSITY
    ring = ndimage.binary_dilation(mask, structure=_NEIGHBOURS) & ~mask
    return (ring * 255).astype("uint8")[..., None]


def invert_and_thicken(images):
    """Domain B of the inverted-digit tasks from uint8 `(N, H, W, 1)`.

    Strokes are thickened by a 3x3 grey dilation, then the colours are
    inverted: dark, thick digits on white.
    """
    thick = ndimage.grey_dilation(images[..., 0], footprint=_NEIGHBOURS)
    return (255 - thick).astype("uint8")[..., None]


def read_task(source, data_dir=None, split="train", size=None, channels=None):
    """Reads a built-in task split as `TranslationArrays` (A to B).

    Args:
        source: one of `PAIRED_TASKS + UNPAIRED_TASKS`.
        data_dir: directory of the MNIST IDX files (MNIST tasks only).
        split: `"train"` or `"test"`.
        size: `(height, width)`, default 32x32 for digits and 64x64 for
            photo patches.
        channels: checked `(channels_a, channels_b)` or `None`; the tasks
            have fixed channels ((1, 1), photos (1, 3)).

    Returns:
        `TranslationArrays` with uint8 images and, for digits, labels.

    Raises:
        ValueError: for a bad `split`, other channels, a photo patch size
            above 256 pixels, or corrupt MNIST files.
        FileNotFoundError: for missing MNIST files.
    """
    checks.check_split(split, SPLITS, source)
    if source == "photos-gray2color":
        check_fixed_channels(channels, (1, 3), source)
        return _photo_patches(split, size or PHOTO_SIZE)
    check_fixed_channels(channels, (1, 1), source)
    images, labels = _digit_images(source, data_dir, size or DIGIT_SIZE)
    train, test = stratified_split(labels, TEST_FRACTION, _SPLIT_SEED)
    chosen = train if split == "train" else test
    if source in PAIRED_TASKS:
        return TranslationArrays(
            a=outline(images[chosen]),
            b=images[chosen],
            a_labels=labels[chosen],
            b_labels=labels[chosen],
            paired=True,
            source=source,
            split=split,
        )
    in_a, in_b = stratified_split(labels[chosen], 0.5, _HALVES_SEED)
    in_a, in_b = chosen[in_a], chosen[in_b]
    return TranslationArrays(
        a=images[in_a],
        b=invert_and_thicken(images[in_b]),
        a_labels=labels[in_a],
        b_labels=labels[in_b],
        paired=False,
        source=source,
        split=split,
    )


def _digit_images(source, data_dir, size):
    if source.startswith("digits"):
        arrays = digits.read(size + (1,), with_labels=True)
        return arrays.images, arrays.labels
    data_dir = checks.check_data_dir(data_dir, source)
    try:
        arrays = mnist_idx.read_mnist_idx(
            data_dir, with_labels=True, split="all"
        )
    except FileNotFoundError as exc:
        raise FileNotFoundError(
            f"The {source!r} source reads MNIST images and labels from "
            f"`data_dir` (the labels give the stratified train/test split): "
            f"{exc}"
        ) from exc
    images = arrays.images
    height, width = images.shape[1:3]
    pad_y, pad_x = size[0] - height, size[1] - width
    if pad_y >= 0 and pad_x >= 0 and pad_y % 2 == 0 and pad_x % 2 == 0:
        # Padding keeps MNIST's pixels exact: 28x28 -> 32x32 adds 2 px.
        padding = ((0, 0), (pad_y // 2,) * 2, (pad_x // 2,) * 2, (0, 0))
        images = np.pad(images, padding)
    else:
        images = fit_array_images(images, size + (1,))
    return images, arrays.labels


def _load_photo(name):
    from skimage import data

    if name == "motorcycle":
        return data.stereo_motorcycle()[0]
    return getattr(data, name)()


def _photo_patches(split, size):
    height, width = size
    if max(size) > _PHOTO_SHORT_SIDE:
        raise ValueError(
            "'photos-gray2color' cuts patches from photos scaled to "
            f"{_PHOTO_SHORT_SIDE} pixels on their short side, so "
            f"`image_size` must be at most {_PHOTO_SHORT_SIDE} pixels on each "
            "side. " + format_received(image_size=size)
        )
    # Training patches overlap by half (more data); test patches do not,
    # so each test pixel is scored once.
    train = split == "train"
    step_y, step_x = (height // 2, width // 2) if train else (height, width)
    colour, gray = [], []
    for name in TRAIN_PHOTOS if train else TEST_PHOTOS:
        photo = Image.fromarray(_load_photo(name)).convert("RGB")
        scale = _PHOTO_SHORT_SIDE / min(photo.size)
        target = (round(photo.height * scale), round(photo.width * scale))
        photo = fit_image(photo, *target)
        rgb = np.asarray(photo)
        luma = np.asarray(photo.convert("L"))
        for top in range(0, rgb.shape[0] - height + 1, max(step_y, 1)):
            for left in range(0, rgb.shape[1] - width + 1, max(step_x, 1)):
                colour.append(rgb[top : top + height, left : left + width])
                gray.append(luma[top : top + height, left : left + width])
    return TranslationArrays(
        a=np.stack(gray)[..., None],
        b=np.stack(colour),
        paired=True,
        source="photos-gray2color",
        split=split,
    )
