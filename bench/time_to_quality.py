"""Time to quality: minutes of DCGAN recipe training until FID <= target.

    python bench/time_to_quality.py --data-dir ../shared/data/mnist
    python bench/time_to_quality.py --target 20 --every 2 --json ttq.json

Trains the DCGAN recipe's model with the recipe's defaults for the dataset
(mnist-idx: lr 4e-4, EMA 0.999, batch 64, 16 epochs), on the recipe's data
pipeline, and scores it with `keras_gans.callbacks.FID` after every
`--every` epochs under the protocol of `keras-gans eval` (classifier
features, `--n` samples from the EMA generator against the whole training
split). Only training time is counted: the clock stops during the FID
evaluations. Prints one line per evaluation, then machine readable lines:
`minutes_to_target=` (training minutes at the first evaluation at or
below the target; `none` if never) and `final_fid=`.
"""

import argparse
import json
import sys
import time


class TrainingClock:
    """Accumulates the wall time spent inside epochs, not between them.

    List it before the metric callbacks: its `on_epoch_end` runs first, so
    their evaluations fall outside the timed spans.
    """

    def __init__(self):
        import keras

        self.callback = keras.callbacks.LambdaCallback(
            on_epoch_begin=self._begin, on_epoch_end=self._end
        )
        self.seconds = 0.0
        self._start = None

    def _begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def _end(self, epoch, logs=None):
        self.seconds += time.perf_counter() - self._start


def recipe_args(dataset, data_dir, epochs):
    """The DCGAN recipe's resolved flags for `dataset`."""
    from keras_gans.recipes import dcgan

    argv = ["--dataset", dataset, "--data-dir", data_dir]
    if epochs is not None:
        argv += ["--epochs", str(epochs)]
    return dcgan.RECIPE.parse_args(argv)


def time_to_target(rows, target):
    """`(train_minutes, generator_steps)` of the first evaluation with
    `fid <= target`, or `(None, None)`."""
    for row in rows:
        if row["fid"] <= target:
            return row["train_minutes"], row["generator_steps"]
    return None, None


def measure(args):
    import keras

    from keras_gans import callbacks
    from keras_gans import data
    from keras_gans.metrics import ClassifierFeatureExtractor
    from keras_gans.recipes import dcgan

    recipe = recipe_args(args.dataset, args.data_dir, args.epochs)
    keras.utils.set_random_seed(recipe.seed)
    if args.extractor:
        extractor = ClassifierFeatureExtractor.load(args.extractor)
    else:
        extractor = ClassifierFeatureExtractor.for_dataset(
            recipe.dataset, data_dir=recipe.data_dir,
            image_shape=recipe.image_shape,
        )
    real = data.load_arrays(
        recipe.dataset, data_dir=recipe.data_dir, image_shape=recipe.image_shape
    )
    gan = dcgan.build_model(recipe)
    dataset = data.load(
        recipe.dataset,
        batch_size=recipe.batch_size,
        data_dir=recipe.data_dir,
        image_shape=recipe.image_shape,
        seed=recipe.seed,
        epochs=recipe.epochs,
    )
    clock = TrainingClock()
    fid = callbacks.FID(
        real.astype("float32") / 127.5 - 1.0,
        extractor,
        n=args.n,
        every=args.every,
        seed=0,
        verbose=0,
    )
    rows = []

    def report(epoch, logs=None):
        if "fid" not in (logs or {}):
            return
        row = {
            "epoch": epoch + 1,
            "generator_steps": int(
                keras.ops.convert_to_numpy(gan.g_optimizer.iterations)
            ),
            "train_minutes": round(clock.seconds / 60, 2),
            "fid": round(float(logs["fid"]), 2),
        }
        rows.append(row)
        print(json.dumps(row), flush=True)

    gan.fit(
        dataset,
        epochs=recipe.epochs,
        steps_per_epoch=len(dataset) // recipe.epochs,
        callbacks=[
            clock.callback,
            fid,
            keras.callbacks.LambdaCallback(on_epoch_end=report),
        ],
        verbose=0,
    )
    minutes, steps = time_to_target(rows, args.target)
    return {
        "dataset": recipe.dataset,
        "backend": keras.backend.backend(),
        "target": args.target,
        "n": args.n,
        "evaluations": rows,
        "minutes_to_target": minutes,
        "steps_to_target": steps,
        "final_fid": rows[-1]["fid"] if rows else None,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", default="mnist-idx")
    parser.add_argument("--data-dir", default="../shared/data/mnist")
    parser.add_argument("--target", type=float, default=15.0)
    parser.add_argument(
        "--epochs", type=int, default=None, help="default: the recipe's"
    )
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--every", type=int, default=1)
    parser.add_argument("--json", default=None, help="also write the result")
    parser.add_argument(
        "--extractor",
        default=None,
        help="a saved ClassifierFeatureExtractor .keras file (default: the "
        "dataset's, trained once and cached)",
    )
    args = parser.parse_args(argv)
    result = measure(args)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2)
    minutes = result["minutes_to_target"]
    print(f"minutes_to_target={'none' if minutes is None else minutes}")
    print(f"final_fid={result['final_fid']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
