"""Image files for the translation loader tests."""

import numpy as np
from PIL import Image


def noise(shape, seed):
    """uint8 noise: every pixel differs, so any misalignment shows."""
    return np.random.default_rng(seed).integers(0, 256, shape, dtype="uint8")


def save_image(path, array):
    """Writes a uint8 `(H, W)` or `(H, W, 3)` array, creating folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(array).save(path)
    return path
