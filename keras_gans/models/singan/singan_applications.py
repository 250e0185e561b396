"""SinGAN's applications: harmonization, editing, paint-to-image,
super-resolution and animation (Shaham et al. 2019, Section 4).

Each follows the official code (tamarott/SinGAN: `harmonization.py`,
`editing.py`, `paint2image.py`, `SR.py`, `animation.py`) on a trained
`SinGAN`, without retraining. Images are float32 `(H, W, 3)` in [-1, 1],
masks float32 `(H, W, 1)` in [0, 1] (white: the region); the images given
to `harmonize`, `edit` and `paint_to_image` have the model's output size
(`output_size(model)`: the training image as the last trained scale holds
it). Outputs are clipped to [-1, 1].

The first three inject an image at a scale `n = start_scale` of the
pyramid: as the official code, the image is shrunk to scale `n - 1`
(MATLAB bicubic, antialiased) and enlarged again to scale `n`, so `G_n`
refines what it was trained to refine (a coarser scale's output,
enlarged); scales `n` and above then add detail with random noise. Low
`n` changes more of the image (colours, shapes); high `n` only texture.

Example:

```python
from keras_gans.models.singan import singan_applications as apps
from keras_gans.models.singan.singan_io import read_mask, read_rgb_image

naive = read_rgb_image("tree_naive.jpg")
mask = read_mask("tree_naive_mask.jpg", naive.shape)
naive, mask = apps.fit_to_model(model, naive, mask)   # the model's size
out = apps.harmonize(model, naive, mask, start_scale=3, seed=0)
big = apps.super_resolve(model, factor=4)
apps.save_gif(apps.animate(model, frames=100, seed=0), "walk.gif")
```
"""

import math
import numbers
import os
import warnings

import numpy as np
from keras import ops

from keras_gans.data.bicubic import imresize
from keras_gans.models.singan.singan import SinGAN
from keras_gans.models.singan.singan import check_rgb_image
from keras_gans.models.singan.singan_pyramid import image_pyramid
from keras_gans.utils.images import to_uint8
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import check_probability
from keras_gans.utils.validation import format_received

# The official dilation of `functions.dilate_mask`: a disk of radius 7
# (harmonization) or 20 (editing), then a Gaussian of sigma 5, in pixels
# of an image whose longer side is `OFFICIAL_SIZE` (SinGAN's max_size).
OFFICIAL_SIZE = 250
EDIT_RADIUS = 20
HARMONIZE_RADIUS = 7
MASK_SIGMA = 5.0
# Colours of the official paint-to-image quantization (`functions.quant`).
PALETTE_COLORS = 5


# ------------------------------------------------------------- arguments


def _check_model(model):
    if not isinstance(model, SinGAN):
        raise ValueError(
            "`model` must be a trained `keras_gans.SinGAN`. "
            + format_received(model=type(model).__name__)
        )
    return model


def output_size(model):
    """`(height, width)` of the model's output: its last trained scale."""
    return tuple(_check_model(model).scale_sizes[model.trained_scales - 1])


def fit_to_model(model, image, mask=None, tolerance=0.05):
    """`image` (and `mask`) resized to the model's output size.

    MATLAB bicubic (antialiased when shrinking), clipped to [-1, 1] and
    [0, 1]. An image whose aspect ratio is more than `tolerance` away
    from the model's is refused rather than stretched.

    Args:
        model: a trained `SinGAN`.
        image: float32 `(H, W, 3)` in [-1, 1] (e.g. `read_rgb_image`).
        mask: `None`, or `(H, W, 1)` in [0, 1] of the image's size.
        tolerance: the largest relative difference of the aspect ratios.

    Returns:
        `(image, mask)` at `output_size(model)` (`mask` stays `None`).

    Raises:
        ValueError: naming the argument, for an image that is not RGB in
            [-1, 1] or of another aspect ratio, or a mask of another size.
    """
    image = check_rgb_image(image, "image")
    if mask is not None:
        mask = _check_mask(mask, image.shape[:2])
    size = output_size(model)
    if image.shape[:2] == size:
        return image, mask
    aspect = (image.shape[1] / image.shape[0]) / (size[1] / size[0])
    if abs(aspect - 1.0) > tolerance:
        raise ValueError(
            f"`image` is {image.shape[0]}x{image.shape[1]} (HxW) and the "
            f"model makes {size[0]}x{size[1]} images: give an image of the "
            "training image's aspect ratio (it is resized to the model's "
            "size, not cropped). "
            + format_received(image_shape=image.shape, output_size=size)
        )
    image = np.clip(imresize(image, output_shape=size), -1.0, 1.0)
    if mask is not None:
        mask = np.clip(imresize(mask, output_shape=size), 0.0, 1.0)
        mask = mask.astype("float32")
    return image.astype("float32"), mask


def _check_sized_image(model, image, name):
    image = check_rgb_image(image, name)
    expected = output_size(model)
    if image.shape[:2] != expected:
        raise ValueError(
            f"`{name}` must have the model's output size {expected} "
            "(height, width): resize it first, e.g. with "
            "`keras_gans.data.bicubic.imresize(image, output_shape=size)`. "
            + format_received(**{f"{name}_shape": image.shape})
        )
    return image


def _check_mask(mask, size, name="mask"):
    mask = np.asarray(mask)
    if mask.ndim == 2:
        mask = mask[..., None]
    if mask.ndim != 3 or mask.shape[-1] != 1 or mask.shape[:2] != tuple(size):
        raise ValueError(
            f"`{name}` must be (H, W, 1) or (H, W) with the image's height "
            f"and width {tuple(size)}. "
            + format_received(**{f"{name}_shape": mask.shape})
        )
    if not np.issubdtype(mask.dtype, np.number) or mask.dtype == bool:
        mask = mask.astype("float32")
    low, high = float(np.min(mask)), float(np.max(mask))
    if low < 0.0 or high > 1.0:
        raise ValueError(
            f"`{name}` must hold values in [0, 1] (1: the region). "
            + format_received(**{f"{name}_range": (low, high)})
        )
    if high == 0.0:
        raise ValueError(
            f"`{name}` selects no pixel: white (1) marks the region to "
            "regenerate. " + format_received(**{f"{name}_range": (low, high)})
        )
    return mask.astype("float32")


def _check_start_scale(model, start_scale, lowest=1):
    trained = model.trained_scales
    if (
        isinstance(start_scale, bool)
        or not isinstance(start_scale, numbers.Integral)
        or not lowest <= start_scale < trained
    ):
        raise ValueError(
            f"`start_scale` must be an int in [{lowest}, {trained}) (the "
            f"model's {trained} trained scales"
            + (", the image being shrunk to the scale below" if lowest else "")
            + "). "
            + format_received(start_scale=start_scale)
        )
    return int(start_scale)


def _check_seed(seed):
    if seed is not None and (
        isinstance(seed, bool) or not isinstance(seed, numbers.Integral)
    ):
        raise ValueError(
            "`seed` must be an int or None. " + format_received(seed=seed)
        )
    return None if seed is None else int(seed)


# ---------------------------------------------------- injection and masks


def inject(model, image, start_scale, seed=None):
    """The model's refinement of `image` from scale `start_scale` up.

    The image is shrunk to scale `start_scale - 1`, enlarged to scale
    `start_scale` (both MATLAB bicubic) and refined by `G_{start_scale}`
    and the finer generators with random noise (`model.sample`), as the
    official `SinGAN_generate(Gs[n:], ..., in_s, n=n)`.

    Args:
        model: a trained `SinGAN`.
        image: float32 `(H, W, 3)` in [-1, 1] of the model's output size.
        start_scale: the scale the image enters, in [1, trained scales).
        seed: an int for a reproducible result.

    Returns:
        float32 `(H, W, 3)` in [-1, 1].
    """
    _check_model(model)
    image = _check_sized_image(model, image, "image")
    n = _check_start_scale(model, start_scale)
    seed = _check_seed(seed)
    coarse = image_pyramid(image, [model.scale_sizes[n - 1]])[0]
    out = model.sample(1, seed=seed, start_scale=n, start_image=coarse)[0]
    return np.clip(out, -1.0, 1.0).astype("float32")


def blend(generated, image, mask):
    """`mask * generated + (1 - mask) * image` (the official composite)."""
    return (mask * generated + (1.0 - mask) * image).astype("float32")


def dilate_mask(mask, radius=None, sigma=None):
    """The official soft mask of editing: dilated by a disk, then blurred.

    `functions.dilate_mask`: the region (mask >= 0.5) is dilated by a disk
    of `radius` pixels, blurred by a Gaussian of `sigma` and rescaled to
    [0, 1]. The result is then at least the given mask everywhere (the
    blur would otherwise leave the region's own pixels a hair below 1).

    Args:
        mask: `(H, W, 1)` or `(H, W)` in [0, 1].
        radius: the disk's radius in pixels (an int >= 0); default the
            official 20 at 250 px, scaled to the mask's longer side.
        sigma: the Gaussian's standard deviation in pixels (>= 0); default
            the official 5 at 250 px, scaled likewise.

    Returns:
        float32 `(H, W, 1)` in [0, 1], >= `mask`.

    Raises:
        ValueError: for a mask that is not `(H, W[, 1])` in [0, 1] or
            selects nothing, a negative or non-int `radius`, or a negative
            `sigma`.
    """
    from scipy import ndimage
    from skimage.morphology import disk

    mask = np.asarray(mask)
    size = mask.shape[:2] if mask.ndim in (2, 3) else (-1, -1)
    mask = _check_mask(mask, size)
    longer = max(mask.shape[:2])
    if radius is None:
        radius = max(1, round(EDIT_RADIUS * longer / OFFICIAL_SIZE))
    if sigma is None:
        sigma = MASK_SIGMA * longer / OFFICIAL_SIZE
    if (
        isinstance(radius, bool)
        or not isinstance(radius, numbers.Integral)
        or radius < 0
    ):
        raise ValueError(
            "`radius` must be an int >= 0 (pixels). "
            + format_received(radius=radius)
        )
    if (
        isinstance(sigma, bool)
        or not isinstance(sigma, numbers.Real)
        or not sigma >= 0
    ):
        raise ValueError(
            "`sigma` must be a number >= 0 (pixels). "
            + format_received(sigma=sigma)
        )
    region = mask[..., 0] >= 0.5
    if radius:
        region = ndimage.binary_dilation(region, structure=disk(int(radius)))
    soft = region.astype("float64")
    if sigma:
        soft = ndimage.gaussian_filter(soft, float(sigma), mode="nearest")
    low, high = soft.min(), soft.max()
    if high > low:
        soft = (soft - low) / (high - low)
    return np.maximum(soft[..., None], mask).astype("float32")


# ---------------------------------------------------------- applications


def harmonize(model, image, mask, start_scale, seed=None, radius=0):
    """Harmonization: a pasted object takes on the image's look.

    `image` is a naive composite (an object pasted into the training
    image, or into an image like it); it is injected at `start_scale`
    (see `inject`) and the result replaces the composite inside `mask`:
    `mask * out + (1 - mask) * image`, so every pixel outside the mask is
    the composite's.

    Args:
        model: a trained `SinGAN`.
        image: the composite, float32 `(H, W, 3)` in [-1, 1], of the
            model's output size (`output_size(model)`).
        mask: `(H, W, 1)` or `(H, W)` in [0, 1], 1 on the pasted object.
        start_scale: the injection scale, in [1, trained scales); the
            paper harmonizes from the middle scales.
        seed: an int for a reproducible result.
        radius: dilate and blur the mask first (`dilate_mask`) with a disk
            of this radius; 0 (default) blends with the mask as given.
            The official code dilates by 7 px at 250 px
            (`HARMONIZE_RADIUS`).

    Returns:
        float32 `(H, W, 3)` in [-1, 1].

    Raises:
        ValueError: naming the argument, for an image that is not RGB in
            [-1, 1] of the output size, a mask of another size or outside
            [0, 1] or empty, a `start_scale` outside [1, trained scales).
    """
    image = _check_sized_image(_check_model(model), image, "image")
    mask = _check_mask(mask, image.shape[:2])
    if radius:
        longer = max(image.shape[:2])
        mask = dilate_mask(mask, radius, MASK_SIGMA * longer / OFFICIAL_SIZE)
    out = inject(model, image, start_scale, seed)
    return blend(out, image, mask)


def edit(model, image, mask, start_scale, seed=None, radius=None, sigma=None):
    """Editing: a rough edit (a copied, moved or painted region) is made
    to look like the rest of the image.

    `image` (the edited image) is injected at `start_scale` and the
    result replaces it inside the mask dilated and blurred
    (`dilate_mask`), so the region and a soft band around it are
    regenerated and the rest is the edited image.

    Args:
        model: a trained `SinGAN`.
        image: the edited image, float32 `(H, W, 3)` in [-1, 1], of the
            model's output size.
        mask: `(H, W, 1)` or `(H, W)` in [0, 1], 1 on the edited region.
        start_scale: the injection scale, in [1, trained scales).
        seed: an int for a reproducible result.
        radius: the dilation's radius (see `dilate_mask`).
        sigma: the blur's standard deviation (see `dilate_mask`).

    Returns:
        float32 `(H, W, 3)` in [-1, 1].

    Raises:
        ValueError: as `harmonize`, or for a bad `radius` or `sigma`.
    """
    image = _check_sized_image(_check_model(model), image, "image")
    soft = dilate_mask(_check_mask(mask, image.shape[:2]), radius, sigma)
    out = inject(model, image, start_scale, seed)
    return blend(out, image, soft)


def image_palette(image, colors=PALETTE_COLORS):
    """The `colors` k-means colours of an image, float32 `(colors, 3)`.

    The official `functions.quant`: scikit-learn `KMeans` with seed 0 and
    its default `n_init` (one k-means++ run since scikit-learn 1.4).
    """
    from sklearn.cluster import KMeans

    colors = check_positive_int("colors", colors)
    pixels = np.asarray(image, "float64").reshape(-1, 3)
    kmeans = KMeans(n_clusters=colors, random_state=0, n_init="auto")
    kmeans.fit(pixels)
    return kmeans.cluster_centers_.astype("float32")


def quantize_to_palette(image, palette):
    """`image` with each pixel replaced by a `palette` colour.

    The official `quant2centers`: k-means on the image's pixels starting
    from the palette, then each cluster takes the palette colour it
    started from, so a painting's colours map to the image's even when
    they are only roughly alike.

    Returns:
        float32 array of `image`'s shape, every pixel a palette colour.
    """
    from sklearn.cluster import KMeans
    from sklearn.exceptions import ConvergenceWarning

    palette = np.asarray(palette, "float64")
    image = np.asarray(image, "float64")
    pixels = image.reshape(-1, 3)
    with warnings.catch_warnings():
        # Fewer distinct colours than the palette: a cluster stays empty.
        warnings.simplefilter("ignore", ConvergenceWarning)
        kmeans = KMeans(
            n_clusters=len(palette), init=palette, n_init=1
        ).fit(pixels)
    return palette[kmeans.labels_].reshape(image.shape).astype("float32")


def paint_to_image(
    model, painting, start_scale, quantize=False, colors=PALETTE_COLORS,
    seed=None,
):
    """Paint-to-image: a clip-art or rough painting becomes a realistic
    image with the training image's content.

    The painting is injected at `start_scale` (see `inject`); with
    `quantize`, its colours are first mapped to the `colors` k-means
    colours of the training image at that scale (the official
    `--quantization_flag`, without its fine-tuning of the model).

    Args:
        model: a trained `SinGAN`.
        painting: float32 `(H, W, 3)` in [-1, 1], of the model's output
            size.
        start_scale: the injection scale, in [1, trained scales).
        quantize: quantize the painting's colours to the image's palette.
        colors: the palette's size (5).
        seed: an int for a reproducible result.

    Returns:
        float32 `(H, W, 3)` in [-1, 1].

    Raises:
        ValueError: naming the argument, for a painting that is not RGB in
            [-1, 1] of the output size, or a bad `start_scale` or `colors`.
    """
    painting = _check_sized_image(_check_model(model), painting, "painting")
    n = _check_start_scale(model, start_scale)
    if quantize:
        real = ops.convert_to_numpy(model.reals[n])
        painting = quantize_to_palette(painting, image_palette(real, colors))
    return inject(model, painting, n, seed)


def super_resolve(model, image=None, factor=4.0, noise=False, seed=None):
    """Super-resolution with the finest scale's generator (the paper's SR).

    As `SR.py`: the image is enlarged step by step (MATLAB bicubic) by
    about the model's ratio `1 / r` between its two finest scales, and
    each step is refined by the finest generator `G_N` with its noise
    amplitude: `x <- G_N(a_N z + up(x), up(x))`, `round(log(factor) /
    log(1 / r))` times. Each step's factor is `factor ** (1 / steps)`, so
    the output is `round(factor * side)` without a last resize. The
    official code trains a dedicated model whose ratio is that factor;
    any trained model works here, best one whose finest scales are
    close in size.

    Args:
        model: a trained `SinGAN` with at least two trained scales.
        image: float32 `(H, W, 3)` in [-1, 1], any size; default the
            training image at the finest trained scale.
        factor: the enlargement, a number > 1.
        noise: add the random noise `a_N z` at every step (the official
            code does); default zero noise: a deterministic result.
        seed: with `noise`, an int for reproducible noise.

    Returns:
        float32 `(round(factor * H), round(factor * W), 3)` in [-1, 1].

    Raises:
        ValueError: naming the argument, for a `factor` <= 1, an image
            that is not RGB in [-1, 1], a `seed` without `noise`, or a
            model with a single trained scale.
    """
    _check_model(model)
    if (
        isinstance(factor, bool)
        or not isinstance(factor, numbers.Real)
        or not 1.0 < float(factor) < math.inf
    ):
        raise ValueError(
            "`factor` must be a finite number > 1 (the enlargement). "
            + format_received(factor=factor)
        )
    factor = float(factor)
    seed = _check_seed(seed)
    if seed is not None and not noise:
        raise ValueError(
            "`seed` draws the noise of `noise=True`; without noise the "
            "result is deterministic. "
            + format_received(seed=seed, noise=noise)
        )
    k = model.trained_scales - 1
    if k < 1:
        raise ValueError(
            "Super-resolution steps by the ratio between the two finest "
            "scales: train at least two scales. "
            + format_received(trained_scales=model.trained_scales)
        )
    if image is None:
        image = ops.convert_to_numpy(model.reals[k])
    image = check_rgb_image(image, "image").astype("float64")
    (fine_h, fine_w) = model.scale_sizes[k]
    (coarse_h, coarse_w) = model.scale_sizes[k - 1]
    ratio = math.sqrt(fine_h / coarse_h * fine_w / coarse_w)
    steps = max(1, round(math.log(factor) / math.log(ratio)))
    generator = model.generator_at(k)
    amplitude = float(ops.convert_to_numpy(model.noise_amplitudes)[k])
    rng = np.random.default_rng(seed) if noise else None
    height, width = image.shape[:2]
    x = image
    for i in range(1, steps + 1):
        grow = factor ** (i / steps)
        size = (max(1, round(height * grow)), max(1, round(width * grow)))
        prev = imresize(x, output_shape=size)[None].astype("float32")
        noisy = prev
        if rng is not None:
            z = rng.standard_normal(prev.shape).astype("float32")
            noisy = amplitude * z + prev
        x = ops.convert_to_numpy(
            generator(
                [ops.convert_to_tensor(noisy), ops.convert_to_tensor(prev)],
                training=False,
            )
        )[0].astype("float64")
    return np.clip(x, -1.0, 1.0).astype("float32")


# -------------------------------------------------------------- animation


def _random_walk(z_opt, frames, alpha, beta, rng):
    """The official `generate_gif` walk around `z_opt`, `(frames, ...)`."""
    walk = np.empty((frames,) + z_opt.shape, "float32")
    previous = 0.95 * z_opt + 0.05 * rng.standard_normal(z_opt.shape)
    before = z_opt
    for i in range(frames):
        step = beta * (previous - before) + (1 - beta) * rng.standard_normal(
            z_opt.shape
        )
        current = alpha * z_opt + (1 - alpha) * (previous + step)
        before, previous = previous, current
        walk[i] = current
    return walk


def animation_noises(
    model, frames=100, alpha=0.1, beta=0.9, start_scale=0, seed=None
):
    """The noises of `animate`: one `(frames, h_k, w_k, c_k)` array per
    trained scale (1 channel at scale 0, 3 above, as `synthesize` takes).

    At every scale `k >= start_scale` the official `generate_gif` walk
    around the reconstruction noise `z*_k` (`z*` at scale 0, zeros
    above): it starts at `0.95 z*_k + 0.05 z` and moves with momentum,
    `z_t = alpha z*_k + (1 - alpha) (z_{t-1} + beta (z_{t-1} - z_{t-2}) +
    (1 - beta) z)`, `z ~ N(0, 1)` fresh each frame. The scales below
    `start_scale` keep `z*_k` in every frame.

    Args:
        model: a trained `SinGAN`.
        frames: frames to make, >= 2.
        alpha: the pull towards `z*`, in [0, 1].
        beta: the momentum, in [0, 1].
        start_scale: the coarsest scale that moves, in [0, trained
            scales).
        seed: an int for a reproducible walk; `None` a fresh one.

    Returns:
        A list of float32 NumPy arrays, coarse to fine.

    Raises:
        ValueError: as `animate`.
    """
    _check_model(model)
    if (
        isinstance(frames, bool)
        or not isinstance(frames, numbers.Integral)
        or frames < 2
    ):
        raise ValueError(
            "`frames` must be an int >= 2. " + format_received(frames=frames)
        )
    frames = int(frames)
    alpha = check_probability("alpha", alpha)
    beta = check_probability("beta", beta)
    start = _check_start_scale(model, start_scale, lowest=0)
    rng = np.random.default_rng(_check_seed(seed))
    z_star = ops.convert_to_numpy(model.z_star)[0].astype("float64")
    noises = []
    for k in range(model.trained_scales):
        if k == 0:
            z_opt = z_star
        else:
            z_opt = np.zeros(tuple(model.scale_sizes[k]) + (3,))
        if k >= start:
            noises.append(_random_walk(z_opt, frames, alpha, beta, rng))
        else:
            noises.append(
                np.repeat(z_opt[None].astype("float32"), frames, axis=0)
            )
    return noises


def animate(
    model, frames=100, alpha=0.1, beta=0.9, start_scale=0, seed=None,
    batch_size=16,
):
    """Animation: a short video from the image by a random walk in noise.

    The official `generate_gif`: the noise of every scale from
    `start_scale` up walks around the reconstruction noise
    (`animation_noises`) and each frame is `model.synthesize` of its
    noises. `alpha` pulls the walk back towards the image, `beta` makes
    the motion smooth; a higher `start_scale` moves finer detail only
    (the official `animation.py` writes 0, 1 and 2).

    Args:
        model: a trained `SinGAN`.
        frames: frames to make, >= 2.
        alpha: the pull towards `z*`, in [0, 1] (0.1).
        beta: the momentum, in [0, 1] (0.9; the official script also
            uses 0.8 to 0.95).
        start_scale: the coarsest scale that moves, in [0, trained
            scales).
        seed: an int for a reproducible walk; `None` a fresh one.
        batch_size: frames per generator pass.

    Returns:
        float32 `(frames, H, W, 3)` in [-1, 1], at the model's output
        size.

    Raises:
        ValueError: naming the argument, for `frames` < 2, `alpha` or
            `beta` outside [0, 1], a `start_scale` outside the trained
            scales, or a bad `batch_size`.
    """
    batch_size = check_positive_int("batch_size", batch_size)
    noises = animation_noises(model, frames, alpha, beta, start_scale, seed)
    count = len(noises[0])
    batch_size = min(batch_size, count)
    outputs = []
    for begin in range(0, count, batch_size):
        # The last batch is padded to the others' size: one shape to run
        # (a traced or compiled backend compiles once).
        batch = [
            _padded(z[begin : begin + batch_size], batch_size) for z in noises
        ]
        images = ops.convert_to_numpy(model.synthesize(batch))
        outputs.append(images[: min(batch_size, count - begin)])
    return np.clip(np.concatenate(outputs), -1.0, 1.0).astype("float32")


def _padded(batch, size):
    if len(batch) < size:
        padding = np.repeat(batch[-1:], size - len(batch), axis=0)
        batch = np.concatenate([batch, padding])
    return ops.convert_to_tensor(batch)


def save_gif(frames, path, fps=10):
    """Writes `(T, H, W, 3)` frames in [-1, 1] as a looping GIF.

    GIF stores delays in hundredths of a second, so `fps` is rounded to
    such a delay; identical consecutive frames are merged by the GIF
    encoder (their delays add up).

    Args:
        frames: float `(T, H, W, 3)` in [-1, 1], T >= 1.
        path: the `.gif` file to write (folders are created).
        fps: frames per second, a number > 0 (10, the official one).

    Returns:
        `path`.

    Raises:
        ValueError: for frames that are not `(T, H, W, 3)` or a bad `fps`.
    """
    from PIL import Image

    frames = np.asarray(frames)
    if frames.ndim != 4 or frames.shape[-1] != 3 or len(frames) == 0:
        raise ValueError(
            "`frames` must be a non-empty (T, H, W, 3) array. "
            + format_received(frames_shape=frames.shape)
        )
    if (
        isinstance(fps, bool)
        or not isinstance(fps, numbers.Real)
        or not 0 < float(fps) < math.inf
    ):
        raise ValueError(
            "`fps` must be a number > 0. " + format_received(fps=fps)
        )
    images = [Image.fromarray(frame) for frame in to_uint8(frames)]
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    images[0].save(
        path,
        format="GIF",
        save_all=True,
        append_images=images[1:],
        duration=max(10, round(1000 / float(fps))),
        loop=0,
    )
    return path
