"""Train pix2pix and export it: `python recipes/pix2pix.py --help`."""

import sys

import _bootstrap

_bootstrap.prepare(sys.argv[1:])

from keras_gans.recipes.pix2pix import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
