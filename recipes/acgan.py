"""Train ACGAN and export it: `python recipes/acgan.py --help`."""

import sys

import _bootstrap

_bootstrap.prepare(sys.argv[1:])

from keras_gans.recipes.acgan import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
