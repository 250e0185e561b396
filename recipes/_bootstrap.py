"""Makes `python recipes/NAME.py` work from a checkout.

Sets `KERAS_BACKEND` from `--backend` before Keras is first imported (the
backend is fixed at import) and puts the repository on `sys.path` so the
scripts run without installing the package.
"""

import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def prepare(argv):
    for i, arg in enumerate(argv):
        if arg == "--backend" and i + 1 < len(argv):
            os.environ["KERAS_BACKEND"] = argv[i + 1]
        elif arg.startswith("--backend="):
            os.environ["KERAS_BACKEND"] = arg.split("=", 1)[1]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if REPO not in sys.path:
        sys.path.insert(0, REPO)
