"""Fixtures for the data tests: the shared MNIST files and photo folders."""


import pytest
from PIL import Image

from tests.conftest import require_shared_mnist
from tests.data.data_helpers import MNIST_DIR


@pytest.fixture(scope="session")
def shared_mnist_dir():
    """Directory with t10k-{images,labels} of the real MNIST test set."""
    return require_shared_mnist(MNIST_DIR)


@pytest.fixture(scope="session")
def photos():
    """scikit-image's bundled photos, downscaled to keep the tests quick."""
    from skimage import data

    def small(array, factor):
        image = Image.fromarray(array)
        return image.resize((image.width // factor, image.height // factor))

    return {
        "astronaut": small(data.astronaut(), 4),  # 128x128 RGB
        "coffee": small(data.coffee(), 4),  # 150x100 (w x h) RGB
        "chelsea": small(data.chelsea(), 4),  # 112x75 RGB
        "camera": small(data.camera(), 4),  # 128x128 grayscale
    }


@pytest.fixture(scope="session")
def class_folder(tmp_path_factory, photos):
    """A class-per-subfolder tree: animals/, people/ (nested), things/."""
    root = tmp_path_factory.mktemp("class_folder")
    for sub in ("animals", "people/portraits", "things"):
        (root / sub).mkdir(parents=True)
    photos["chelsea"].save(root / "animals" / "chelsea.png")
    photos["astronaut"].save(root / "people" / "portraits" / "astronaut.PNG")
    photos["camera"].save(root / "people" / "camera.bmp")
    photos["coffee"].save(root / "things" / "coffee.JPG", quality=95)
    photos["coffee"].convert("P").save(root / "things" / "coffee_gif.gif")
    (root / "things" / "notes.txt").write_text("not an image")
    return root


@pytest.fixture(scope="session")
def flat_folder(tmp_path_factory, photos):
    """Three photos directly in one directory (no classes)."""
    root = tmp_path_factory.mktemp("flat_folder")
    photos["astronaut"].save(root / "a_astronaut.png")
    photos["coffee"].save(root / "b_coffee.png")
    photos["chelsea"].save(root / "c_chelsea.jpeg", quality=95)
    return root


@pytest.fixture(autouse=True)
def _clear_session():
    # Overrides tests/conftest.py's fixture of the same name for the data
    # tests only: its `keras.backend.clear_session()` runs a full
    # `gc.collect()` (~0.5 s with TensorFlow loaded) after every test, while
    # these tests build no Keras state worth clearing (the one that trains a
    # model clears its session itself).
    import keras

    keras.utils.set_random_seed(1234)
    yield
