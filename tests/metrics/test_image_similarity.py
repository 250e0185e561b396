import keras
import numpy as np
import pytest

from keras_gans.metrics import psnr
from keras_gans.metrics import ssim


def test_psnr_of_a_constant_offset_is_the_closed_form():
    a = np.random.default_rng(0).uniform(-0.9, 0.9, (3, 8, 8, 1))
    for offset in (0.02, 0.2):
        expected = 10 * np.log10(2.0**2 / offset**2)
        np.testing.assert_allclose(psnr(a, a + offset), expected, rtol=1e-9)
    assert np.all(np.isinf(psnr(a, a)))


def test_psnr_accepts_backend_tensors():
    a = np.zeros((2, 4, 4, 3), "float32")
    value = psnr(keras.ops.convert_to_tensor(a), a + 0.2)
    np.testing.assert_allclose(value, 20.0, rtol=1e-5)


def test_ssim_known_values():
    rng = np.random.default_rng(1)
    a = rng.uniform(-1, 1, (2, 16, 16, 3))
    np.testing.assert_allclose(ssim(a, a), 1.0)
    # A constant shift c changes only the luminance term:
    # (2 mu (mu + c) + C1) / (mu^2 + (mu + c)^2 + C1), per window.
    flat = np.full((1, 16, 16, 1), 0.2)
    c1 = (0.01 * 2.0) ** 2
    expected = (2 * 0.2 * 0.5 + c1) / (0.2**2 + 0.5**2 + c1)
    np.testing.assert_allclose(ssim(flat, flat + 0.3), expected, rtol=1e-6)
    # Noise lowers SSIM, more noise lowers it more.
    light = ssim(a, np.clip(a + rng.normal(0, 0.05, a.shape), -1, 1))
    heavy = ssim(a, np.clip(a + rng.normal(0, 0.5, a.shape), -1, 1))
    assert np.all(heavy < light) and np.all(light < 1)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: psnr(np.zeros((4, 4, 1)), np.zeros((4, 4, 1))), "images"),
        (lambda: psnr(np.zeros((1, 4, 4, 1)), np.zeros((1, 4, 4, 3))), "same shape"),
        (lambda: psnr(np.full((1, 4, 4, 1), np.nan), np.zeros((1, 4, 4, 1))), "NaN"),
        (lambda: ssim(np.zeros((1, 8, 8, 1)), np.zeros((1, 8, 8, 1))), "11x11"),
    ],
)
def test_bad_inputs_raise_naming_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()
