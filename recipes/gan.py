"""Train GAN and export it: `python recipes/gan.py --help`."""

import sys

import _bootstrap

_bootstrap.prepare(sys.argv[1:])

from keras_gans.recipes.gan import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
