"""Train SNGAN and export it: `python recipes/sngan.py --help`."""

import sys

import _bootstrap

_bootstrap.prepare(sys.argv[1:])

from keras_gans.recipes.sngan import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
