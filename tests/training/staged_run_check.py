"""Child process of tests/training/test_stages.py's SIGKILL test.

    python -m tests.training.staged_run_check kill DIR
        Trains `staged_model.build_compiled()` through its stages with
        `fit_stages`, checkpointing every epoch into DIR/checkpoints, and
        SIGKILLs itself at the end of the first epoch of stage 1 ("grow"),
        after that epoch's checkpoint is written.

    python -m tests.training.staged_run_check resume DIR
        Restores the newest checkpoint, runs `fit_stages` to the end and
        writes DIR/resumed.json (where it resumed, the epochs it ran) and
        DIR/resumed.npz (`staged_model.state_of` the final model).

Runs on the backend of KERAS_BACKEND.
"""

import json
import os
import signal
import sys

import keras
import numpy as np

from keras_gans.callbacks import TrainingCheckpoint
from tests.training import staged_model

# The first epoch of stage 1: epochs 0-1 are stage 0's.
KILL_AT_EPOCH = staged_model.STAGE_EPOCHS[0]


def _int(value):
    return int(keras.ops.convert_to_numpy(value))


def _where(model):
    return {
        "stage": model.stage,
        "stage_name": model.stage_name,
        "stage_step": _int(model.stage_step),
        "step_counter": _int(model.step_counter),
    }


class KillAfterEpoch(keras.callbacks.Callback):
    """SIGKILLs this process at the end of epoch `epoch` (listed after the
    checkpoint callback, so that epoch's checkpoint is on disk)."""

    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if epoch == self.epoch:
            where = {"epoch": epoch, **_where(self.model)}
            print(f"KILLING {json.dumps(where)}", flush=True)
            os.kill(os.getpid(), signal.SIGKILL)


class EpochLog(keras.callbacks.Callback):
    """Records `(epoch, stage, stage_step)` at the start of every epoch."""

    def __init__(self):
        super().__init__()
        self.epochs = []

    def on_epoch_begin(self, epoch, logs=None):
        where = _where(self.model)
        self.epochs.append([epoch, where["stage"], where["stage_step"]])


def main(mode, directory):
    checkpoint = TrainingCheckpoint(
        os.path.join(directory, "checkpoints"), every=1, keep=2
    )
    fit_kwargs = {
        "steps_per_epoch": staged_model.STEPS_PER_EPOCH,
        "verbose": 0,
        "shuffle": False,
    }
    if mode == "kill":
        model = staged_model.build_compiled()
        model.fit_stages(
            staged_model.batches(),
            callbacks=[checkpoint, KillAfterEpoch(KILL_AT_EPOCH)],
            **fit_kwargs,
        )
        raise SystemExit("fit_stages ended without reaching the kill")
    if mode != "resume":
        raise SystemExit(f"unknown mode {mode!r}")
    model, epoch = checkpoint.restore()
    report = {
        "epoch": epoch,
        "restored": _where(model),
        "members": sorted(model.optimizer.members),
        "iterations": {
            name: _int(optimizer.iterations)
            for name, optimizer in model.optimizer.members.items()
        },
    }
    log = EpochLog()
    model.fit_stages(
        staged_model.batches(), callbacks=[checkpoint, log], **fit_kwargs
    )
    report["epochs"] = log.epochs
    report["final"] = _where(model)
    report["latest_checkpoint_epoch"] = checkpoint.latest()[1]
    np.savez(
        os.path.join(directory, "resumed.npz"), **staged_model.state_of(model)
    )
    with open(os.path.join(directory, "resumed.json"), "w") as f:
        json.dump(report, f)


if __name__ == "__main__":
    main(*sys.argv[1:])
