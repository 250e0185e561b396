"""The entry point of the `keras-gans` console script.

It lives outside the `keras_gans` package on purpose: importing anything
inside that package first runs `keras_gans/__init__.py`, which imports
Keras and, on the TensorFlow backend, TensorFlow, and TensorFlow prints its
start-up lines (the oneDNN notice, the CUDA stub's, absl's) while it is
imported. Unless `--verbose` comes before the command, `main` first sets
`QUIET_ENVIRONMENT`: TensorFlow's C++ log level, and the variable that
makes `keras_gans` apply that level to the start-up lines too, which
TensorFlow itself does not (`keras_gans.utils.quiet_tensorflow`). Only
then does it import `keras_gans.cli`. Child processes (a `--backend`
relaunch, a recipe's, the TensorFlow export of the JAX and torch backends)
inherit the environment and are quiet too. A program that imports
`keras_gans` itself keeps TensorFlow's defaults.

`python -m keras_gans_cli ...` is the same as `keras-gans ...`.
"""

import os
import sys

QUIET_ENVIRONMENT = {
    # TensorFlow's C++ log levels: 0 all, 1 no INFO, 2 no WARNING, 3 no
    # ERROR. Level 2 hides INFO and WARNING lines and keeps errors.
    "TF_CPP_MIN_LOG_LEVEL": "2",
    # keras_gans.utils.quiet_tensorflow.QUIET_VARIABLE (importing it here
    # would import TensorFlow).
    "KERAS_GANS_QUIET_TENSORFLOW": "1",
}

# Global options of `keras-gans` that take a value (`--backend jax`): the
# command is the first argument that is neither an option nor its value.
_OPTIONS_WITH_VALUE = ("--backend",)


def main(argv=None):
    """Runs `keras_gans.cli.main` with TensorFlow quiet unless `--verbose`.

    Args:
        argv: argument list without the program name; `None` reads
            `sys.argv[1:]`.

    Returns:
        The exit code of `keras_gans.cli.main`.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--verbose" not in global_options(argv):
        quiet_environment(os.environ)
    from keras_gans.cli import main as run

    return run(argv)


def quiet_environment(environ):
    """Sets the quiet logging variables in `environ` where they are unset.

    A value the user set (`TF_CPP_MIN_LOG_LEVEL=0`) is kept.
    """
    for name, value in QUIET_ENVIRONMENT.items():
        environ.setdefault(name, value)
    return environ


def global_options(argv):
    """The arguments before the command: `keras-gans`'s own options."""
    options = []
    expects_value = False
    for arg in argv:
        if not expects_value and not arg.startswith("-"):
            break
        options.append(arg)
        expects_value = arg in _OPTIONS_WITH_VALUE
    return options
