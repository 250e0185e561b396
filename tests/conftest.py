import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import pytest  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED_MNIST = os.path.join(os.path.dirname(REPO), "shared", "data", "mnist")


@pytest.fixture
def backend():
    return keras.backend.backend()


@pytest.fixture
def mnist_dir():
    if not os.path.exists(os.path.join(SHARED_MNIST, "t10k-images-idx3-ubyte.gz")):
        pytest.skip(f"shared MNIST files not found in {SHARED_MNIST}")
    return SHARED_MNIST


@pytest.fixture(autouse=True)
def _clear_session():
    keras.utils.set_random_seed(1234)
    yield
    keras.backend.clear_session()
