"""Trains every recipe with its defaults, measures it, writes the results table.

    python bench/results_table.py                          # digits, all recipes
    python bench/results_table.py --datasets digits mnist-idx \\
        --data-dir mnist-idx=../shared/data/mnist
    python bench/results_table.py --recipes dcgan sngan --reuse

For each (recipe, dataset) pair it runs `keras-gans train RECIPE --dataset
D` with the recipe's defaults (export into `--work-dir`), then `keras-gans
eval` on the export under the README's protocol (the dataset's classifier
extractor, `--n` generated images against the whole training split), each
in a fresh process. `--reuse` skips training when the export already
exists. The table goes to stdout and, with `--markdown`/`--json`, to
files; `bench/RESULTS.md` is this script's output.
"""

import argparse
import json
import os
import subprocess
import sys
import time

COLUMNS = (
    ("recipe", "{}"),
    ("dataset", "{}"),
    ("steps", "{:,}"),
    ("train_minutes", "{:.1f}"),
    ("fid", "{:.2f}"),
    ("classes", "{}"),
    ("min_class_share", "{:.1%}"),
    ("max_class_share", "{:.1%}"),
    ("recognisability", "{:.3f}"),
    ("kid", "{:.4f}"),
    ("precision", "{:.3f}"),
    ("recall", "{:.3f}"),
    ("label_acc", "{:.3f}"),
    ("fid_real_vs_real", "{:.2f}"),
)


def known_recipes():
    """Every trainable recipe of `keras_gans.recipes`, sorted."""
    from keras_gans import cli

    return cli.known_variants()


def run_pair(recipe, dataset, data_dir, work_dir, n, reuse, backend):
    """Trains (unless reused) and evaluates one recipe on one dataset."""
    export = os.path.join(work_dir, f"{recipe}_{dataset}")
    card_path = os.path.join(export, "model_card.json")
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    if backend:
        env["KERAS_BACKEND"] = backend
    seconds = None
    if not (reuse and os.path.isfile(card_path)):
        command = [
            sys.executable, "-m", "keras_gans.cli", "train", recipe,
            "--dataset", dataset, "--out", export,
            "--run-dir", os.path.join(work_dir, "runs", f"{recipe}_{dataset}"),
            "--verbose", "0",
        ]
        if data_dir:
            command += ["--data-dir", data_dir]
        start = time.perf_counter()
        subprocess.run(command, env=env, check=True)
        seconds = time.perf_counter() - start
    command = [
        sys.executable, "-m", "keras_gans.cli", "eval", export,
        "--dataset", dataset, "--n", str(n),
    ]
    if data_dir:
        command += ["--data-dir", data_dir]
    completed = subprocess.run(
        command, env=env, check=True, stdout=subprocess.PIPE, text=True
    )
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    with open(card_path) as handle:
        card = json.load(handle)
    result.update(
        recipe=recipe,
        steps=card.get("steps"),
        epochs=card.get("epochs"),
        train_minutes=None if seconds is None else seconds / 60,
    )
    if result.get("class_counts"):
        result["classes"] = sum(count > 0 for count in result["class_counts"])
    return result


def markdown(rows):
    """The results as a Markdown table (missing values as '-')."""
    header = "| " + " | ".join(name for name, _ in COLUMNS) + " |"
    lines = [header, "|" + "---|" * len(COLUMNS)]
    for row in rows:
        cells = []
        for name, fmt in COLUMNS:
            value = row.get(name)
            cells.append("-" if value is None else fmt.format(value))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", nargs="+", default=["digits"])
    parser.add_argument(
        "--data-dir", action="append", default=[],
        help="DATASET=DIR, e.g. mnist-idx=../shared/data/mnist (repeatable)",
    )
    parser.add_argument(
        "--recipes", nargs="+", default=None, help="default: every recipe"
    )
    parser.add_argument("--work-dir", default="runs/results")
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--backend", default=None)
    parser.add_argument("--markdown", default=None, help="write the table")
    parser.add_argument("--json", default=None, help="write all results")
    args = parser.parse_args(argv)
    try:
        args.data_dir = dict(item.split("=", 1) for item in args.data_dir)
    except ValueError:
        parser.error(f"--data-dir must be DATASET=DIR. Received: {args.data_dir}")
    return args


def main(argv=None):
    args = parse_args(argv)
    recipes = args.recipes or known_recipes()
    rows = []
    for dataset in args.datasets:
        for recipe in recipes:
            print(f"== {recipe} on {dataset}", file=sys.stderr, flush=True)
            rows.append(run_pair(
                recipe, dataset, args.data_dir.get(dataset), args.work_dir,
                args.n, args.reuse, args.backend,
            ))
            print(markdown(rows[-1:]).splitlines()[-1], file=sys.stderr)
    table = markdown(rows)
    print(table)
    if args.markdown:
        with open(args.markdown, "w") as handle:
            handle.write(table + "\n")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(rows, handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
