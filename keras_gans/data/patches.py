"""Loaders that cut random patches from images held in memory.

* `load_super_resolution()`: (LR, HR) patch pairs from a folder of photos,
  the training data of SRGAN and ESRGAN: HR patches cropped at random
  positions from high-resolution images (e.g. the T91 set), randomly
  flipped and rotated, each paired with its MATLAB bicubic downscaling by
  `scale` (the LR of the evaluation protocol), the LR input the upscaler
  learns to enlarge back.
* `load_single_image()`: one image, whole or as random crops, repeated:
  the training data of SinGAN-style models.

The images stay in memory as decoded uint8 pixels; the pipeline (see
`keras_gans.data.epoch_pipeline`) shuffles which image each patch comes
from, then crops and scales to [-1, 1], so every epoch sees new patches,
and with `epochs` the patches of epoch `e` are a pure function of the seed
and `e` (a resumed run sees the very same ones).
"""

import numbers
import os

import numpy as np
import tensorflow as tf

from keras_gans.data import checks
from keras_gans.data import epoch_pipeline
from keras_gans.data import folder
from keras_gans.data.bicubic import resize_weights
from keras_gans.data.checks import check_image_size
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received

# Folded into an example's seed for its symmetry: draws unrelated to the
# crop position's, which come from the seed itself.
SYMMETRY_KEY = 1


def load_super_resolution(
    data_dir,
    patch_size=64,
    scale=4,
    batch_size=16,
    patches_per_image=1,
    seed=0,
    shuffle=True,
    epochs=None,
    initial_epoch=0,
    augment=True,
):
    """Loads random HR patches and their bicubic LR versions in [-1, 1].

    The pipeline is decode (RGB, EXIF orientation applied) -> shuffle
    which image each patch comes from -> crop a `patch_size` square at a
    random position -> with `augment`, one of the 8 symmetries of the
    square (a horizontal flip or not, then a rotation by 0, 90, 180 or 270
    degrees), uniformly -> LR = MATLAB's `imresize(hr, 1/scale,
    'bicubic')` (antialiased; `keras_gans.data.bicubic`), rounded to 8
    bits like a saved LR image (the LR of the evaluation protocol,
    `keras_gans.metrics.super_resolution`) -> scale both to [-1, 1] ->
    `batch(drop_remainder=True)` -> `prefetch(AUTOTUNE)`. The crop and the
    symmetry of a patch are drawn from its one stateless seed, so with
    `epochs` the patches stay a pure function of `seed` and the epoch.

    Args:
        data_dir: a folder of image files (searched recursively, as the
            `"folder"` source of `load()` does), e.g. the T91 images, or
            `"photos"`: four photos bundled with scikit-image (astronaut,
            chelsea, rocket, immunohistochemistry), a tiny offline set.
        patch_size: side of the square HR patches, a multiple of `scale`.
            Every image must be at least this large.
        scale: the upscaling factor, any integer >= 2: LR patches have
            side `patch_size // scale`.
        batch_size: patch pairs per batch; every batch is full.
        patches_per_image: patches cut from every image per epoch (at
            independent random positions), so an epoch holds
            `len(images) * patches_per_image` pairs.
        seed: seed of the order and the crop positions; `None` for
            different patches every run.
        shuffle: shuffle which image each patch comes from (otherwise the
            file order; the crop positions stay random).
        epochs: `None` (default) returns one epoch that draws new patches
            each time it is iterated. For training that can be resumed
            exactly, pass the run's number of epochs: the dataset then
            holds the epochs `initial_epoch` to `epochs - 1` back to back,
            each with patches fixed by `seed` and the epoch number. Fit it
            with `steps_per_epoch=len(ds) // (epochs - initial_epoch)`.
        initial_epoch: first epoch of the dataset when `epochs` is set.
        augment: flip and rotate the patches at random (the LR follows:
            it is the downscaling of the transformed HR patch). `False`
            keeps the crops as they are in the image.

    Returns:
        A `tf.data.Dataset` of float32 `(lr, hr)` batches of shapes
        `(batch_size, patch_size // scale, patch_size // scale, 3)` and
        `(batch_size, patch_size, patch_size, 3)`.

    Raises:
        ValueError: for a non-positive `patch_size`, `batch_size` or
            `patches_per_image`, a `scale` that is no integer >= 2, a
            `patch_size` that is no multiple of `scale`, an `augment` that
            is no bool, an image smaller than `patch_size` (named), an
            unreadable image file, a `batch_size` above the pairs of an
            epoch, or an `initial_epoch` outside `[0, epochs]`.
        FileNotFoundError: for a missing `data_dir`.

    Example:

    ```python
    ds = keras_gans.data.load_super_resolution(
        "../shared/data/sr/yang91", patch_size=64, scale=4
    )
    lr, hr = next(iter(ds))  # (16, 16, 16, 3) and (16, 64, 64, 3)
    ```
    """
    patch_size = check_positive_int("patch_size", patch_size)
    scale = _check_scale(scale)
    batch_size = check_positive_int("batch_size", batch_size)
    repeats = check_positive_int("patches_per_image", patches_per_image)
    if patch_size % scale:
        raise ValueError(
            "`patch_size` must be a multiple of `scale`, so that the LR "
            "patch is exactly `scale` times smaller. "
            + format_received(patch_size=patch_size, scale=scale)
        )
    if not isinstance(augment, bool):
        raise ValueError(
            "`augment` must be True or False. "
            + format_received(augment=augment)
        )
    paths, images = hr_images(data_dir)
    for path, image in zip(paths, images):
        if min(image.shape[:2]) < patch_size:
            raise ValueError(
                f"The image {path!r} is {image.shape[1]}x{image.shape[0]} "
                f"pixels, smaller than a {patch_size}x{patch_size} patch. "
                "Use a smaller patch_size or remove the image. "
                + format_received(patch_size=patch_size)
            )
    count = len(images) * repeats
    checks.check_batch_size(
        batch_size, count, f"patches of {os.fspath(data_dir)!r} per epoch"
    )
    stream = epoch_pipeline.Stream(
        # The examples are image indices, so the shuffle moves indices,
        # not whole images; `prepare` looks the pixels up.
        tf.data.Dataset.range(len(images)).repeat(repeats),
        count,
        image_lookup(images),
        augment=lambda image, seed: lr_hr_patch(
            image, seed, patch_size, scale, augment
        ),
        cache=False,
    )
    return epoch_pipeline.build(
        [stream],
        batch_size,
        seed=seed,
        shuffle=shuffle,
        epochs=epochs,
        initial_epoch=initial_epoch,
    )


# Bundled scikit-image photos: `load_super_resolution("photos")` trains on
# these (a tiny default that needs no download); "coffee" is held out.
SR_PHOTOS = ("astronaut", "chelsea", "rocket", "immunohistochemistry")
SR_HELD_OUT_PHOTO = "coffee"


def sr_photo(name):
    """A bundled scikit-image RGB photo as uint8 `(H, W, 3)`."""
    from skimage import data

    return np.asarray(getattr(data, name)(), "uint8")[..., :3]


def hr_images(data_dir):
    """`(names, uint8 RGB images)` of a folder, or of `"photos"`."""
    if isinstance(data_dir, str) and data_dir == "photos":
        return list(SR_PHOTOS), [sr_photo(name) for name in SR_PHOTOS]
    paths = folder.list_images(data_dir)
    return paths, [np.asarray(folder.read_image(p, "RGB")) for p in paths]


def image_lookup(images):
    """`index -> uint8 image` over images of different sizes.

    Args:
        images: uint8 arrays `(H, W, C)`, sizes free, one channel count.

    Returns:
        A function of an int64 scalar tensor, for `Stream.prepare`.
    """
    pixels = tf.constant(np.concatenate([image.ravel() for image in images]))
    sizes = np.array([image.size for image in images], "int64")
    starts = tf.constant(np.concatenate([[0], np.cumsum(sizes)[:-1]]))
    sizes = tf.constant(sizes)
    shapes = tf.constant(np.array([image.shape for image in images], "int64"))
    channels = images[0].shape[-1]

    def lookup(index):
        flat = pixels[starts[index] : starts[index] + sizes[index]]
        image = tf.reshape(flat, shapes[index])
        return tf.ensure_shape(image, (None, None, channels))

    return lookup


def _check_scale(scale):
    """Raises `ValueError` unless `scale` is an integer >= 2; returns it.

    Any such factor works here: the LR weights are computed for it.
    """
    if (
        isinstance(scale, bool)
        or not isinstance(scale, numbers.Integral)
        or scale < 2
    ):
        raise ValueError(
            "`scale` must be an integer >= 2 (the LR patch is `scale` "
            "times smaller). " + format_received(scale=scale)
        )
    return int(scale)


def lr_hr_patch(image, seed, patch_size, scale, augment=False):
    """A random HR patch of a uint8 image and its LR version, in [-1, 1].

    Args:
        image: uint8 tensor `(H, W, C)`, at least `patch_size` each side.
        seed: int64 tensor `(2,)` of the crop position (and the symmetry).
        patch_size: side of the HR patch.
        scale: downscaling factor of the LR patch.
        augment: apply a random symmetry of the square (`random_symmetry`)
            to the HR patch before downscaling it.

    Returns:
        float32 `(lr, hr)` of sides `patch_size // scale` and `patch_size`.
    """
    channels = image.shape[-1]
    # The crop draws from `seed` itself, so `augment=False` gives the
    # crops this loader has always given for a seed.
    hr = tf.image.stateless_random_crop(
        image, (patch_size, patch_size, channels), seed=seed
    )
    if augment:
        hr = random_symmetry(
            hr, tf.random.experimental.stateless_fold_in(seed, SYMMETRY_KEY)
        )
    return (
        epoch_pipeline.scale_images(bicubic_downscale(hr, scale)),
        epoch_pipeline.scale_images(hr),
    )


def random_symmetry(patch, seed):
    """One of the 8 symmetries of a square `patch` `(N, N, C)`, uniformly.

    One stateless draw in `[0, 8)` picks a horizontal flip (draws 4-7)
    followed by a rotation by `draw % 4` quarter turns (`tf.image.rot90`);
    the eight combinations are the dihedral group of the square, so every
    orientation and mirror image of the patch is equally likely.

    Args:
        patch: tensor `(N, N, C)`.
        seed: int tensor `(2,)`.

    Returns:
        The transformed patch: the same pixels, permuted.
    """
    draw = tf.random.stateless_uniform(
        [], seed=seed, minval=0, maxval=8, dtype=tf.int32
    )
    flipped = tf.where(draw >= 4, tf.reverse(patch, axis=[1]), patch)
    return tf.image.rot90(flipped, k=draw % 4)


def bicubic_downscale(hr, scale):
    """MATLAB's `imresize(hr, 1/scale, 'bicubic')` of a square uint8 patch.

    The resize of each side is a fixed `(n // scale, n)` matrix
    (`keras_gans.data.bicubic.resize_weights`, computed once in NumPy when
    the pipeline is traced), the same for rows and columns of a square, so
    the LR is two float32 matrix products, then clipped and rounded half
    up (MATLAB's `uint8`) to 8 bits like a saved LR image.

    Args:
        hr: uint8 tensor `(n, n, C)` with `n` a multiple of `scale`.
        scale: the downscaling factor.

    Returns:
        float32 `(n // scale, n // scale, C)` of whole values in [0, 255].
    """
    size = hr.shape[0]
    weights = tf.constant(
        resize_weights(size, size // scale, 1.0 / scale), tf.float32
    )
    # lr[i, j] = sum over h, w of weights[i, h] * hr[h, w] * weights[j, w].
    lr = tf.einsum(
        "ih,hwc,jw->ijc", weights, tf.cast(hr, tf.float32), weights
    )
    # Bicubic overshoots at edges; clip and round like a saved 8-bit LR.
    return tf.floor(tf.clip_by_value(lr, 0.0, 255.0) + 0.5)


def load_single_image(
    path,
    image_size=None,
    patch_size=None,
    batch_size=1,
    repeats=1,
    channels=None,
    seed=0,
    epochs=None,
    initial_epoch=0,
):
    """Loads one image, whole or as random crops, as batches in [-1, 1].

    SinGAN-style models learn from a single image: every step sees the
    whole image, or crops of it. An epoch holds the image `repeats` times
    (whole, or a crop at a new random position each time).

    Args:
        path: the image file.
        image_size: `(height, width)` or one int for a square to bring
            the image to (center crop to the aspect, antialiased bicubic
            resize, as every loader does); `None` keeps its size.
        patch_size: `(height, width)` or one int: yield random crops of
            this size; `None` yields the whole image.
        batch_size: images per batch; every batch is full.
        repeats: images (or crops) per epoch.
        channels: 1 (grayscale) or 3 (RGB); `None` for the file's own.
        seed: seed of the crop positions; `None` for other crops every
            run.
        epochs: `None` (default) returns one epoch whose crops change each
            time it is iterated; the run's number of epochs gives the
            epochs `initial_epoch` to `epochs - 1` back to back, with
            crops fixed by `seed` and the epoch number (resumable).
        initial_epoch: first epoch of the dataset when `epochs` is set.

    Returns:
        A `tf.data.Dataset` of float32 images `(batch_size, H, W, C)`.

    Raises:
        ValueError: for a bad `image_size`, `patch_size` or `channels`, a
            patch larger than the image, an unreadable file, a
            `batch_size` above `repeats`, or an `initial_epoch` outside
            `[0, epochs]`.

    Example:

    ```python
    ds = keras_gans.data.load_single_image("balloons.png", image_size=128,
                                           batch_size=1, repeats=100)
    ```
    """
    size = check_image_size(image_size)
    patch = check_image_size(patch_size)
    batch_size = check_positive_int("batch_size", batch_size)
    repeats = check_positive_int("repeats", repeats)
    if channels is None:
        channels = folder.file_channels(path)
    channels = checks.check_channels(channels)[0]
    image = folder.open_image(path, channels)
    size = size or (image.height, image.width)
    pixels = folder.to_array(image, size, channels)
    if patch is not None and (patch[0] > size[0] or patch[1] > size[1]):
        raise ValueError(
            f"`patch_size` must fit in the {size[0]}x{size[1]} image "
            f"(height x width) of {os.fspath(path)!r}. "
            + format_received(patch_size=patch_size)
        )
    checks.check_batch_size(
        batch_size, repeats, "images of an epoch (`repeats`)"
    )
    if patch is None:
        prepare, augment = epoch_pipeline.scale_images, None
    else:

        def augment(image, seed):
            crop = tf.image.stateless_random_crop(
                image, patch + (channels,), seed=seed
            )
            return epoch_pipeline.scale_images(crop)

        prepare = None
    stream = epoch_pipeline.Stream(
        tf.data.Dataset.from_tensors(pixels).repeat(repeats),
        repeats,
        prepare,
        augment=augment,
        cache=False,
    )
    return epoch_pipeline.build(
        [stream],
        batch_size,
        seed=seed,
        # One image: nothing to reorder.
        shuffle=False,
        epochs=epochs,
        initial_epoch=initial_epoch,
    )
