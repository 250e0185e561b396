"""Crop-and-resize of uint8 images, shared by every data source.

All sources resize the same way so that a training set from `load()` and an
evaluation reference set from `load_arrays()` match pixel for pixel: first a
center crop to the target aspect ratio (never a stretch), then an
antialiased bicubic resize. In-memory sources use PIL's bicubic filter,
which widens its kernel when downscaling (antialiasing); the
tensorflow-datasets source uses `tf.image.resize(method="bicubic",
antialias=True)`, the same filter computed in TensorFlow. Both round the
result back to uint8, like an image file would store it.
"""

import numpy as np
from PIL import Image

from keras_gans.data.checks import JITTER_CROP


def aspect_crop_size(height, width, target_height, target_width):
    """Largest centered `(height, width)` crop with the target's aspect.

    Args:
        height: source height in pixels.
        width: source width in pixels.
        target_height: height of the final image.
        target_width: width of the final image.

    Returns:
        `(crop_height, crop_width)`, each at most the source size.

    Example:

    >>> aspect_crop_size(218, 178, 64, 64)
    (178, 178)
    """
    # Integer arithmetic so PIL and the TensorFlow path crop identically.
    crop_width = min(width, height * target_width // target_height)
    crop_height = min(height, width * target_height // target_width)
    return max(crop_height, 1), max(crop_width, 1)


def fit_image(image, height, width):
    """Center-crops a PIL image to the target aspect, then resizes it.

    Args:
        image: a `PIL.Image.Image`.
        height: output height.
        width: output width.

    Returns:
        A `PIL.Image.Image` of size `(width, height)`; `image` itself when it
        already has that size.
    """
    if image.size == (width, height):
        return image
    crop_height, crop_width = aspect_crop_size(
        image.height, image.width, height, width
    )
    left = (image.width - crop_width) // 2
    top = (image.height - crop_height) // 2
    # Crop first: `resize(box=...)` would let the filter read pixels
    # outside the box, unlike the TensorFlow path.
    image = image.crop((left, top, left + crop_width, top + crop_height))
    if image.size == (width, height):
        return image
    return image.resize((width, height), Image.BICUBIC)


def fit_array_images(images, image_shape):
    """Crops and resizes a uint8 `(N, H, W, C)` array to `image_shape`.

    Args:
        images: uint8 array of shape `(N, H, W, C)` with C in {1, 3}.
        image_shape: target `(height, width, channels)`; the channel count
            must equal C (the caller checks it).

    Returns:
        uint8 array of shape `(N,) + image_shape` (the input when the
        height and width already match).
    """
    height, width = image_shape[0], image_shape[1]
    if images.shape[1:3] == (height, width):
        return images
    out = np.empty((len(images), height, width, images.shape[-1]), "uint8")
    for i, array in enumerate(images):
        # PIL's "L" mode wants a 2-D array; RGB keeps its channel axis.
        pil = Image.fromarray(array[..., 0] if array.shape[-1] == 1 else array)
        out[i] = np.asarray(fit_image(pil, height, width)).reshape(
            out.shape[1:]
        )
    return out


def fit_image_tensor(image, image_shape, center_crop=None):
    """TensorFlow version of `fit_image` for one uint8 `(H, W, C)` tensor.

    Args:
        image: uint8 tensor `(H, W, C)`; height and width may be dynamic.
        image_shape: target `(height, width, channels)`.
        center_crop: optional square size cropped from the center first
            (e.g. 140 for CelebA faces).

    Returns:
        uint8 tensor of shape `image_shape`.
    """
    import tensorflow as tf

    height, width, channels = image_shape
    if center_crop is not None:
        size = tf.minimum(
            center_crop, tf.minimum(tf.shape(image)[0], tf.shape(image)[1])
        )
        image = _center_crop_tensor(image, size, size)
    static = tuple(image.shape[:2])
    if static == (height, width):
        return tf.ensure_shape(image, image_shape)
    source_height, source_width = tf.shape(image)[0], tf.shape(image)[1]
    crop_width = tf.minimum(source_width, source_height * width // height)
    crop_height = tf.minimum(source_height, source_width * height // width)
    image = _center_crop_tensor(
        image, tf.maximum(crop_height, 1), tf.maximum(crop_width, 1)
    )
    resized = tf.image.resize(
        image, (height, width), method="bicubic", antialias=True
    )
    # Bicubic overshoots at edges; clip before rounding back to pixels.
    resized = tf.cast(tf.round(tf.clip_by_value(resized, 0.0, 255.0)), "uint8")
    return tf.ensure_shape(resized, (height, width, channels))


def _center_crop_tensor(image, crop_height, crop_width):
    import tensorflow as tf

    top = (tf.shape(image)[0] - crop_height) // 2
    left = (tf.shape(image)[1] - crop_width) // 2
    return image[top : top + crop_height, left : left + crop_width]


# pix2pix enlarges 256x256 images to 286x286 before its random crop.
JITTER_SCALE = 286 / 256


def jitter_size(height, width):
    """Size an image is enlarged to before the pix2pix random crop.

    Each side is scaled by 286/256 and rounded to the nearest even number
    (never below the original side), so a 256x256 image becomes 286x286
    and a 32x32 one 36x36.

    Example:

    >>> jitter_size(256, 256), jitter_size(32, 28)
    ((286, 286), (36, 32))
    """

    def enlarge(side):
        return max(side, 2 * int(side * JITTER_SCALE / 2 + 0.5))

    return enlarge(height), enlarge(width)


def random_jitter(image, seed, mirror=True):
    """pix2pix jitter of one float image tensor `(H, W, C)`.

    Resizes the image up to `jitter_size(H, W)` (bilinear: it adds no
    overshoot, so [-1, 1] pixels stay in range), crops a random `(H, W)`
    window and, when `mirror`, flips it left-right with probability 0.5.
    Stateless: the same `seed` always gives the same crop and flip.

    Args:
        image: float tensor `(H, W, C)` with static height and width.
        seed: int32/int64 tensor of shape `(2,)`.
        mirror: also flip at random. Digits should not be mirrored (a
            mirrored 2 is no digit), photos and facades may.

    Returns:
        A float tensor of the same shape as `image`.
    """
    import tensorflow as tf

    height, width, channels = image.shape
    crop_seed, flip_seed = tf.unstack(
        tf.random.experimental.stateless_split(seed, 2)
    )
    enlarged = tf.image.resize(
        image, jitter_size(height, width), method="bilinear"
    )
    image = tf.image.stateless_random_crop(
        enlarged, (height, width, channels), seed=crop_seed
    )
    if mirror:
        image = tf.image.stateless_random_flip_left_right(image, flip_seed)
    return image


def jitter_pair(a, b, seed, mirror=True):
    """`random_jitter` applied identically to both images of a pair.

    The images are stacked on the channel axis, jittered once and split
    again, so the crop window and the flip are the same for `a` and `b`
    by construction (pix2pix needs the target aligned with the input).

    Args:
        a: float tensor `(H, W, Ca)`.
        b: float tensor `(H, W, Cb)` of the same height and width.
        seed: int32/int64 tensor of shape `(2,)`.
        mirror: also flip at random.

    Returns:
        `(a, b)` jittered, with their original shapes.
    """
    import tensorflow as tf

    stacked = random_jitter(tf.concat([a, b], axis=-1), seed, mirror)
    return stacked[..., : a.shape[-1]], stacked[..., a.shape[-1] :]


def jitter_function(jitter, pair=False):
    """The `(example, seed) -> example` augmentation of a `jitter` mode.

    Args:
        jitter: `True` (crop and mirror), `"crop"` (no mirror) or `False`.
        pair: the examples are aligned `(a, b)` pairs, jittered alike.

    Returns:
        A function for `keras_gans.data.epoch_pipeline.Stream.augment`, or
        `None` when `jitter` is `False`.
    """
    if not jitter:
        return None
    mirror = jitter != JITTER_CROP
    if pair:
        return lambda example, seed: jitter_pair(*example, seed, mirror)
    return lambda example, seed: random_jitter(example, seed, mirror)
