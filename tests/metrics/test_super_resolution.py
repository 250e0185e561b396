"""The super-resolution protocol: Y channel, shaved border, bicubic LR."""

import numpy as np
import pytest
from PIL import Image
from skimage.metrics import peak_signal_noise_ratio
from skimage.metrics import structural_similarity

from keras_gans.metrics import super_resolution as sr


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
    y_out = sr.rgb_to_y(output)[2:-2, 2:-2, 0]
    y_ref = sr.rgb_to_y(target)[2:-2, 2:-2, 0]
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


def test_lr_is_the_pil_bicubic_downscaling_of_the_cropped_hr():
    hr = rgb_images(1, (26, 31))[0]
    cropped = sr.crop_to_multiple(hr, 4)
    assert cropped.shape == (24, 28, 3)
    np.testing.assert_array_equal(cropped, hr[:24, :28])
    lr = sr.resize_bicubic(cropped, 1 / 4)
    expected = Image.fromarray(cropped).resize((7, 6), Image.Resampling.BICUBIC)
    np.testing.assert_array_equal(lr, np.asarray(expected))


def test_bicubic_upscaler_scores_as_the_bicubic_baseline():
    seen = []

    def bicubic(lr):
        seen.append(lr.shape)
        assert lr.dtype == np.float32 and -1 <= lr.min() <= lr.max() <= 1
        pixels = np.rint((lr[0] + 1) * 127.5).astype("uint8")
        return sr.resize_bicubic(pixels, 2)[None] / 127.5 - 1

    hr = rgb_images(2, (30, 28)) + rgb_images(1, (25, 33), seed=1)
    scores = sr.upscaling_scores(bicubic, hr, scale=2)
    assert seen == [(1, 15, 14, 3), (1, 15, 14, 3), (1, 12, 16, 3)]
    assert scores["num_images"] == 3
    assert scores["psnr"] == pytest.approx(scores["bicubic_psnr"], abs=1e-6)
    assert scores["ssim"] == pytest.approx(scores["bicubic_ssim"], abs=1e-6)
    assert scores["psnr"] == pytest.approx(np.mean(scores["per_image"]["psnr"]))


def test_the_wrong_output_size_is_an_error():
    def nearest_3x(lr):
        return lr.repeat(3, axis=1).repeat(3, axis=2)

    with pytest.raises(ValueError, match="Received: output=.*target="):
        sr.upscaling_scores(nearest_3x, rgb_images(1, (24, 24)), scale=2)
    with pytest.raises(ValueError, match="Received: scale=0"):
        sr.upscaling_scores(nearest_3x, rgb_images(1, (24, 24)), scale=0)
    with pytest.raises(ValueError, match="Received: hr_images=\\[\\]"):
        sr.upscaling_scores(nearest_3x, [], scale=2)
