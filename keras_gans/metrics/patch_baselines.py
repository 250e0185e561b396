"""`patch_baselines`: `patch_swd` of an image against edits of itself."""

import numpy as np
from skimage.filters import gaussian

from keras_gans.metrics import image_checks
from keras_gans.metrics.patch_swd import image_batch
from keras_gans.metrics.patch_swd import patch_swd
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received


def patch_baselines(
    image,
    blur_sigma=2.0,
    grid=4,
    noise_std=0.1,
    patch_size=7,
    levels=4,
    num_projections=128,
    max_patches=16384,
    seed=0,
):
    """Reference values of `patch_swd` for one image, to read scores by.

    A patch SWD has no natural unit: it depends on the image, the patch
    size and the pyramid. Measuring the image against edits of itself,
    with the same settings as the generated samples, says what a number
    means:

    - `"self"`: the image itself; 0, or the sampling floor when
      `max_patches` subsamples the patches.
    - `"flip"`: mirrored left-right. The same content with mirrored
      patches: the "same image" level. Not 0: the coarsest levels have
      few patches and see the mirrored layout (on scikit-image's
      astronaut at 128x128: flip 0.10, noise 0.11, shuffle 0.20, blur
      0.34 with the defaults).
    - `"blur"`: Gaussian-blurred with `blur_sigma` pixels (per channel,
      `skimage.filters.gaussian`): the fine texture is gone, as in
      blurry samples.
    - `"shuffle"`: cut into a `grid x grid` array of tiles permuted at
      random (never the identity); a band at the bottom and right edges
      that does not fill a tile stays in place. Local texture is kept,
      the layout is broken: patches across tile seams and the coarser
      levels change.
    - `"noise"`: with Gaussian noise of std `noise_std` added (clipped
      to [-1, 1]).

    Args:
        image: one image `(H, W, C)` (or a batch of one) of floats in
            [-1, 1] or uint8 pixels.
        blur_sigma: std of the blur, in pixels (> 0).
        grid: tiles per side of the shuffle (at least 2, at most the
            image's smaller side).
        noise_std: std of the added noise (> 0), in units of [-1, 1].
        patch_size: as in `patch_swd`.
        levels: as in `patch_swd`.
        num_projections: as in `patch_swd`.
        max_patches: as in `patch_swd`.
        seed: seed of the shuffle, the noise and `patch_swd`.

    Returns:
        A dict name -> float (the `"swd"` of `patch_swd(image, edit)`)
        with the keys `"self"`, `"flip"`, `"blur"`, `"shuffle"` and
        `"noise"`.

    Raises:
        ValueError: if `image` is not one valid image, or an argument is
            out of range (see also `patch_swd`).

    Example:

    ```python
    baselines = patch_baselines(real)
    score = patch_swd(real, fakes)["swd"]
    # e.g. between "flip" and "blur": sharp, plausible samples
    ```
    """
    batch = image_batch(image, "image")
    if len(batch) != 1:
        raise ValueError(
            "`image` must be one image (height, width, channels). "
            + format_received(image=image_checks.describe(batch))
        )
    original = batch[0]
    blur_sigma = _check_positive_number("blur_sigma", blur_sigma)
    noise_std = _check_positive_number("noise_std", noise_std)
    grid = check_positive_int("grid", grid)
    if not 2 <= grid <= min(original.shape[:2]):
        raise ValueError(
            "`grid` must be at least 2 and at most the image's smaller "
            f"side ({min(original.shape[:2])}). " + format_received(grid=grid)
        )
    rng = np.random.default_rng(seed)
    edits = {
        "self": original,
        "flip": original[:, ::-1],
        "blur": gaussian(
            original, sigma=blur_sigma, channel_axis=-1, preserve_range=True
        ),
        "shuffle": _shuffle_tiles(original, grid, rng),
        "noise": np.clip(
            original + rng.normal(0.0, noise_std, original.shape), -1.0, 1.0
        ),
    }
    return {
        name: patch_swd(
            original,
            edited,
            patch_size=patch_size,
            levels=levels,
            num_projections=num_projections,
            max_patches=max_patches,
            seed=seed,
        )["swd"]
        for name, edited in edits.items()
    }


def _shuffle_tiles(image, grid, rng):
    """`image` with its `grid x grid` tiles permuted (not the identity)."""
    tile_h, tile_w = image.shape[0] // grid, image.shape[1] // grid
    # (grid, tile_h, grid, tile_w, C) -> (grid * grid, tile_h, tile_w, C)
    area = image[: grid * tile_h, : grid * tile_w]
    tiles = area.reshape(grid, tile_h, grid, tile_w, -1).swapaxes(1, 2)
    tiles = tiles.reshape(grid * grid, tile_h, tile_w, -1)
    order = rng.permutation(len(tiles))
    while np.all(order == np.arange(len(tiles))):
        order = rng.permutation(len(tiles))
    shuffled = tiles[order].reshape(grid, grid, tile_h, tile_w, -1)
    result = image.copy()
    result[: grid * tile_h, : grid * tile_w] = shuffled.swapaxes(1, 2).reshape(
        area.shape
    )
    return result


def _check_positive_number(name, value):
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float, np.integer, np.floating))
        or not np.isfinite(value)
        or value <= 0
    ):
        raise ValueError(
            f"`{name}` must be a positive number. "
            + format_received(**{name: value})
        )
    return float(value)
