"""`python -m keras_gans_cli ...`: the `keras-gans` command line."""

import sys

from keras_gans_cli import main

sys.exit(main())
