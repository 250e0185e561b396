"""Train discogan and export it: `python recipes/discogan.py --help`."""

import sys

import _bootstrap

_bootstrap.prepare(sys.argv[1:])

from keras_gans.recipes.discogan import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
