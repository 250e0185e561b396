"""`CheckpointWriteError`: a checkpoint that could not be written."""


class CheckpointWriteError(OSError):
    """A checkpoint could not be written; the previous one is unchanged.

    Raised by `keras_gans.callbacks.TrainingCheckpoint` when the file
    system refuses a write (a full disk, a lost mount, no permission). It
    is an `OSError` with the `errno` of the failed write (`errno.ENOSPC`
    for a full disk) and is raised `from` it; its message names the
    checkpoint folder, the epoch, the reason and the checkpoint that
    training can still resume from.

    Args:
        errno: the `errno` of the failed write (or `None`).
        message: the full message, printed as it is (without the
            `[Errno N]` prefix of `OSError`, which the message replaces
            with the reason in words).
    """

    def __init__(self, errno, message):
        super().__init__(errno, message)

    def __str__(self):
        return self.strerror
