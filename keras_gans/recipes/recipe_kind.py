"""`RecipeKind`: the hooks by which one kind of recipe differs from another."""


class RecipeKind:
    """What a kind of model needs from a recipe run, as hooks.

    `RecipeRunner` does what every recipe does (flags, backend relaunch,
    defaults, strategy, start or resume from a checkpoint, `fit` or
    `fit_stages`, the NaN guard, `final.keras`, `summary.json`); a kind
    supplies the rest: its flags, its data, how its model is built from
    them, its grids and scores, and its export. The runner calls, in order:

    1. `add_flags(parser)` while building the command line;
    2. `resolve(args)` after the per-dataset defaults are filled in;
    3. `prepare(args)`: a per-run `state` object (held-out arrays, shapes);
    4. `build(build_model, args, state)` unless a checkpoint is restored;
    5. `steps_per_epoch(args, state)` for a staged model (its stages set
       the number of epochs);
    6. `dataset(args, state, initial_epoch)`: the epoch-keyed batches of
       epochs `initial_epoch` to `args.epochs - 1`;
    7. `callbacks(args, state, model)`: grids and scorers, before `fit`;
    8. `final_fields(args, state, model)`: summary entries of the final
       model (held-out scores);
    9. `export(args, state, model, summary)` unless `--no-export`.

    Attributes:
        dataset_help: what `--dataset` accepts.
        data_dir_help: what `--data-dir` holds.
    """

    dataset_help = (
        "'digits' (bundled, default), 'mnist-idx', 'folder' or a "
        "tensorflow-datasets name"
    )
    data_dir_help = "files of mnist-idx / folder data"

    def default_dataset(self):
        """The `--dataset` default."""
        return "digits"

    def add_flags(self, parser):
        """Adds the kind's flags to `parser`; returns it."""
        return parser

    def resolve(self, args):
        """Fills the kind's unset flags that no dataset default covers."""

    def prepare(self, args):
        """The per-run state the later hooks share (default: none)."""

    def build(self, build_model, args, state):
        """A compiled model for the resolved flags."""
        raise NotImplementedError

    def steps_per_epoch(self, args, state):
        """Batches in one pass over the training data."""
        raise NotImplementedError

    def dataset(self, args, state, initial_epoch):
        """The batches of epochs `initial_epoch` to `args.epochs - 1`."""
        raise NotImplementedError

    def callbacks(self, args, state, model):
        """Callbacks of the kind (grids, scores) for `fit`."""
        return []

    def final_fields(self, args, state, model):
        """Summary entries describing the final model (default: none)."""
        return {}

    def export(self, args, state, model, summary):
        """Exports `model` to `args.out`; returns the summary's export fields
        (`out`, `export_errors`)."""
        raise NotImplementedError
