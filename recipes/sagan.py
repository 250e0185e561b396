"""Train SAGAN and export it: `python recipes/sagan.py --help`."""

import sys

import _bootstrap

_bootstrap.prepare(sys.argv[1:])

from keras_gans.recipes.sagan import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
