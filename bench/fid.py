"""Measures a generator artifact: `keras-gans eval` as a script.

    python bench/fid.py ARTIFACT --dataset mnist-idx \\
        --data-dir ../shared/data/mnist [--n 10000] [--extractor classifier]

Prints one JSON line (fid, kid, precision, recall, inception_score, ...);
see `keras-gans eval -h` and `keras_gans.metrics.evaluation`.
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

if __name__ == "__main__":
    from keras_gans.cli import main

    sys.exit(main(["eval", *sys.argv[1:]]))
