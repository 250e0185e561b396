import contextlib
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import pytest  # noqa: E402

from keras_gans import data  # noqa: E402
from keras_gans.metrics import ClassifierFeatureExtractor  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED_MNIST = os.path.join(os.path.dirname(REPO), "shared", "data", "mnist")
# The digits extractor of the metrics and callback tests: training it on
# the digits resized to 16x16 for 8 epochs takes a few seconds, so one
# session-scoped cache directory shares it.
DIGITS_SHAPE = (16, 16, 1)
DIGITS_EPOCHS = 8


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
