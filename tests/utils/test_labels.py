"""Default labels and label validation shared by models and artifacts."""

import numpy as np
import pytest

from keras_gans.utils.labels import check_labels
from keras_gans.utils.labels import check_num_classes
from keras_gans.utils.labels import default_labels

# Backend-independent: runs in one backend's session (tests/conftest.py).
pytestmark = pytest.mark.once


def test_default_labels_are_balanced_ascending_blocks():
    np.testing.assert_array_equal(default_labels(6, 3), [0, 0, 1, 1, 2, 2])
    # 100 samples of 10 classes: row r of a 10x10 grid is class r.
    rows = default_labels(100, 10).reshape(10, 10)
    np.testing.assert_array_equal(
        rows, np.repeat(np.arange(10)[:, None], 10, 1)
    )
    counts = np.bincount(default_labels(1003, 10), minlength=10)
    assert counts.max() - counts.min() <= 1
    np.testing.assert_array_equal(default_labels(3, 10), [0, 3, 6])
    assert default_labels(5, 2).dtype == np.int32


def test_check_labels_accepts_ints_and_integer_arrays():
    np.testing.assert_array_equal(check_labels(2, 3, 4), [2, 2, 2])
    np.testing.assert_array_equal(check_labels(np.uint8(1), 2, 4), [1, 1])
    out = check_labels(np.array([3, 0], "int64"), 2, 4)
    assert out.dtype == np.int32
    np.testing.assert_array_equal(check_labels(None, 4, 2), [0, 0, 1, 1])
    # Unknown class count: only the sign is checked, and labels are needed.
    np.testing.assert_array_equal(check_labels([7, 9], 2, None), [7, 9])
    with pytest.raises(ValueError, match="number of classes is unknown"):
        check_labels(None, 2, None)
    with pytest.raises(ValueError, match=r">= 0; found -1"):
        check_labels([-1, 0], 2, None)


def test_errors_name_the_argument_and_abbreviate_large_arrays():
    with pytest.raises(ValueError) as info:
        check_labels(np.full(100, 12), 100, 10, name="y")
    message = str(info.value)
    assert "`y` must be class ids in [0, 10); found 12" in message
    assert "Received: y='array of shape (100,) and dtype int64'" in message


@pytest.mark.parametrize("value", [1, 0, 2.0, "10", True, None])
def test_num_classes_checked(value):
    with pytest.raises(ValueError, match=f"Received: num_classes={value!r}"):
        check_num_classes(value)
