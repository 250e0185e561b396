"""Fixtures of the metrics tests: one digits extractor per session.

Training on the digits resized to 16x16 for 8 epochs takes a few seconds,
so every test of this folder shares one extractor through a session-scoped
cache directory.
"""

import contextlib

import keras
import numpy as np
import pytest

from keras_gans import data
from keras_gans.metrics import ClassifierFeatureExtractor

DIGITS_SHAPE = (16, 16, 1)
DIGITS_EPOCHS = 8


@pytest.fixture(autouse=True)
def _clear_session():
    """Overrides the root fixture: no `clear_session()` after each test.

    These tests share one session-scoped extractor and mostly run NumPy;
    clearing the Keras session (and its `gc.collect()`) after each of
    them would cost more than the tests themselves.
    """
    yield


@contextlib.contextmanager
def one_torch_thread():
    """Torch's 2 OpenMP threads crawl on an oversubscribed 2-core machine
    (about 15x slower per step); one thread is fast. No-op off torch."""
    if keras.backend.backend() != "torch":
        yield
        return
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


@pytest.fixture(scope="module", autouse=True)
def _one_torch_thread():
    with one_torch_thread():
        yield


@pytest.fixture(scope="session")
def extractor_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("extractor_cache")


@pytest.fixture(scope="session")
def digits_extractor(extractor_cache):
    """`ClassifierFeatureExtractor.for_dataset("digits")`, trained once."""
    with one_torch_thread():
        return ClassifierFeatureExtractor.for_dataset(
            "digits",
            image_shape=DIGITS_SHAPE,
            cache_dir=extractor_cache,
            epochs=DIGITS_EPOCHS,
        )


@pytest.fixture(scope="session")
def digits_images():
    """All 1,797 digits as float32 in [-1, 1]."""
    images = data.load_arrays("digits", image_shape=DIGITS_SHAPE)
    return images.astype("float32") / 127.5 - 1.0


@pytest.fixture
def noise_images():
    rng = np.random.default_rng(0)
    return rng.uniform(-1, 1, (400,) + DIGITS_SHAPE).astype("float32")
