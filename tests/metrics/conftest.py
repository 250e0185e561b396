"""Fixtures of the metrics tests (the digits extractor is in tests/conftest)."""

import numpy as np
import pytest

from tests.conftest import DIGITS_EPOCHS  # noqa: F401 (imported by tests)
from tests.conftest import DIGITS_SHAPE
from tests.conftest import one_torch_thread


@pytest.fixture(autouse=True)
def _clear_session():
    """Overrides the root fixture: no `clear_session()` after each test.

    These tests share one session-scoped extractor and mostly run NumPy;
    clearing the Keras session (and its `gc.collect()`) after each of
    them would cost more than the tests themselves.
    """
    yield


@pytest.fixture(scope="module", autouse=True)
def _one_torch_thread():
    with one_torch_thread():
        yield


@pytest.fixture
def noise_images():
    rng = np.random.default_rng(0)
    return rng.uniform(-1, 1, (400,) + DIGITS_SHAPE).astype("float32")
