"""`patch_swd`: multi-scale sliced Wasserstein distance of image patches."""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from skimage.transform import pyramid_gaussian
from skimage.transform import pyramid_laplacian

from keras_gans.metrics import image_checks
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received

# Projections compared at a time: bounds the `(projections, patches)`
# quantile tables of two large levels to tens of MB.
_PROJECTION_CHUNK = 32


def patch_swd(
    images_a,
    images_b,
    patch_size=7,
    levels=4,
    num_projections=128,
    max_patches=16384,
    seed=0,
):
    """Sliced Wasserstein distance between the patches of two image sets.

    The patch statistic of Karras et al. (2018, progressive GAN), used for
    single-image GANs (SinGAN) where one real image is compared with
    samples of any size. Both sets go through a Laplacian pyramid (see
    `laplacian_pyramid`): band-pass detail at full size, half size, ...
    and the smoothed image at the coarsest level; the number of levels is
    `levels` or fewer, so that the smaller set's coarsest level is still
    at least `patch_size` high and wide. Per level:

    1. both levels are normalized by the per-channel mean and standard
       deviation of `images_a`'s level, so the distance is in units of
       the reference's contrast at that scale and, unlike Karras et al.
       (who normalize each set by its own statistics), a loss of detail
       (blur) or a colour shift of `images_b` counts;
    2. all `patch_size x patch_size` patches are taken, or a random
       subset of `max_patches` per set (then even an image against itself
       gives a small positive value: the sampling floor);
    3. the patches are projected on `num_projections` random unit
       directions and, per direction, the exact 1-D Wasserstein-1
       distance of the two empirical distributions is taken (sorted
       projections compared quantile by quantile; different patch counts,
       e.g. from images of other sizes, are matched on the union of both
       quantile grids);
    4. the level's value is the mean over directions.

    The coarsest level of a small image has few patches and measures the
    layout more than the texture (a 64-pixel image's 8-pixel level has 4
    patches of 7x7); use `levels` to leave it out.

    The seed fixes the directions and the subsets, so numbers computed
    with the same arguments are comparable. `images_a` is the reference
    (the real image); swapping the arguments changes only the
    normalization. `patch_baselines` gives values of this measure for
    simple edits of an image, the scale to read a number against.

    Args:
        images_a: the reference: an image `(H, W, C)` or a batch
            `(N, H, W, C)` of floats in [-1, 1] (uint8 pixels are scaled
            by `x / 127.5 - 1`); NumPy or a backend tensor.
        images_b: the images compared with it, the same channels, any
            size and count.
        patch_size: side of the square patches, in pixels.
        levels: maximum number of pyramid levels (full size, half, ...).
        num_projections: number of random directions.
        max_patches: most patches used per set and level.
        seed: seed of the directions and the patch subsets.

    Returns:
        A dict `{"swd": float, "levels": [float, ...]}`: the mean over
        levels, and the value of each level from the finest (full size)
        to the coarsest; both >= 0, 0 for identical patch sets.

    Raises:
        ValueError: if an image argument is not 3-D or 4-D, not finite or
            outside [-1, 1], the channel counts differ, an image is
            smaller than `patch_size`, or an integer argument is not
            positive (`patch_size` at least 2).

    Example:

    ```python
    real = image / 127.5 - 1.0            # (H, W, 3) training image
    fakes = singan.generate(50, seed=0)   # (50, H', W', 3)
    patch_swd(real, fakes)                # {"swd": ..., "levels": [...]}
    ```
    """
    a = image_batch(images_a, "images_a")
    b = image_batch(images_b, "images_b")
    if a.shape[-1] != b.shape[-1]:
        raise ValueError(
            "`images_a` and `images_b` must have the same number of "
            "channels. "
            + format_received(
                images_a=image_checks.describe(a),
                images_b=image_checks.describe(b),
            )
        )
    patch_size = check_positive_int("patch_size", patch_size)
    if patch_size < 2:
        raise ValueError(
            "`patch_size` must be at least 2 (1x1 patches are pixels, not "
            "texture). " + format_received(patch_size=patch_size)
        )
    levels = check_positive_int("levels", levels)
    num_projections = check_positive_int("num_projections", num_projections)
    max_patches = check_positive_int("max_patches", max_patches)
    for name, array in (("images_a", a), ("images_b", b)):
        if min(array.shape[1:3]) < patch_size:
            raise ValueError(
                f"`{name}` must be at least `patch_size` ({patch_size}) "
                "pixels high and wide. "
                + format_received(**{name: image_checks.describe(array)})
            )
    rng = np.random.default_rng(seed)
    # Levels at the same scale match: the smaller set sets the count,
    # so that both residuals (the last level) have the same scale.
    count = min(
        level_count(a.shape[1:], levels, patch_size),
        level_count(b.shape[1:], levels, patch_size),
    )
    values = [
        _level_distance(
            level_a, level_b, patch_size, num_projections, max_patches, rng
        )
        for level_a, level_b in zip(
            laplacian_pyramid(a, count), laplacian_pyramid(b, count)
        )
    ]
    return {"swd": float(np.mean(values)), "levels": values}


def image_batch(images, name):
    """Images as a float64 `(N, H, W, C)` batch in [-1, 1].

    Accepts one image `(H, W, C)` or a batch, floats in [-1, 1] or uint8
    pixels, NumPy or a backend tensor; errors name `name`.

    Raises:
        ValueError: for another rank, non-finite values or values outside
            [-1, 1].
    """
    array = image_checks.to_numpy(images, name)
    if array.ndim not in (3, 4):
        raise ValueError(
            f"`{name}` must be an image (height, width, channels) or a "
            "batch (N, height, width, channels). "
            + format_received(**{name: image_checks.describe(array)})
        )
    if array.ndim == 3:
        array = array[None]
    if len(array) == 0:
        raise ValueError(
            f"`{name}` must hold at least one image. "
            + format_received(**{name: image_checks.describe(array)})
        )
    # Validated (rank, finiteness, range) by the extractors' checks, which
    # return float32; the values are kept in float64 here.
    image_checks.check_pixel_values(array, name)
    if array.dtype == np.uint8:
        return array / 127.5 - 1.0
    return array.astype(np.float64)


def laplacian_pyramid(images, levels):
    """Band-pass levels and a low-pass residual of a `(N, H, W, C)` batch.

    The Gaussian pyramid (`skimage.transform.pyramid_gaussian`) smooths
    and halves the batch `levels - 1` times. The first `levels - 1`
    levels are replaced by their band-pass detail (the level minus its
    smoothed copy, `skimage.transform.pyramid_laplacian`) and the last
    stays the smoothed image, as in Karras et al.'s SWD. Bands keep each
    scale's texture without the low frequencies, which carry the layout:
    with plain Gaussian levels every level would repeat the layout, and a
    mirrored photo would score like a blurred one.

    Returns:
        A list of `levels` float64 arrays `(N, h_k, w_k, C)`, finest
        first (`h_k = ceil(h_(k-1) / 2)`); with `levels=1`, the images
        themselves.
    """
    options = dict(
        max_layer=levels - 1, downscale=2, channel_axis=-1, preserve_range=True
    )
    residual = [list(pyramid_gaussian(x, **options))[-1] for x in images]
    bands = [list(pyramid_laplacian(image, **options)) for image in images]
    detail = [np.stack(level) for level in list(zip(*bands))[: levels - 1]]
    return detail + [np.stack(residual)]


def level_count(image_shape, levels, min_size):
    """Pyramid levels, at most `levels`, whose height and width (halved
    and rounded up per level, as `pyramid_gaussian` does) are at least
    `min_size`."""
    height, width = image_shape[:2]
    count = 0
    while count < levels and min(height, width) >= min_size:
        count += 1
        height, width = -(-height // 2), -(-width // 2)
    return count


def _level_distance(
    level_a, level_b, patch_size, num_projections, max_patches, rng
):
    """Sliced W1 of the patches of one level, in the reference's units."""
    mean, std = _channel_moments(level_a)
    patches_a = _patches((level_a - mean) / std, patch_size, max_patches, rng)
    patches_b = _patches((level_b - mean) / std, patch_size, max_patches, rng)
    directions = rng.standard_normal((num_projections, patches_a.shape[1]))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    return _mean_wasserstein(directions @ patches_a.T, directions @ patches_b.T)


def _channel_moments(level):
    """Per-channel mean and std of a level; a flat channel keeps std 1."""
    mean = level.mean(axis=(0, 1, 2))
    std = level.std(axis=(0, 1, 2))
    return mean, np.where(std > 0, std, 1.0)


def _patches(level, patch_size, max_patches, rng):
    """`(count, patch_size**2 * C)` patches of a batch: all of them, or
    `max_patches` drawn without replacement."""
    windows = sliding_window_view(level, (patch_size, patch_size), axis=(1, 2))
    # windows: (N, H - p + 1, W - p + 1, C, p, p), a view of `level`.
    grid = windows.shape[:3]
    total = int(np.prod(grid))
    if total <= max_patches:
        return windows.reshape(total, -1)
    chosen = rng.choice(total, size=max_patches, replace=False)
    return windows[np.unravel_index(chosen, grid)].reshape(max_patches, -1)


def _mean_wasserstein(projected_a, projected_b):
    """Mean over rows of the exact 1-D Wasserstein-1 distance between the
    empirical distributions of the rows of two `(projections, n)` arrays.

    W1 is the integral over t in [0, 1] of |Q_a(t) - Q_b(t)| for the
    quantile functions Q, which are step functions with steps at k / n_a
    and k / n_b. On the integer grid of the common denominator n_a * n_b
    the union of the steps is exact, and on each interval between two
    steps both quantiles are constant: sample `left // n_b` of the sorted
    `a`, `left // n_a` of the sorted `b`. With equal counts this is the
    mean absolute difference of the sorted values (what
    `scipy.stats.wasserstein_distance` gives, here for all directions in
    one vectorized pass instead of a Python loop).
    """
    # Rows are contiguous: sorting along the last axis is the fast one.
    sorted_a = np.sort(projected_a, axis=1)
    sorted_b = np.sort(projected_b, axis=1)
    n_a, n_b = sorted_a.shape[1], sorted_b.shape[1]
    steps = np.union1d(np.arange(n_a + 1) * n_b, np.arange(n_b + 1) * n_a)
    left = steps[:-1]
    widths = np.diff(steps) / (n_a * n_b)
    index_a, index_b = left // n_b, left // n_a
    distances = []
    for start in range(0, len(sorted_a), _PROJECTION_CHUNK):
        rows = slice(start, start + _PROJECTION_CHUNK)
        gaps = np.abs(sorted_a[rows, index_a] - sorted_b[rows, index_b])
        distances.append(gaps @ widths)
    return float(np.mean(np.concatenate(distances)))
