"""Train srgan and export it: `python recipes/srgan.py --help`."""

import sys

import _bootstrap

_bootstrap.prepare(sys.argv[1:])

from keras_gans.recipes.srgan import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
