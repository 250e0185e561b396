"""Grids and panels of `keras_gans.utils.images` (tiles of any size)."""

import numpy as np
import pytest

from keras_gans.utils.images import enlarge
from keras_gans.utils.images import grid_rows
from keras_gans.utils.images import make_grid
from keras_gans.utils.images import make_panel
from keras_gans.utils.images import to_uint8


def tiles(shape, count, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, (count,) + shape).astype("float32")


def test_grid_layout_is_tiles_between_padding():
    images = tiles((3, 4, 1), 5)
    grid = make_grid(images, rows=2, padding=1, pad_value=7)
    # 2 rows of 3 columns; the sixth cell stays padding.
    assert grid.shape == (2 * 4 + 1, 3 * 5 + 1, 1)
    for i, image in enumerate(to_uint8(images)):
        r, c = divmod(i, 3)
        top, left = 1 + 4 * r, 1 + 5 * c
        np.testing.assert_array_equal(grid[top : top + 3, left : left + 4], image)
    assert np.all(grid[5:8, 11:15] == 7)
    assert [len(row) for row in grid_rows(images)] == [3, 2]


def test_panel_cells_fit_the_largest_tile_of_their_row_and_column():
    small, large = tiles((2, 3, 3), 1)[0], tiles((5, 4, 3), 1, seed=1)[0]
    panel = make_panel([[small, large], [large]], padding=1, pad_value=0)
    # Row heights 5 and 5, column widths 4 and 4.
    assert panel.shape == (1 + 6 + 6, 1 + 5 + 5, 3)
    np.testing.assert_array_equal(panel[1:3, 1:4], to_uint8(small))
    assert np.all(panel[3:6, 1:5] == 0)  # below the small tile: empty cell
    np.testing.assert_array_equal(panel[1:6, 6:10], to_uint8(large))
    np.testing.assert_array_equal(panel[7:12, 1:5], to_uint8(large))
    assert np.all(panel[7:12, 6:10] == 0)  # the short row's missing cell


def test_panel_repeats_gray_tiles_to_rgb_next_to_colour_ones():
    gray, colour = tiles((4, 4, 1), 1)[0], tiles((4, 4, 3), 1)[0]
    panel = make_panel([[gray, colour]], padding=0)
    assert panel.shape == (4, 8, 3)
    for channel in range(3):
        np.testing.assert_array_equal(panel[:, :4, channel], to_uint8(gray)[..., 0])


def test_enlarge_repeats_each_pixel_as_a_block():
    image = np.arange(6, dtype="float32").reshape(1, 2, 3, 1)
    big = enlarge(image, 2)
    assert big.shape == (1, 4, 6, 1)
    np.testing.assert_array_equal(big[0, ::2, ::2], image[0])
    np.testing.assert_array_equal(big[0, 1::2, 1::2], image[0])


@pytest.mark.parametrize(
    "rows, match",
    [([], "tiles of shapes \\[\\]"), ([[np.zeros((4, 4))]], "\\(4, 4\\)"),
     ([[np.zeros((4, 4, 2))]], "\\(4, 4, 2\\)")],
)
def test_bad_panels_raise_naming_the_tiles(rows, match):
    with pytest.raises(ValueError, match=match):
        make_panel(rows)
