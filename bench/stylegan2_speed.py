"""StyleGAN2 training throughput, on the active Keras backend.

Builds the `stylegan2` recipe's model with its `mnist-idx` defaults (or
with the recipe flags given after `--`), then times `fit()` on a repeated
in-memory batch of random images: `--steps` steps after untimed warm-up
steps that run every lazy phase once (R1 every 16 D steps, path length,
mode seeking), so tracing and compilation are not timed. Prints one JSON
line: images/s, ms per step, the backend and the run's settings.

```
KERAS_BACKEND=jax python bench/stylegan2_speed.py --steps 48
python bench/stylegan2_speed.py -- --dataset mnist-idx --mode-seeking 0
```
"""

import argparse
import json
import os
import sys
import time


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=48)
    parser.add_argument("--warmup", type=int, default=34)
    parser.add_argument("recipe_flags", nargs="*")
    args = parser.parse_args(argv)

    import keras
    import numpy as np
    import tensorflow as tf

    from keras_gans.recipes import stylegan2

    recipe_flags = args.recipe_flags or ["--dataset", "mnist-idx"]
    if "--image-shape" not in recipe_flags:
        recipe_flags += ["--image-shape", "28,28,1"]
    flags = stylegan2.RECIPE.parse_args(recipe_flags)
    model = stylegan2.build_model(flags)
    images = np.random.default_rng(0).uniform(
        -1, 1, (flags.batch_size,) + tuple(flags.image_shape)
    )
    data = tf.data.Dataset.from_tensors(images.astype("float32")).repeat()
    model.fit(data, epochs=1, steps_per_epoch=args.warmup, verbose=0)
    start = time.perf_counter()
    model.fit(data, epochs=1, steps_per_epoch=args.steps, verbose=0)
    seconds = time.perf_counter() - start
    print(
        json.dumps(
            {
                "backend": keras.backend.backend(),
                "images_per_sec": round(args.steps * flags.batch_size / seconds, 1),
                "ms_per_step": round(1000 * seconds / args.steps, 1),
                "batch_size": flags.batch_size,
                "preset": flags.preset,
                "style_mixing": model.style_mixing,
                "g_penalties": [p.name for p in model.g_penalties],
                "d_penalties": [p.name for p in model.d_penalties],
                "cpu_count": os.cpu_count(),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
