"""SinGAN's applications and image files (singan_applications, singan_io)
on a tiny trained SinGAN."""

import numpy as np
import pytest
from keras import ops
from PIL import Image

from keras_gans.models.singan import singan_applications as apps
from keras_gans.models.singan.singan_io import read_mask
from keras_gans.models.singan.singan_io import read_rgb_image
from tests.models.singan_helpers import TINY_SIZE
from tests.models.singan_helpers import tiny_singan_model


@pytest.fixture(scope="module")
def model():
    return tiny_singan_model()


@pytest.fixture(scope="module")
def real(model):
    """The training image at the model's output size."""
    return ops.convert_to_numpy(model.reals[model.trained_scales - 1])


@pytest.fixture(scope="module")
def composite(real):
    """A naive composite: a flat orange square pasted on the image, and
    its mask."""
    mask = np.zeros(TINY_SIZE + (1,), "float32")
    mask[8:16, 10:20] = 1.0
    image = np.where(mask > 0, np.float32([0.9, 0.3, -0.8]), real)
    return image.astype("float32"), mask


def _write(path, array, mode):
    Image.fromarray(array).convert(mode).save(path)
    return str(path)


# ------------------------------------------------------------------ files


@pytest.mark.once  # NumPy and PIL only
def test_read_rgb_image_maps_to_minus_one_one_and_shrinks(tmp_path):
    pixels = np.zeros((20, 40, 3), "uint8")
    pixels[:, 20:] = 255
    path = _write(tmp_path / "half.png", pixels, "RGB")
    image = read_rgb_image(path)
    assert image.shape == (20, 40, 3) and image.dtype == np.float32
    assert image[0, 0, 0] == -1.0 and image[0, -1, 0] == 1.0
    small = read_rgb_image(path, max_size=10)
    assert small.shape == (5, 10, 3)
    assert -1.0 <= small.min() and small.max() <= 1.0


@pytest.mark.once  # NumPy and PIL only
@pytest.mark.parametrize("mode", ["L", "RGBA"])
def test_read_rgb_image_refuses_grayscale_and_transparency(tmp_path, mode):
    pixels = np.zeros((8, 8, 4), "uint8")
    pixels[..., 3] = 255
    pixels[0, 0, 3] = 0  # one transparent pixel
    path = _write(tmp_path / f"{mode}.png", pixels, mode)
    with pytest.raises(ValueError, match=rf"{mode}\.png.*'{mode}'.*[Cc]onvert"):
        read_rgb_image(path)


@pytest.mark.once  # NumPy and PIL only
def test_read_rgb_image_drops_an_opaque_alpha(tmp_path):
    pixels = np.full((8, 8, 4), 255, "uint8")
    pixels[..., 0] = 0
    image = read_rgb_image(_write(tmp_path / "opaque.png", pixels, "RGBA"))
    assert image.shape == (8, 8, 3)
    np.testing.assert_array_equal(image[0, 0], [-1.0, 1.0, 1.0])


@pytest.mark.once  # NumPy and PIL only
def test_read_mask_reads_white_as_the_region(tmp_path):
    pixels = np.zeros((6, 9, 3), "uint8")
    pixels[2:4, 3:6] = 255
    mask = read_mask(_write(tmp_path / "m.png", pixels, "RGB"), (6, 9, 3))
    assert mask.shape == (6, 9, 1) and mask.dtype == np.float32
    assert mask.sum() == 6 and mask[2, 3, 0] == 1.0


@pytest.mark.once  # NumPy and PIL only
def test_read_mask_of_another_size_names_mask_and_sizes(tmp_path):
    path = _write(tmp_path / "m.png", np.zeros((6, 9, 3), "uint8"), "L")
    with pytest.raises(ValueError, match=r"`mask`.*6x9.*7x9"):
        read_mask(path, (7, 9))


# ----------------------------------------------------------- applications


def test_fit_to_model_resizes_and_refuses_another_aspect(model, real):
    big = real.repeat(2, axis=0).repeat(2, axis=1)
    mask = np.zeros(big.shape[:2] + (1,), "float32")
    mask[10:20, 10:20] = 1.0
    image, small_mask = apps.fit_to_model(model, big, mask)
    assert image.shape == TINY_SIZE + (3,)
    assert small_mask.shape == TINY_SIZE + (1,)
    assert 0.0 <= small_mask.min() and small_mask.max() <= 1.0
    with pytest.raises(ValueError, match=r"`image`.*aspect ratio"):
        apps.fit_to_model(model, big[:, :40])
    with pytest.raises(ValueError, match=r"`mask`"):
        apps.fit_to_model(model, big, mask[:-1])


def test_harmonize_changes_only_the_masked_region(model, composite):
    image, mask = composite
    out = apps.harmonize(model, image, mask, start_scale=2, seed=3)
    assert out.shape == TINY_SIZE + (3,) and out.dtype == np.float32
    outside = np.broadcast_to(mask == 0, out.shape)
    np.testing.assert_array_equal(out[outside], image[outside])
    # Inside, the square is regenerated from the coarser scale.
    assert np.abs(out - image)[~outside].mean() > 0.02
    again = apps.harmonize(model, image, mask, start_scale=2, seed=3)
    np.testing.assert_array_equal(out, again)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"mask": np.ones((TINY_SIZE[0], 20, 1))}, r"`mask`.*mask_shape"),
        ({"start_scale": 0}, r"`start_scale`.*\[1, 5\)"),
        ({"start_scale": 5}, r"`start_scale`.*\[1, 5\)"),
        ({"image": np.zeros((12, 15, 3), "float32")}, r"`image`.*\(24, 30\)"),
        ({"mask": np.zeros(TINY_SIZE + (1,))}, r"`mask` selects no pixel"),
    ],
)
def test_harmonize_names_a_bad_argument(model, composite, kwargs, match):
    image, mask = composite
    arguments = {"image": image, "mask": mask, "start_scale": 2, **kwargs}
    with pytest.raises(ValueError, match=match):
        apps.harmonize(model, **arguments)


def test_edit_blends_with_the_dilated_mask(model, composite):
    image, mask = composite
    soft = apps.dilate_mask(mask, radius=2, sigma=1.0)
    assert soft.shape == mask.shape
    assert np.all(soft >= mask) and soft.sum() > mask.sum()
    assert soft.min() == 0.0 and soft.max() == 1.0
    out = apps.edit(
        model, image, mask, start_scale=2, seed=1, radius=2, sigma=1.0
    )
    assert out.shape == image.shape
    untouched = np.broadcast_to(soft == 0, out.shape)
    np.testing.assert_array_equal(out[untouched], image[untouched])
    # The default dilation (20 px at 250 px) is 2 px here.
    np.testing.assert_array_equal(
        apps.dilate_mask(mask), apps.dilate_mask(mask, radius=2, sigma=0.6)
    )


def test_paint_to_image_quantizes_to_the_image_palette(model, real):
    painting = np.full(TINY_SIZE + (3,), -0.2, "float32")
    painting[:12] = [0.1, 0.2, 0.7]
    palette = apps.image_palette(real, colors=5)
    quantized = apps.quantize_to_palette(painting, palette)
    colors = np.unique(quantized.reshape(-1, 3), axis=0)
    assert len(colors) <= 2
    assert all(np.any(np.all(palette == c, axis=1)) for c in colors)
    out = apps.paint_to_image(model, painting, 2, quantize=True, seed=0)
    assert out.shape == TINY_SIZE + (3,)
    assert -1.0 <= out.min() and out.max() <= 1.0


def test_super_resolve_enlarges_by_the_factor(model, real):
    out = apps.super_resolve(model, factor=2)
    assert out.shape == (48, 60, 3)
    np.testing.assert_array_equal(out, apps.super_resolve(model, real, 2.0))
    # 2 ** 0.6 takes factor 2's first 3 steps (no new shapes to compile
    # on JAX) and sizes that round: 36.38 -> 36 and 45.47 -> 45.
    odd = apps.super_resolve(model, factor=2**0.6)
    assert odd.shape == (36, 45, 3)
    noisy = apps.super_resolve(model, factor=2, noise=True, seed=0)
    assert not np.array_equal(noisy, out)
    for factor in (1, 0.5):
        with pytest.raises(ValueError, match=r"`factor`"):
            apps.super_resolve(model, factor=factor)


def test_animation_noise_walks_from_the_start_scale(model):
    noises = apps.animation_noises(model, frames=6, start_scale=2, seed=0)
    z_star = ops.convert_to_numpy(model.z_star)[0]
    for k, (z, size) in enumerate(zip(noises, model.scale_sizes)):
        assert z.shape == (6,) + size + (1 if k == 0 else 3,)
        if k < 2:  # the reconstruction noise in every frame
            np.testing.assert_array_equal(z, np.broadcast_to(
                z_star if k == 0 else 0.0, z.shape))
            continue
        steps = np.abs(np.diff(z, axis=0)).mean()
        independent = np.random.default_rng(1).standard_normal(z[0].shape)
        assert 0 < steps < 0.5 * np.abs(z[0] - independent).mean()
    with pytest.raises(ValueError, match=r"`frames`"):
        apps.animation_noises(model, frames=1)
    with pytest.raises(ValueError, match=r"`start_scale`.*\[0, 5\)"):
        apps.animation_noises(model, frames=2, start_scale=5)
    with pytest.raises(ValueError, match=r"`beta`"):
        apps.animation_noises(model, frames=2, beta=1.5)


def test_animate_frames_change_little_by_little(model):
    # Batches of 3: the second, frames 3 and 4, is padded with frame 4.
    frames = apps.animate(model, frames=5, seed=0, batch_size=3)
    assert frames.shape == (5,) + TINY_SIZE + (3,)
    steps = np.abs(np.diff(frames, axis=0)).mean(axis=(1, 2, 3))
    assert np.all(steps > 0)
    assert steps.max() < np.abs(frames[-1] - frames[0]).mean()
    noises = apps.animation_noises(model, frames=5, seed=0)
    unpadded = model.synthesize([ops.convert_to_tensor(z[2:]) for z in noises])
    np.testing.assert_allclose(
        frames[2:], np.clip(ops.convert_to_numpy(unpadded), -1, 1), atol=1e-6
    )


@pytest.mark.once  # NumPy and PIL only
def test_save_gif_writes_every_frame(tmp_path):
    frames = np.linspace(-1, 1, 4, dtype="float32")[:, None, None, None]
    frames = np.broadcast_to(frames, (4, 6, 8, 3))
    path = apps.save_gif(frames, str(tmp_path / "out" / "walk.gif"), fps=20)
    with Image.open(path) as gif:
        assert gif.n_frames == 4 and gif.size == (8, 6)
        assert gif.info["duration"] == 50
    with pytest.raises(ValueError, match=r"`fps`"):
        apps.save_gif(frames, str(tmp_path / "x.gif"), fps=0)


def test_applications_refuse_another_model():
    with pytest.raises(ValueError, match=r"`model`.*SinGAN"):
        apps.animate(object(), frames=2)
