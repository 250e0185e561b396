"""`TrainingCurves`: every logged loss and score as curves in a PNG."""

import json
import math
import os
import warnings

from keras_gans.callbacks.periodic_callback import PeriodicCallback

# One writer of crash-safe JSON for the callbacks: a run killed while the
# numbers are written keeps the previous file, which a resumed run reads.
from keras_gans.callbacks.training_checkpoint import _write_json_atomically
from keras_gans.utils.validation import format_received

# Panels per row of the PNG, and the size of one panel in inches (at
# 100 dpi: 320 x 240 pixels).
_COLUMNS = 3
_PANEL_SIZE = (3.2, 2.4)


class TrainingCurves(PeriodicCallback):
    """Plots every logged value against the epoch, and keeps the numbers.

    Records each epoch's logs: the model's losses (`d_loss`, `g_loss`, a
    translation model's own keys) and the scores that callbacks listed
    *before* this one add to the logs on the epochs they score (`fid` and
    `kid` from `FID` and `KID`, the `val_*` scores of
    `TranslationMetrics`). Every `every` epochs, and after the last one,
    it writes:

    - `path`, a PNG with one small panel per logged key (losses first),
      the epoch on the x axis; a key logged on some epochs only (a score
      computed every k epochs) is drawn at those epochs;
    - the same path with `.json` for `.png`: the numbers,
      `{"epochs": [{"epoch": 1, "d_loss": 0.69, ...}, ...]}`, with 1-based
      epochs as `fit()` prints them and non-finite values as `null`.

    A resumed run continues the curves: the records of the JSON file are
    read back when training starts, and each epoch that ends replaces the
    records from its own epoch on. A run restored from a checkpoint
    (`TrainingCheckpoint`) and fitted with `initial_epoch` therefore draws
    one curve over all its epochs, the epochs an interrupted run logged
    after its last checkpoint being trained and recorded again; a run
    started afresh in the same place starts new curves. (With `every`
    above 1, a run killed between two writes loses the epochs since the
    last one.)

    The figure is drawn with Matplotlib's object interface on its Agg
    canvas: no `pyplot`, so the plotting backend of a notebook or script
    is left as it is. Both files are written under temporary names and
    renamed, so a killed run never leaves half a file.

    Args:
        path: the PNG file; its folder is created if missing.
        every: write the files every `every` epochs (and after the last).

    Raises:
        ValueError: for a `path` not ending in `.png`, or a non-positive
            `every`.

    Example:

    ```python
    gan.fit(ds, epochs=20, callbacks=[
        keras_gans.callbacks.FID(real, extractor, every=5),
        keras_gans.callbacks.TrainingCurves("runs/dcgan/curves.png"),
    ])
    ```
    """

    def __init__(self, path, every=1):
        super().__init__(every)
        if not path or not os.fspath(path).endswith(".png"):
            raise ValueError(
                "`path` must be a file path ending in '.png'. "
                + format_received(path=path)
            )
        self.path = os.fspath(path)
        self.json_path = self.path[: -len(".png")] + ".json"
        self.records = None

    def on_train_begin(self, logs=None):
        if self.records is None:
            self.records = read_records(self.json_path)

    def on_epoch_end(self, epoch, logs=None):
        if self.records is None:  # called outside fit()
            self.records = read_records(self.json_path)
        number = epoch + 1
        self.records = [r for r in self.records if r["epoch"] < number]
        self.records.append({"epoch": number, **_numbers(logs)})
        super().on_epoch_end(epoch, logs)

    def on_period(self, epoch, logs):
        directory = os.path.dirname(os.path.abspath(self.path))
        os.makedirs(directory, exist_ok=True)
        _write_json_atomically(self.json_path, {"epochs": self.records})
        model = self.model
        title = None if model is None else f"{type(model).__name__} training"
        plot_curves(self.records, self.path, title=title)


def read_records(path):
    """The epoch records of a `TrainingCurves` JSON file (`[]` if none).

    An unreadable file (not written by `TrainingCurves`) is ignored with a
    warning: the curves then start afresh rather than stop the training.
    """
    if not os.path.isfile(path):
        return []
    try:
        with open(path) as f:
            records = json.load(f)["epochs"]
        return [
            {**record, "epoch": int(record["epoch"])} for record in records
        ]
    except (ValueError, KeyError, TypeError) as error:
        warnings.warn(
            f"Ignoring the unreadable training curves in {path} ({error}); "
            "the curves start afresh."
        )
        return []


def plot_curves(records, path, title=None):
    """Writes the PNG of `records`: one panel per logged key.

    Args:
        records: `[{"epoch": n, key: value or None, ...}]`, as
            `TrainingCurves` keeps them.
        path: the PNG file (replaced atomically).
        title: optional title above the panels.

    Returns:
        `path`.
    """
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    keys = logged_keys(records)
    columns = max(1, min(_COLUMNS, len(keys)))
    rows = max(1, math.ceil(len(keys) / columns))
    figure = Figure(
        figsize=(_PANEL_SIZE[0] * columns, _PANEL_SIZE[1] * rows),
        dpi=100,
        layout="constrained",
    )
    axes = figure.subplots(rows, columns, squeeze=False).ravel()
    for axis, key in zip(axes, keys):
        epochs = [r["epoch"] for r in records if key in r]
        values = [_plotted(r[key]) for r in records if key in r]
        axis.plot(epochs, values, marker="o", markersize=3, linewidth=1.2)
        axis.set_title(key, fontsize=10)
        axis.set_xlabel("epoch", fontsize=8)
        axis.xaxis.set_major_locator(MaxNLocator(integer=True))
        axis.tick_params(labelsize=8)
        axis.grid(alpha=0.3)
    for axis in axes[len(keys):]:
        axis.set_axis_off()
    if not keys:
        axes[0].text(0.5, 0.5, "nothing logged yet", ha="center")
    if title:
        figure.suptitle(title, fontsize=11)
    tmp = f"{path}.tmp"
    figure.savefig(tmp, format="png")
    os.replace(tmp, path)
    return path


def logged_keys(records):
    """The keys of `records` but `epoch`: losses first, each group in the
    order the keys were first logged."""
    keys = {}
    for record in records:
        keys.update(dict.fromkeys(k for k in record if k != "epoch"))
    return sorted(keys, key=lambda key: not key.endswith("loss"))


def _numbers(logs):
    """The scalar entries of `logs` as floats (`None` when not finite)."""
    numbers = {}
    for key, value in (logs or {}).items():
        try:
            number = float(value)
        except (TypeError, ValueError):
            continue  # not a scalar: nothing to draw
        numbers[key] = number if math.isfinite(number) else None
    return numbers


def _plotted(value):
    # A gap in the line where the value was not finite.
    return math.nan if value is None else value
