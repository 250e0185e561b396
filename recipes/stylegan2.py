"""Train StyleGAN2 and export it: `python recipes/stylegan2.py --help`."""

import sys

import _bootstrap

_bootstrap.prepare(sys.argv[1:])

from keras_gans.recipes.stylegan2 import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
