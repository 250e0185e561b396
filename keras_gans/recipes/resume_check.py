"""`--resume` of a recipe: the checkpoint must hold the model the run trains.

A run directory can hold the checkpoint of another recipe (a WGAN's where
the DCGAN recipe resumes), of another image shape, or one written by
another Keras backend that this one cannot load. Training on would fail
deep inside `fit` or, worse, continue the other model under this recipe's
name; `restore_matching` says so before anything is trained.
"""

from keras_gans.recipes.run_directory_error import RunDirectoryError
from keras_gans.utils.unsafe_model_file_error import UnsafeModelFileError

_FIX = (
    "Give this run another --run-dir, or drop --resume to start afresh in "
    "this one (its checkpoints are then replaced)."
)


def restore_matching(checkpoint, expected):
    """The last checkpoint, if it holds a model like `expected`.

    Args:
        checkpoint: the run's `keras_gans.callbacks.TrainingCheckpoint`.
        expected: the model this run builds: the restored one must be of
            its class and, where both have one, its `image_shape`.

    Returns:
        `(model, epoch)` from `checkpoint.restore()`, or `None` when the
        folder holds no checkpoint.

    Raises:
        RunDirectoryError: if no checkpoint can be loaded (naming the
            backend that wrote it when it differs from this one), or if
            the restored model is of another class or image shape.
        UnsafeModelFileError: if the checkpoint stores Python code.
    """
    try:
        restored = checkpoint.restore()
    except UnsafeModelFileError:
        raise
    except (ValueError, OSError) as error:
        raise RunDirectoryError(_unloadable(checkpoint, error)) from error
    if restored is None:
        return None
    model, epoch = restored
    if _signature(model) != _signature(expected):
        raise RunDirectoryError(
            f"Cannot resume from {checkpoint.path(epoch)}: it holds "
            f"{_describe(model)}{_written_by(checkpoint)}, and this run "
            f"trains {_describe(expected)}. " + _FIX
        )
    return restored


def _signature(model):
    """`(class name, image shape)`, the shape `None` when unknown."""
    shape = getattr(model, "image_shape", None)
    if shape is not None:
        shape = tuple(int(size) for size in shape)
    return type(model).__name__, shape


def _describe(model):
    """`"a WGAN for images of shape (8, 8, 1)"`."""
    name, shape = _signature(model)
    article = "an" if name[:1] in "AEIOU" else "a"
    if shape is None:
        return f"{article} {name}"
    return f"{article} {name} for images of shape {shape}"


def _recorded_backend(checkpoint):
    """The backend `latest.json` says wrote the checkpoint, or `None`."""
    return (checkpoint.record() or {}).get("backend")


def _written_by(checkpoint):
    backend = _recorded_backend(checkpoint)
    return f" (written by the {backend} backend)" if backend else ""


def _unloadable(checkpoint, error):
    """The message of a checkpoint folder nothing can be loaded from."""
    import keras

    message = (
        f"Cannot resume from {checkpoint.directory}: no checkpoint there "
        f"can be loaded ({error})."
    )
    written, running = _recorded_backend(checkpoint), keras.backend.backend()
    if written and written != running:
        return (
            f"{message} It was written by the {written} backend and this "
            f"run uses {running}: resume it with --backend {written}. "
            + _FIX
        )
    return f"{message} {_FIX}"
