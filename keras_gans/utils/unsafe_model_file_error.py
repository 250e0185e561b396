"""`UnsafeModelFileError`: a model file that stores executable code."""


class UnsafeModelFileError(ValueError):
    """A `.keras` file holds Python code (a `Lambda` layer) and is refused.

    Raised by `keras_gans.utils.safe_loading.load_keras_file` and so by
    every loader of the package; a `ValueError`, so code catching bad
    inputs catches it too.
    """
