import contextlib
import itertools
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
# The suite's classifier trains on the images as they are: augmentation
# (the default) costs most on JAX, and is checked on its own.
DIGITS_AUGMENT = False


# Tests marked `once` check code that does not depend on the Keras backend
# (data loaders, NumPy metrics, argument parsing, benchmark bookkeeping) or
# drive every backend themselves in child processes: they run in the
# session of this backend and are deselected in the others.
ONCE_BACKEND = "tensorflow"


# Tests that share a costly module- or session-scoped fixture (a trained
# model, an export through a TensorFlow child process, the digits
# classifier) run on one pytest-xdist worker: tests/run.sh passes
# `--dist loadgroup`, and without a group each worker would build the
# fixture for itself (the duplicated setups cost the JAX session about a
# minute). Keys are path prefixes; each names its group.
SHARED_FIXTURE_GROUPS = {
    # session fixtures of tests/export/conftest.py
    "tests/export/": "exports",
    # the session-scoped `digits_extractor`
    "tests/callbacks/test_generative_metric.py": "digits_extractor",
    "tests/metrics/test_classifier_feature_extractor.py": "digits_extractor",
    "tests/metrics/test_evaluation.py": "digits_extractor",
    "tests/metrics/test_feature_extractor.py": "digits_extractor",
    "tests/metrics/test_fid.py": "digits_extractor",
    # the session-scoped tiny trained SinGAN (tests/models/singan_helpers.py)
    "tests/models/test_singan_applications.py": "singan_tiny",
    "tests/test_cli_singan.py": "singan_tiny",
    # module fixtures
    "tests/callbacks/test_translation_callbacks.py": "translation_runs",
    "tests/metrics/test_inception_feature_extractor.py": "inception",
    "tests/losses/test_perceptual_loss.py": "vgg19",
    "tests/models/test_stylegan2.py": "stylegan2_model",
    "tests/models/test_stylegan2_projection.py": "stylegan2_model",
    "tests/recipes/test_dcgan_recipe.py": "dcgan_recipe",
    "tests/test_cli.py": "cli_exports",
    "tests/test_cli_translate.py": "translator_export",
    "tests/test_cli_upscale.py": "upscaler_export",
    "tests/training/test_stages.py": "staged_reference",
    "tests/training/test_v1_files.py": "v1_files",
    # module fixtures that run child processes (each test of these was its
    # own work unit, and both workers could start the same children: the
    # duplicated MirroredStrategy check cost the TensorFlow session 15 s)
    "tests/training/test_data_parallel.py": "data_parallel",
    "tests/training/test_distribution.py": "mirrored",
    "tests/training/test_multi_worker.py": "multi_worker",
}


# Long tests that run child processes (every backend's golden step, the
# recipes killed and resumed, the multi-worker cluster, the benchmarks)
# start first, in this order: xdist hands out the groups above largest first, then single
# tests in collection order, and one of these started last would keep one
# worker busy while the other idles.
LONG_FIRST = (
    "tests/training/test_golden_step.py",
    "tests/recipes/",
    "tests/training/test_multi_worker.py",
    "tests/training/test_distribution.py",
    "tests/training/test_data_parallel.py",
    "tests/bench/",
)


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(config, items):
    for item in items:
        path = item.nodeid.split("::")[0]
        for prefix, group in SHARED_FIXTURE_GROUPS.items():
            if path.startswith(prefix):
                item.add_marker(pytest.mark.xdist_group(group))
    items.sort(key=_start_order)
    if keras.backend.backend() == ONCE_BACKEND:
        return
    once = [item for item in items if item.get_closest_marker("once")]
    if once:
        config.hook.pytest_deselected(items=once)
        items[:] = [item for item in items if not item.get_closest_marker("once")]


def _start_order(item):
    """The position of the item's `LONG_FIRST` prefix; the rest after."""
    for position, prefix in enumerate(LONG_FIRST):
        if item.nodeid.startswith(prefix):
            return position
    return len(LONG_FIRST)


@pytest.fixture
def backend():
    return keras.backend.backend()


def require_shared_mnist(path=SHARED_MNIST):
    """`path` if it holds the MNIST test files; else a skip on a developer's
    machine and a failure in CI (`CI=true`), where a missing data folder
    means the tests that use it would silently not run."""
    path = os.path.abspath(path)
    if not os.path.isfile(os.path.join(path, "t10k-images-idx3-ubyte.gz")):
        message = f"shared MNIST files not found in {path} (../shared/data)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message + "; CI must have them", pytrace=False)
        pytest.skip(message)
    return path


@pytest.fixture
def mnist_dir():
    return require_shared_mnist()


# `clear_session()` runs a full `gc.collect()` by default (~0.5 s with
# TensorFlow loaded, after every test); Keras' own TestCase passes
# `free_memory=False`. A full collection every this many tests keeps the
# workers' memory flat.
COLLECT_EVERY = 40
_finished_tests = itertools.count(1)


@pytest.fixture(autouse=True)
def _clear_session():
    keras.utils.set_random_seed(1234)
    yield
    collect = next(_finished_tests) % COLLECT_EVERY == 0
    keras.backend.clear_session(free_memory=collect)


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


# Every test of the torch session, not only those that train a recipe
# (the CGAN, SNGAN and strategy recipe tests and the model contract ran
# with two): with two pytest workers on two cores, each worker's two
# OpenMP threads oversubscribe the machine. The tests' numbers do not
# depend on it (the golden step's torch child runs one thread too).
@pytest.fixture(scope="session", autouse=True)
def _one_torch_thread_everywhere():
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
            augment=DIGITS_AUGMENT,
        )


@pytest.fixture(scope="session")
def digits_images():
    """All 1,797 digits as float32 in [-1, 1]."""
    images = data.load_arrays("digits", image_shape=DIGITS_SHAPE)
    return images.astype("float32") / 127.5 - 1.0
