"""Train singan and export it: `python recipes/singan.py --help`."""

import sys

import _bootstrap

_bootstrap.prepare(sys.argv[1:])

from keras_gans.recipes.singan import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
