"""Time to quality: minutes of latent recipe training until FID <= target.

    python bench/time_to_quality.py --data-dir ../shared/data/mnist
    python bench/time_to_quality.py --target 45 --every 2 --json ttq.json
    python bench/time_to_quality.py --every 2 --grid last.png \
        --seed 1 --batch-size 64 --g-filters 256,128 --latent-classes 0
    python bench/time_to_quality.py --recipe sngan --every 4 --d-lr 4e-4

Trains the model of a latent recipe (`--recipe`, the DCGAN recipe by
default) on the recipe's data pipeline, with the recipe's defaults for the
dataset, changed by any of that recipe's flags given after this script's
own (`--seed`, `--batch-size`, `--g-filters`, `--latent-classes`,
`--ema-half-life`, `--epochs`, ...: see `keras-gans train RECIPE --help`). After every `--every` epochs it scores the EMA
generator under the protocol of `keras-gans eval`
(`keras_gans.metrics.evaluate_images`: the dataset's classifier features,
`--n` samples against the whole real split): FID, recognisability and the
smallest and largest class share. Only training time is counted: the
clock stops during the evaluations. Prints one JSON line per evaluation,
then machine readable lines: `minutes_to_target=` (training minutes at the
first evaluation at or below the target; `none` if never) and
`final_fid=`. This is the harness the recipe defaults were tuned with:
compare settings on the same machine in one sitting, over several seeds.
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


def recipe_runner(name):
    """The `RecipeRunner` of the latent recipe `name` (`"dcgan"`)."""
    import importlib

    from keras_gans.recipes.latent_kind import LatentKind

    try:
        runner = importlib.import_module(f"keras_gans.recipes.{name}").RECIPE
    except ModuleNotFoundError:
        runner = None
    if runner is None or not isinstance(runner.kind, LatentKind):
        raise ValueError(
            "`--recipe` must name a latent recipe (dcgan, gan, wgan, "
            f"wgan_gp, lsgan, sngan, sagan, ...). Received: {name!r}"
        )
    return runner


def recipe_args(dataset, data_dir, recipe_flags=(), recipe="dcgan"):
    """The resolved flags of `recipe` for `dataset`, changed by
    `recipe_flags` (that recipe's command-line flags)."""
    argv = ["--dataset", dataset]
    if data_dir:
        argv += ["--data-dir", data_dir]
    return recipe_runner(recipe).parse_args(argv + list(recipe_flags))


def time_to_target(rows, target):
    """`(train_minutes, generator_steps)` of the first evaluation with
    `fid <= target`, or `(None, None)`."""
    for row in rows:
        if row["fid"] <= target:
            return row["train_minutes"], row["generator_steps"]
    return None, None


def measure(args):
    import keras

    from keras_gans import data
    from keras_gans.metrics import ClassifierFeatureExtractor
    from keras_gans.metrics.evaluation import evaluate_images
    runner = recipe_runner(args.recipe)
    recipe = recipe_args(
        args.dataset, args.data_dir, args.recipe_flags, args.recipe
    )
    keras.utils.set_random_seed(recipe.seed)
    if args.extractor:
        extractor = ClassifierFeatureExtractor.load(args.extractor)
    else:
        extractor = ClassifierFeatureExtractor.for_dataset(
            recipe.dataset, data_dir=recipe.data_dir,
            image_shape=recipe.image_shape,
        )
    gan = runner.build_model(recipe)
    dataset = data.load(
        recipe.dataset,
        batch_size=recipe.batch_size,
        data_dir=recipe.data_dir,
        image_shape=recipe.image_shape,
        seed=recipe.seed,
        epochs=recipe.epochs,
    )
    clock = TrainingClock()
    rows = []

    def evaluate(epoch, logs=None):
        if (epoch + 1) % args.every and epoch + 1 != recipe.epochs:
            return
        scores = evaluate_images(
            gan.generate(args.n, seed=0), recipe.dataset,
            data_dir=recipe.data_dir, extractor=extractor,
        )
        row = {
            "epoch": epoch + 1,
            "generator_steps": int(
                keras.ops.convert_to_numpy(gan.g_optimizer.iterations)
            ),
            "train_minutes": round(clock.seconds / 60, 2),
            "fid": round(float(scores["fid"]), 2),
            "recognisability": scores.get("recognisability"),
            "min_class_share": scores.get("min_class_share"),
            "max_class_share": scores.get("max_class_share"),
        }
        rows.append(row)
        print(json.dumps(row), flush=True)

    gan.fit(
        dataset,
        epochs=recipe.epochs,
        steps_per_epoch=len(dataset) // recipe.epochs,
        callbacks=[
            clock.callback,
            keras.callbacks.LambdaCallback(on_epoch_end=evaluate),
        ],
        verbose=0,
    )
    if args.grid:
        from keras_gans.utils.images import save_grid

        save_grid(gan.generate(64, seed=0), args.grid)
    minutes, steps = time_to_target(rows, args.target)
    return {
        "recipe": args.recipe,
        "dataset": recipe.dataset,
        "backend": keras.backend.backend(),
        "recipe_flags": list(args.recipe_flags),
        "seed": recipe.seed,
        "target": args.target,
        "n": args.n,
        "evaluations": rows,
        "minutes_to_target": minutes,
        "steps_to_target": steps,
        "final_fid": rows[-1]["fid"] if rows else None,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--recipe", default="dcgan", help="a latent recipe: dcgan, sngan, ..."
    )
    parser.add_argument("--dataset", default="mnist-idx")
    parser.add_argument("--data-dir", default="../shared/data/mnist")
    parser.add_argument("--target", type=float, default=45.0)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument(
        "--every", type=int, default=1,
        help="evaluate after every this many epochs (and after the last)",
    )
    parser.add_argument("--grid", default=None, help="save 64 final samples")
    parser.add_argument("--json", default=None, help="also write the result")
    parser.add_argument(
        "--extractor",
        default=None,
        help="a saved ClassifierFeatureExtractor .keras file (default: the "
        "dataset's, trained once and cached)",
    )
    # Everything else is the recipe's own flags.
    args, args.recipe_flags = parser.parse_known_args(argv)
    if args.every < 1:
        parser.error(f"--every must be >= 1. Received: {args.every}")
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
