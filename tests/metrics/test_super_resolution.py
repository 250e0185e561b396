"""The super-resolution protocol: Y channel, shaved border, MATLAB bicubic
LR and baseline, the sharpness ratio, the published bicubic numbers."""

import glob
import os

import numpy as np
import pytest
from skimage.metrics import peak_signal_noise_ratio
from skimage.metrics import structural_similarity

from keras_gans.data import bicubic
from keras_gans.data import read_image
from keras_gans.metrics import super_resolution as sr
from tests.conftest import REPO

SHARED_SR = os.path.join(os.path.dirname(REPO), "shared", "data", "sr")


def rgb_images(count, size, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.integers(0, 256, size + (3,), dtype="uint8") for _ in range(count)]


def test_luma_is_bt601_in_16_to_235():
    pixels = np.array([[[0, 0, 0], [255, 255, 255], [255, 0, 0], [0, 0, 255]]])
    y = sr.rgb_to_y(pixels)[0, :, 0]
    np.testing.assert_allclose(y, [16.0, 235.0, 16 + 65.481, 16 + 24.966])
    gray = np.array([[[0], [255], [100]]])
    np.testing.assert_allclose(
        sr.rgb_to_y(gray)[0, :, 0], [16.0, 235.0, 16 + 219 * 100 / 255]
    )


def test_psnr_and_ssim_are_on_y_with_the_border_shaved():
    target = rgb_images(1, (20, 24))[0]
    output = target.copy()
    output[:2] = 0  # damage only the 2-pixel border: shaved away
    output[5:9, 5:9] = 255 - output[5:9, 5:9]
    value_psnr, value_ssim = sr.y_psnr_ssim(output, target, scale=2)
    # Y in whole levels, as MATLAB's rgb2ycbcr returns it for uint8.
    y_out = np.floor(sr.rgb_to_y(output)[2:-2, 2:-2, 0] + 0.5)
    y_ref = np.floor(sr.rgb_to_y(target)[2:-2, 2:-2, 0] + 0.5)
    mse = np.mean((y_out - y_ref) ** 2)
    assert value_psnr == pytest.approx(10 * np.log10(255**2 / mse), rel=1e-9)
    assert value_psnr == pytest.approx(
        peak_signal_noise_ratio(y_ref, y_out, data_range=255), rel=1e-9
    )
    assert value_ssim == pytest.approx(
        structural_similarity(
            y_ref, y_out, data_range=255, gaussian_weights=True, sigma=1.5,
            use_sample_covariance=False,
        ),
        rel=1e-9,
    )
    assert 0 < value_ssim < 1


def test_y_is_rounded_as_rgb2ycbcr_and_a_gray_image_is_its_own_y():
    # 16 + 65.481 = 81.481 -> 81; 16 + 24.966 = 40.966 -> 41;
    # 16 + (65.481 * 10 + 128.553 * 20 + 24.966 * 30) / 255 = 31.588 -> 32.
    rgb = np.array([[[255, 0, 0], [0, 0, 255], [10, 20, 30]]], "uint8")
    np.testing.assert_allclose(
        sr.rgb_to_y(rgb)[0, :, 0], [81.481, 40.966, 31.588], atol=5e-4
    )
    np.testing.assert_array_equal(sr.y_channel(rgb)[0, :, 0], [81, 41, 32])
    # The scripts convert three-channel files only: a gray file keeps its
    # 0-255 levels instead of BT.601's 16-235.
    gray = np.array([[[0], [255], [100]]], "uint8")
    np.testing.assert_array_equal(sr.y_channel(gray)[0, :, 0], [0, 255, 100])
    with pytest.raises(ValueError, match=r"RGB or.*image='array of shape"):
        sr.y_channel(np.zeros((1, 2, 2), "uint8"))


def test_lr_is_the_matlab_bicubic_downscaling_of_the_cropped_hr():
    hr = rgb_images(1, (26, 31))[0]
    cropped = sr.crop_to_multiple(hr, 4)
    assert cropped.shape == (24, 28, 3)
    np.testing.assert_array_equal(cropped, hr[:24, :28])
    lr = sr.resize_bicubic(cropped, 1 / 4)
    assert lr.shape == (6, 7, 3) and lr.dtype == np.uint8
    rows = bicubic.resize_weights(24, 6, 1 / 4)
    cols = bicubic.resize_weights(28, 7, 1 / 4)
    for channel in range(3):
        expected = rows @ cropped[..., channel] @ cols.T
        np.testing.assert_array_equal(
            lr[..., channel], bicubic.round_to_uint8(expected)
        )


def bicubic_upscaler(lr):
    assert lr.dtype == np.float32 and -1 <= lr.min() <= lr.max() <= 1
    pixels = np.rint((lr[0] + 1) * 127.5).astype("uint8")
    return sr.resize_bicubic(pixels, 2)[None] / 127.5 - 1


def test_a_bicubic_upscaler_scores_as_the_bicubic_baseline():
    seen = []

    def upscale(lr):
        seen.append(lr.shape)
        return bicubic_upscaler(lr)

    hr = rgb_images(2, (30, 28)) + rgb_images(1, (25, 33), seed=1)
    scores = sr.upscaling_scores(upscale, hr, scale=2)
    assert seen == [(1, 15, 14, 3), (1, 15, 14, 3), (1, 12, 16, 3)]
    assert scores["num_images"] == 3
    keys = ["psnr", "ssim", "sharpness"]
    keys += ["bicubic_" + key for key in keys]
    assert set(scores["per_image"]) == set(keys)
    for key in keys:
        assert len(scores["per_image"][key]) == 3
        assert scores[key] == pytest.approx(np.mean(scores["per_image"][key]))
        if not key.startswith("bicubic_"):
            assert scores[key] == pytest.approx(
                scores["bicubic_" + key], abs=1e-6
            )
    cropped = sr.crop_to_multiple(hr[2], 2)
    output = sr.resize_bicubic(sr.resize_bicubic(cropped, 0.5), 2)
    assert scores["per_image"]["bicubic_sharpness"][2] == (
        sr.sharpness_ratio(output, cropped, 2)
    )
    # Noise is all detail, which bicubic upscaling blurs away.
    assert scores["bicubic_sharpness"] < 0.8


def test_grayscale_images_are_scored_on_their_levels():
    rng = np.random.default_rng(3)
    hr = [rng.integers(0, 256, (24, 24, 1), dtype="uint8")]
    scores = sr.upscaling_scores(bicubic_upscaler, hr, scale=2)
    output = sr.resize_bicubic(sr.resize_bicubic(hr[0], 0.5), 2)
    y_out, y_ref = (image[2:-2, 2:-2, 0] for image in (output, hr[0]))
    assert scores["psnr"] == pytest.approx(
        peak_signal_noise_ratio(y_ref, y_out, data_range=255), rel=1e-9
    )


def test_sharpness_is_the_ratio_of_mean_central_difference_gradients():
    # Grayscale images are their own Y: a ramp has |grad| = 1 everywhere.
    ramp = np.tile(np.arange(16, dtype="uint8"), (16, 1))[..., None]
    assert sr.sharpness_ratio(ramp, ramp, 2) == 1.0
    assert sr.sharpness_ratio(3 * ramp, ramp, 2) == pytest.approx(3.0)
    diagonal = ramp + np.transpose(ramp, (1, 0, 2))  # |grad| = sqrt(2)
    assert sr.sharpness_ratio(diagonal, ramp, 2) == pytest.approx(2**0.5)
    # Only the shaved region counts: a 2-pixel frame of noise is ignored.
    framed = ramp.copy()
    framed[:2] = np.random.default_rng(0).integers(0, 256, (2, 16, 1))
    assert sr.sharpness_ratio(framed, ramp, 2) == 1.0
    # Central differences step over a one-pixel alternation.
    checkered = ramp + 8 * (np.indices((16, 16)).sum(axis=0) % 2)[..., None]
    inner = (slice(3, -3),) * 2  # away from the one-sided edges
    np.testing.assert_allclose(
        sr.gradient_magnitude(checkered[..., 0])[inner], 1.0
    )
    flat = np.full_like(ramp, 7)
    assert np.isnan(sr.sharpness_ratio(ramp, flat, 2))
    with pytest.raises(ValueError, match="Received: output=.*target="):
        sr.sharpness_ratio(ramp[:8], ramp, 2)


def require_shared_sr(name):
    """The folder of the shared benchmark set `name`, or a skip."""
    path = os.path.join(SHARED_SR, name)
    paths = sorted(glob.glob(os.path.join(path, "*.png")))
    if not paths:
        pytest.skip(f"shared SR benchmark {name!r} not found in {path}")
    return paths


@pytest.mark.once
def test_set5_x4_bicubic_reproduces_the_published_numbers():
    # The bicubic row of SRCNN's and VDSR's tables: 28.42 dB, SSIM 0.8104
    # (PIL's bicubic gave 28.429 and 0.8111). Bicubic keeps ~0.63 of the
    # gradients.
    paths = require_shared_sr("set5")
    hr = [np.asarray(read_image(path, "RGB")) for path in paths]
    scores = sr.upscaling_scores(nearest_upscaler(4), hr, scale=4)
    assert scores["num_images"] == 5
    assert scores["bicubic_psnr"] == pytest.approx(28.42, abs=0.005)
    assert scores["bicubic_ssim"] == pytest.approx(0.8104, abs=0.0005)
    assert scores["bicubic_sharpness"] == pytest.approx(0.63, abs=0.01)
    # Pixel replication is blockier: lower PSNR, and its steps read as
    # gradients.
    assert scores["psnr"] < scores["bicubic_psnr"] - 1
    assert scores["sharpness"] > scores["bicubic_sharpness"]


def nearest_upscaler(scale):
    def upscale(lr):
        return lr.repeat(scale, axis=1).repeat(scale, axis=2)

    return upscale


def test_the_wrong_output_size_is_an_error():
    def nearest_3x(lr):
        return lr.repeat(3, axis=1).repeat(3, axis=2)

    with pytest.raises(ValueError, match="Received: output=.*target="):
        sr.upscaling_scores(nearest_3x, rgb_images(1, (24, 24)), scale=2)
    with pytest.raises(ValueError, match="Received: scale=0"):
        sr.upscaling_scores(nearest_3x, rgb_images(1, (24, 24)), scale=0)
    with pytest.raises(ValueError, match="Received: hr_images=\\[\\]"):
        sr.upscaling_scores(nearest_3x, [], scale=2)
