"""`load_paired()`: built-in pairs, A|B files, aligned folders, jitter."""

import re

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from keras_gans import data
from keras_gans.data import paired
from keras_gans.data.transforms import jitter_pair
from keras_gans.data.transforms import jitter_size
from keras_gans.data.transforms import random_jitter
from tests.data.translation_helpers import noise
from tests.data.translation_helpers import save_image

# Backend-independent: runs in one backend's session (tests/conftest.py).
pytestmark = pytest.mark.once

# Side-by-side files: 12 rows, A = left 12 columns, B = right 12 columns.
HALF = 12


def _scaled(images):
    return images.astype("float32") / 127.5 - 1.0


def _all_batches(dataset):
    batches = list(dataset.as_numpy_iterator())
    return tuple(np.concatenate(part) for part in zip(*batches))


@pytest.fixture(scope="module")
def side_by_side(tmp_path_factory):
    """`train/` (6 files) and `val/` (2): B is the negative of A."""
    root = tmp_path_factory.mktemp("side_by_side")
    for split, count in (("train", 6), ("val", 2)):
        for i in range(count):
            left = noise((HALF, HALF, 3), seed=10 * len(split) + i)
            pair = np.concatenate([left, 255 - left], axis=1)
            save_image(root / split / f"{i:03d}.png", pair)
    return root


def _halves(root, split):
    files = sorted((root / split).iterdir())
    pairs = np.stack([np.asarray(Image.open(f)) for f in files])
    return pairs[:, :, :HALF], pairs[:, :, HALF:]


# ---------------------------------------------------------------- jitter


def test_jitter_size():
    assert jitter_size(256, 256) == (286, 286)
    assert jitter_size(32, 28) == (36, 32)
    assert jitter_size(64, 128) == (72, 144)
    assert jitter_size(4, 4) == (4, 4)


def _ramp(channels=1):
    # Increases left to right, so a mirror shows as a decreasing row.
    row = np.linspace(-1, 1, 16, dtype="float32")
    return tf.constant(np.tile(row[None, :, None], (16, 1, channels)))


def _direction(image):
    steps = np.diff(np.asarray(image)[8, :, 0])
    if (steps > 0).all():
        return "right"
    if (steps < 0).all():
        return "left"
    return "mixed"


def test_random_jitter_is_a_crop_of_the_enlarged_image():
    image = tf.constant(noise((16, 16, 2), seed=0).astype("float32"))
    enlarged = tf.image.resize(image, jitter_size(16, 16)).numpy()
    assert enlarged.shape == (18, 18, 2)
    offsets = set()
    for seed in range(12):
        out = random_jitter(image, tf.constant([seed, 7]), mirror=False)
        assert out.shape == (16, 16, 2)
        matches = [
            (y, x)
            for y in range(3)
            for x in range(3)
            if np.allclose(out, enlarged[y : y + 16, x : x + 16])
        ]
        assert len(matches) == 1
        offsets.add(matches[0])
    assert len(offsets) > 3  # the window moves


def test_random_jitter_mirrors_only_when_asked():
    no_mirror = {
        _direction(random_jitter(_ramp(), tf.constant([s, 0]), mirror=False))
        for s in range(20)
    }
    assert no_mirror == {"right"}
    with_mirror = [
        _direction(random_jitter(_ramp(), tf.constant([s, 0])))
        for s in range(20)
    ]
    assert set(with_mirror) == {"right", "left"}
    # Stateless: the same seed gives the same result.
    first = random_jitter(_ramp(), tf.constant([3, 4]))
    np.testing.assert_array_equal(
        first, random_jitter(_ramp(), tf.constant([3, 4]))
    )


def test_jitter_pair_is_identical_on_both_images():
    a = tf.constant(_scaled(noise((16, 16, 1), seed=1)))
    # B is a linear function of A on other channels: resize, crop and
    # flip commute with it only if both get the very same ones.
    b = tf.concat([-a, 0.5 * a, a], axis=-1)
    for seed in range(10):
        out_a, out_b = jitter_pair(a, b, tf.constant([seed, 1]))
        assert out_a.shape == (16, 16, 1) and out_b.shape == (16, 16, 3)
        expected = np.concatenate([-out_a, 0.5 * out_a, out_a], axis=-1)
        np.testing.assert_allclose(out_b, expected, atol=1e-6)


def test_dataset_jitter_is_identical_on_both_halves(side_by_side):
    ds = data.load_paired(
        "side-by-side", data_dir=str(side_by_side), batch_size=2, jitter=True
    )
    originals = _scaled(_halves(side_by_side, "train")[0])
    changed = 0
    for _ in range(3):  # epochs: new crops and flips each time
        for a, b in ds.as_numpy_iterator():
            assert a.shape == b.shape == (2, HALF, HALF, 3)
            np.testing.assert_allclose(b, -a, atol=1e-6)
            assert -1.0 <= a.min() and a.max() <= 1.0
            changed += sum(
                not any(np.allclose(x, o) for o in originals) for x in a
            )
    assert changed > 10  # jitter really moved the pixels


def test_crop_jitter_never_mirrors(tmp_path):
    ramp = np.tile(np.linspace(0, 255, HALF).astype("uint8"), (HALF, 1))
    for i in range(4):
        save_image(tmp_path / "train" / f"{i}.png", np.hstack([ramp, ramp]))
    ds = data.load_paired(
        "side-by-side", data_dir=str(tmp_path), batch_size=4, jitter="crop"
    )
    for _ in range(5):
        a, b = next(iter(ds.as_numpy_iterator()))
        assert {_direction(image) for image in a} == {"right"}
        np.testing.assert_allclose(a, b, atol=1e-6)


def test_default_jitter():
    assert paired.default_jitter("digits-edges") == "crop"
    assert paired.default_jitter("mnist-edges") == "crop"
    assert paired.default_jitter("photos-gray2color") is True
    assert paired.default_jitter("side-by-side") is True


def test_no_jitter_off_train_and_reproducible_shuffle(side_by_side):
    # split="val" defaults to no jitter: the exact pixels, in file order.
    ds = data.load_paired(
        "side-by-side",
        data_dir=str(side_by_side),
        split="val",
        batch_size=2,
        shuffle=False,
    )
    a, b = _all_batches(ds)
    left, right = _halves(side_by_side, "val")
    np.testing.assert_array_equal(a, _scaled(left))
    np.testing.assert_array_equal(b, _scaled(right))

    def first_epoch(seed):
        return _all_batches(
            data.load_paired(
                "side-by-side", data_dir=str(side_by_side), seed=seed
            )
        )[0]

    np.testing.assert_array_equal(first_epoch(1), first_epoch(1))
    assert not np.array_equal(first_epoch(1), first_epoch(2))


# -------------------------------------------------------- built-in sources


def test_digits_edges_dataset():
    ds = data.load_paired("digits-edges", batch_size=32)
    assert int(ds.cardinality()) == 1438 // 32
    a, b = next(iter(ds.as_numpy_iterator()))
    assert a.shape == b.shape == (32, 32, 32, 1)
    assert a.dtype == b.dtype == np.float32
    assert a.min() == -1.0 and a.max() <= 1.0 and b.max() > 0.9
    # Test pairs, unjittered, are the arrays' pixels scaled.
    test = data.load_translation_arrays("digits-edges")
    ds = data.load_paired(
        "digits-edges", split="test", batch_size=359, shuffle=False
    )
    a, b = next(iter(ds.as_numpy_iterator()))
    np.testing.assert_array_equal(a, _scaled(test.a))
    np.testing.assert_array_equal(b, _scaled(test.b))


def test_direction_b_to_a():
    ds = data.load_paired(
        "digits-edges",
        split="test",
        batch_size=8,
        shuffle=False,
        direction="BtoA",
    )
    digits, edges = next(iter(ds.as_numpy_iterator()))
    test = data.load_translation_arrays("digits-edges")
    np.testing.assert_array_equal(digits, _scaled(test.b[:8]))
    np.testing.assert_array_equal(edges, _scaled(test.a[:8]))


def test_mnist_edges_dataset(shared_mnist_dir):
    ds = data.load_paired(
        "mnist-edges", data_dir=shared_mnist_dir, split="test", batch_size=50
    )
    assert int(ds.cardinality()) == 2000 // 50
    a, b = next(iter(ds.as_numpy_iterator()))
    assert a.shape == b.shape == (50, 32, 32, 1)


def test_photos_dataset():
    ds = data.load_paired("photos-gray2color", batch_size=4, image_size=32)
    gray, colour = next(iter(ds.as_numpy_iterator()))
    assert gray.shape == (4, 32, 32, 1) and colour.shape == (4, 32, 32, 3)
    assert -1.0 <= colour.min() and colour.max() <= 1.0


# ------------------------------------------------------------ folder sources


def test_side_by_side_arrays_and_channels(side_by_side):
    arrays = data.load_translation_arrays(
        "side-by-side", data_dir=str(side_by_side), split="train"
    )
    left, right = _halves(side_by_side, "train")
    np.testing.assert_array_equal(arrays.a, left)
    np.testing.assert_array_equal(arrays.b, right)
    assert arrays.paired and arrays.a_labels is None
    mixed = data.load_translation_arrays(
        "side-by-side",
        data_dir=str(side_by_side),
        split="val",
        channels=(1, 3),
        image_size=8,
    )
    assert mixed.a.shape == (2, 8, 8, 1) and mixed.b.shape == (2, 8, 8, 3)


@pytest.fixture
def aligned(tmp_path):
    """A/train gray PNGs, B/train RGB BMPs, matched by path (one nested)."""
    expected = []
    for i, key in enumerate(["001", "002", "sub/003"]):
        gray = noise((10, 10), seed=i)
        colour = noise((10, 10, 3), seed=100 + i)
        save_image(tmp_path / "A" / "train" / f"{key}.png", gray)
        save_image(tmp_path / "B" / "train" / f"{key}.bmp", colour)
        expected.append((gray, colour))
    return tmp_path, expected


def test_aligned_folders(aligned):
    root, expected = aligned
    arrays = data.load_translation_arrays(
        "aligned-folders", data_dir=str(root), split="train"
    )
    # Default channels follow each folder's files: 1 for A, 3 for B.
    assert arrays.a.shape == (3, 10, 10, 1) and arrays.b.shape == (3, 10, 10, 3)
    for i, (gray, colour) in enumerate(expected):
        np.testing.assert_array_equal(arrays.a[i, ..., 0], gray)
        np.testing.assert_array_equal(arrays.b[i], colour)
    ds = data.load_paired(
        "aligned-folders", data_dir=str(root), batch_size=3, seed=5
    )
    a, b = next(iter(ds.as_numpy_iterator()))
    assert a.shape == (3, 10, 10, 1) and b.shape == (3, 10, 10, 3)


def test_aligned_folders_missing_partner(aligned):
    root, _ = aligned
    (root / "B" / "train" / "002.bmp").unlink()
    lonely = re.escape(str(root / "A" / "train" / "002.png"))
    with pytest.raises(ValueError, match=rf"{lonely}.*no partner.*'002'"):
        data.load_paired("aligned-folders", data_dir=str(root))
    save_image(root / "B" / "train" / "002.bmp", noise((10, 10, 3), 0))
    save_image(root / "B" / "train" / "extra.png", noise((10, 10, 3), 0))
    with pytest.raises(ValueError, match=r"extra.png.*no partner"):
        data.load_paired("aligned-folders", data_dir=str(root))


def test_aligned_folders_ambiguous_names(aligned):
    root, _ = aligned
    save_image(root / "A" / "train" / "001.bmp", noise((10, 10), 0))
    with pytest.raises(ValueError, match=r"share the name '001'"):
        data.load_paired("aligned-folders", data_dir=str(root))


# ------------------------------------------------------------------ errors


def test_unknown_source_and_unpaired_hint():
    with pytest.raises(ValueError, match=r"'digits-edges'.*source='facades'"):
        data.load_paired("facades")
    with pytest.raises(ValueError, match=r"unpaired.*load_unpaired"):
        data.load_paired("digits-inverted")


def test_data_dir_errors(tmp_path):
    with pytest.raises(ValueError, match=r"'side-by-side'.*data_dir=None"):
        data.load_paired("side-by-side")
    missing = str(tmp_path / "nope")
    with pytest.raises(FileNotFoundError, match=re.escape(repr(missing))):
        data.load_paired("aligned-folders", data_dir=missing)


def test_missing_and_empty_split_folders(side_by_side, tmp_path):
    expected = re.escape(repr(str(side_by_side / "test")))
    with pytest.raises(
        FileNotFoundError, match=rf"{expected}.*\['train', 'val'\]"
    ):
        data.load_paired(
            "side-by-side", data_dir=str(side_by_side), split="test"
        )
    (tmp_path / "train").mkdir()
    (tmp_path / "train" / "notes.txt").write_text("no image")
    with pytest.raises(ValueError, match=r"holds no image files"):
        data.load_paired("side-by-side", data_dir=str(tmp_path))


def test_odd_width_and_corrupt_files(tmp_path):
    save_image(tmp_path / "train" / "a.png", noise((8, 16), 0))
    save_image(tmp_path / "train" / "b.png", noise((8, 15), 0))
    with pytest.raises(ValueError, match=r"b.png.*15 pixels wide.*even"):
        data.load_paired("side-by-side", data_dir=str(tmp_path))
    (tmp_path / "train" / "b.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"x" * 40)
    with pytest.raises(ValueError, match=r"Could not decode.*b.png"):
        data.load_paired("side-by-side", data_dir=str(tmp_path))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"split": "valid"}, r"'train', 'val', 'test'.*split='valid'"),
        ({"direction": "left"}, r"'AtoB'.*direction='left'"),
        ({"jitter": "flip"}, r"'crop'.*jitter='flip'"),
        ({"jitter": 1}, r"jitter=1"),
        ({"image_size": (8, 0)}, r"image_size=\(8, 0\)"),
        ({"image_size": "big"}, r"image_size='big'"),
        ({"channels": 4}, r"1 \(grayscale\), 3 \(RGB\).*channels=4"),
        ({"channels": (1, 2)}, r"channels=\(1, 2\)"),
        ({"batch_size": 7}, r"6 pairs.*batch_size=7"),
        ({"batch_size": 0}, r"batch_size=0"),
    ],
)
def test_argument_errors(side_by_side, kwargs, message):
    with pytest.raises(ValueError, match=message):
        data.load_paired("side-by-side", data_dir=str(side_by_side), **kwargs)


def test_channel_mismatch_for_builtin_task():
    with pytest.raises(ValueError, match=r"1-channel A.*channels=\(3, 3\)"):
        data.load_paired("digits-edges", channels=3)
