"""SRGAN training throughput per stage, on the active Keras backend.

Builds the `srgan` recipe's model with its default flags (or the flags
given after `--`), then times `fit()` on a repeated in-memory batch of
random (LR, HR) patches: `--steps` steps of the pre-training stage, then
of the game, each after untimed warm-up steps (tracing, compilation).
Prints one JSON line: images/s of each stage, the backend, the network.

```
KERAS_BACKEND=jax python bench/srgan_speed.py --steps 30
python bench/srgan_speed.py -- --filters 64 --num-blocks 16
```
"""

import argparse
import json
import os
import sys
import time

WARMUP_STEPS = 3


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("recipe_flags", nargs="*")
    args = parser.parse_args(argv)

    import keras
    import numpy as np
    import tensorflow as tf

    from keras_gans.recipes import srgan

    flags = srgan.RECIPE.parse_args(args.recipe_flags)
    steps_per_epoch = 1
    flags.pretrain_steps, flags.gan_steps = 10**6, 10**6
    model = srgan.build_model(flags, steps_per_epoch)
    rng = np.random.default_rng(0)
    side = flags.patch_size
    hr = rng.uniform(-1, 1, (flags.batch_size, side, side, 3))
    lr = hr[:, :: flags.scale, :: flags.scale]
    data = tf.data.Dataset.from_tensors(
        (lr.astype("float32"), hr.astype("float32"))
    ).repeat()
    result = {
        "backend": keras.backend.backend(),
        "batch_size": flags.batch_size,
        "patch_size": side,
        "generator": f"{flags.num_blocks} blocks x {flags.filters}",
        "cpu_count": os.cpu_count(),
    }
    for stage in ("pretrain", "gan"):
        if stage == "gan":
            model.enter_stage(1)
        model.fit(data, epochs=1, steps_per_epoch=WARMUP_STEPS, verbose=0)
        start = time.perf_counter()
        model.fit(data, epochs=1, steps_per_epoch=args.steps, verbose=0)
        seconds = time.perf_counter() - start
        result[f"{stage}_seconds"] = round(seconds, 2)
        result[f"{stage}_steps_done"] = int(keras.ops.convert_to_numpy(model.stage_step))
        result[f"{stage}_images_per_sec"] = round(
            args.steps * flags.batch_size / seconds, 1
        )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
