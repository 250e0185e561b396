"""`RunDirectoryError`: a run directory this run cannot use."""


class RunDirectoryError(RuntimeError):
    """The `--run-dir` of a recipe cannot be used by this run.

    Another run holds it (`RunDirectoryLock`), or `--resume` finds there a
    checkpoint of another model, image shape or backend. The message says
    what was found, what the run expected and how to go on;
    `RecipeRunner.main` prints it without a traceback and exits with
    `EXIT_RUN_FAILED`.
    """
