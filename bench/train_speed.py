"""DCGAN training throughput: keras_gans vs plain Keras vs plain PyTorch.

Times `keras_gans.DCGAN.from_preset(PRESET, latent_dim=100)` under `fit()`
on the active Keras backend and, in the same process on the same data,
(a) a plain Keras GAN with the same networks and the keras.io `train_step`
idiom of the backend (TF `GradientTape`, torch `backward()`, JAX stateless
step), also under `fit()`, and (b) the same DCGAN in eager PyTorch (if
importable). Each step: a D update on a real and a detached fake batch, then
a G update on fresh latents. Input: a repeated in-memory `tf.data` pipeline
of random images in [-1, 1]. After untimed warm-up steps (tracing,
compilation), windows of `--steps` steps are timed round-robin, so load from
other processes hits all three alike; the median images/s of each is
reported, and every ratio is the median over rounds of the two windows'
ratio in that round (paired, so steadier under drifting load). See
README.md.

`--variant KEY=VALUE[,KEY=VALUE]` (repeatable) adds a keras_gans model
compiled or built differently to the same round-robin, e.g.
`--variant jit_compile=true --variant steps_per_execution=4
--variant dtype_policy=mixed_bfloat16`; each prints
`speedup[<variant>]=<x>`, its images/s over the default keras_gans model's.
`--threads N` limits every implementation to N CPU threads.

The last three lines printed are `images_per_sec=<x>`,
`ratio_vs_plain_keras=<x>` and `ratio_vs_torch=<x>` (nan without torch).
"""

import argparse
import json
import math
import os
import statistics
import sys
import time

PRESETS = ("mnist_28", "radford_64")
DEFAULT_STEPS = {"mnist_28": 20, "radford_64": 3}  # ~1-3 s per window
LATENT_DIM = 100
LEARNING_RATE, BETA_1 = 2e-4, 0.5
SEED = 1337
TRAIN = {"training": True}
HEADER = ("backend", "preset", "batch_size", "cpu_count", "threads",
          "jit_compile", "windows", "steps_per_window")  # fmt: skip


VARIANT_KEYS = {
    "jit_compile": lambda v: {"true": True, "false": False}[v.lower()],
    "steps_per_execution": int,
    "dtype_policy": lambda v: {
        p: p for p in ("float32", "mixed_float16", "mixed_bfloat16")
    }[v],
}


def parse_variant(text):
    """`"jit_compile=true,steps_per_execution=4"` -> `(text, {key: value})`."""
    options = {}
    for item in text.split(","):
        key, _, value = item.partition("=")
        try:
            options[key] = VARIANT_KEYS[key](value)
        except (KeyError, ValueError):
            raise argparse.ArgumentTypeError(
                f"expected KEY=VALUE pairs with KEY in {sorted(VARIANT_KEYS)}"
                f" (jit_compile=true|false, steps_per_execution=N, "
                f"dtype_policy=float32|mixed_float16|mixed_bfloat16). "
                f"Received: {text!r}"
            ) from None
    return text, options


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("tensorflow", "jax", "torch"))
    parser.add_argument("--preset", choices=PRESETS, default="mnist_28")
    parser.add_argument("--steps", type=int, help="steps per timed window")
    parser.add_argument("--windows", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="smoke test")
    parser.add_argument("--no-torch", action="store_true")
    parser.add_argument("--json", help="write the results to this file")
    parser.add_argument(
        "--threads",
        type=int,
        help="CPU threads of every implementation (TensorFlow intra/inter "
        "op, XLA, torch); default: each library's own. 1 gives comparable "
        "numbers on a machine shared with other jobs",
    )
    parser.add_argument(
        "--variant",
        action="append",
        default=[],
        type=parse_variant,
        help="extra keras_gans configuration to time, e.g. jit_compile=true,"
        " steps_per_execution=4 or dtype_policy=mixed_bfloat16 (repeatable)",
    )
    args = parser.parse_args(argv)
    args.batch_size, args.warmup_steps = (16, 1) if args.quick else (64, 3)
    if args.quick:
        args.steps, args.windows = 2, 1
    args.steps = args.steps or DEFAULT_STEPS[args.preset]
    if min(args.steps, args.windows) < 1:
        parser.error("--steps and --windows must be positive")
    return args


def limit_threads_before_import(threads):
    """XLA reads its CPU thread settings when JAX starts."""
    if threads:
        os.environ["XLA_FLAGS"] = (
            os.environ.get("XLA_FLAGS", "")
            + " --xla_cpu_multi_thread_eigen=false"
            + f" intra_op_parallelism_threads={threads}"
        )


def limit_threads(threads):
    """TensorFlow's and torch's thread pools (before they run any op)."""
    if not threads:
        return
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(threads)
    try:
        import torch
    except ImportError:
        return
    torch.set_num_threads(threads)


if __name__ == "__main__":
    # Keras reads KERAS_BACKEND once, at import: set it before importing.
    _args = parse_args()
    if _args.backend:
        os.environ["KERAS_BACKEND"] = _args.backend
    limit_threads_before_import(_args.threads)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(
        __file__))))  # fmt: skip

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import ops  # noqa: E402

import keras_gans  # noqa: E402
from keras_gans.models.dcgan import DCGANDiscriminator  # noqa: E402
from keras_gans.models.dcgan import DCGANGenerator  # noqa: E402


def random_data(image_shape, batch_size, count=8):
    """Noise batches in [-1, 1] (speed is value-blind) and a repeated,
    in-memory `tf.data` pipeline of them."""
    import tensorflow as tf

    shape = (count, batch_size) + tuple(image_shape)
    batches = np.random.default_rng(SEED).uniform(-1, 1, shape)
    batches = batches.astype("float32")
    dataset = tf.data.Dataset.from_tensor_slices(batches).repeat().prefetch(4)
    return batches, dataset


class PlainGAN(keras.Model):
    """keras.io's "DCGAN by overriding train_step", one step per backend."""

    def __init__(self, generator, discriminator):
        super().__init__()
        self.generator, self.discriminator = generator, discriminator
        self.seed_generator = keras.random.SeedGenerator(SEED)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.bce = keras.losses.BinaryCrossentropy(from_logits=True)

    def compile(self):
        self.d_optimizer, self.g_optimizer = (
            keras.optimizers.Adam(LEARNING_RATE, beta_1=BETA_1) for _ in "dg"
        )
        d_ids = {id(v) for v in self.discriminator.trainable_variables}
        # JAX's state only carries `model.optimizer.variables`.
        multi = keras.optimizers.MultiOptimizer(
            lambda v: self.d_optimizer if id(v) in d_ids else self.g_optimizer
        )
        super().compile(optimizer=multi)
        multi.build(self.trainable_variables)

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    def call(self, z, training=False):
        return self.generator(z, training=training)

    def latents(self, n):
        return keras.random.normal((n, LATENT_DIM), seed=self.seed_generator)

    def d_loss(self, real_logits, fake_logits):
        real_loss = self.bce(ops.ones_like(real_logits), real_logits)
        return real_loss + self.bce(ops.zeros_like(fake_logits), fake_logits)

    def g_loss(self, fake_logits):
        return self.bce(ops.ones_like(fake_logits), fake_logits)

    def logs(self, d_loss, g_loss):
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {m.name: m.result() for m in self.metrics}

    def train_step(self, *args):
        return getattr(self, f"{keras.backend.backend()}_step")(*args)

    def tensorflow_step(self, real):
        import tensorflow as tf

        G, D, n = self.generator, self.discriminator, ops.shape(real)[0]
        fakes = ops.stop_gradient(G(self.latents(n), training=True))
        with tf.GradientTape() as tape:
            real_logits = D(real, training=True)
            d_loss = self.d_loss(real_logits, D(fakes, training=True))
        grads = tape.gradient(d_loss, D.trainable_weights)
        self.d_optimizer.apply_gradients(zip(grads, D.trainable_weights))
        z = self.latents(n)
        with tf.GradientTape() as tape:
            g_loss = self.g_loss(D(G(z, training=True), training=True))
        grads = tape.gradient(g_loss, G.trainable_weights)
        self.g_optimizer.apply_gradients(zip(grads, G.trainable_weights))
        return self.logs(d_loss, g_loss)

    def torch_step(self, real):
        import torch

        def update(loss, network, optimizer):
            self.zero_grad()
            loss.backward()
            weights = network.trainable_weights
            with torch.no_grad():
                optimizer.apply([v.value.grad for v in weights], weights)

        G, D = self.generator, self.discriminator
        real = ops.convert_to_tensor(real)
        fakes = G(self.latents(real.shape[0]), training=True).detach()
        real_logits = D(real, training=True)
        d_loss = self.d_loss(real_logits, D(fakes, training=True))
        update(d_loss, D, self.d_optimizer)
        fakes = G(self.latents(real.shape[0]), training=True)
        g_loss = self.g_loss(D(fakes, training=True))
        update(g_loss, G, self.g_optimizer)
        return self.logs(d_loss.detach(), g_loss.detach())

    def jax_step(self, state, real):
        import jax

        G, D, n = self.generator, self.discriminator, real.shape[0]
        seed_state = self.seed_generator.state
        parts = [  # model-wide variable list -> the parts the step uses
            (self.trainable_variables,
             [G.trainable_variables, D.trainable_variables]),
            (self.non_trainable_variables,
             [G.non_trainable_variables, D.non_trainable_variables,
              [seed_state]]),
            (self.optimizer.variables,
             [self.g_optimizer.variables, self.d_optimizer.variables]),
        ]  # fmt: skip
        (g_tv, d_tv), (g_ntv, d_ntv, (seed,)), (g_opt, d_opt) = (
            [_pick(group, variables, values) for group in groups]
            for (variables, groups), values in zip(parts, state)
        )

        def latents(seed):
            with keras.StatelessScope(state_mapping=[(seed_state, seed)]) as s:
                return self.latents(n), s.get_current_value(seed_state)

        def d_loss_fn(d_tv, d_ntv, g_ntv, seed):
            z, seed = latents(seed)
            fakes, g_ntv = G.stateless_call(g_tv, g_ntv, z, **TRAIN)
            fakes = jax.lax.stop_gradient(fakes)
            real_logits, d_ntv = D.stateless_call(d_tv, d_ntv, real, **TRAIN)
            fake_logits, d_ntv = D.stateless_call(d_tv, d_ntv, fakes, **TRAIN)
            loss = self.d_loss(real_logits, fake_logits)
            return loss, (d_ntv, g_ntv, seed)

        def g_loss_fn(g_tv, d_ntv, g_ntv, seed):
            z, seed = latents(seed)
            fakes, g_ntv = G.stateless_call(g_tv, g_ntv, z, **TRAIN)
            fake_logits, d_ntv = D.stateless_call(d_tv, d_ntv, fakes, **TRAIN)
            return self.g_loss(fake_logits), (d_ntv, g_ntv, seed)

        grad_fn = jax.value_and_grad(d_loss_fn, has_aux=True)
        (d_loss, aux), grads = grad_fn(d_tv, d_ntv, g_ntv, seed)
        d_tv, d_opt = self.d_optimizer.stateless_apply(d_opt, grads, d_tv)
        grad_fn = jax.value_and_grad(g_loss_fn, has_aux=True)
        (g_loss, aux), grads = grad_fn(g_tv, *aux)
        g_tv, g_opt = self.g_optimizer.stateless_apply(g_opt, grads, g_tv)
        d_ntv, g_ntv, seed = aux

        logs, metric_values = {}, []
        for metric, value in zip(self.metrics, (d_loss, g_loss)):
            start = len(metric_values)
            own = state[3][start : start + len(metric.variables)]
            own = metric.stateless_update_state(own, value)
            logs[metric.name] = metric.stateless_result(own)
            metric_values += own
        new = [[g_tv, d_tv], [g_ntv, d_ntv, [seed]], [g_opt, d_opt]]
        state = [
            _replace(variables, values, zip(groups, updated))
            for (variables, groups), values, updated in zip(parts, state, new)
        ]
        return logs, (*state, metric_values)


def _pick(group, variables, values):
    """The values of `group` out of `values` (aligned with `variables`)."""
    index = {id(v): i for i, v in enumerate(variables)}
    return [values[index[id(v)]] for v in group]


def _replace(variables, values, updates):
    """`values` with `(group, new_values)` updates applied by identity."""
    new = {id(v): x for group, xs in updates for v, x in zip(group, xs)}
    return [new.get(id(v), x) for v, x in zip(variables, values)]


def build_plain_gan(preset):
    p = keras_gans.DCGAN.presets[preset]
    shape, k = p["image_shape"], p["kernel_size"]
    model = PlainGAN(
        DCGANGenerator(
            LATENT_DIM,
            shape,
            filters=p["g_filters"],
            upsampling="transpose",
            kernel_size=k,
            name="generator",
        ),
        DCGANDiscriminator(
            shape, filters=p["d_filters"], kernel_size=k, name="discriminator"
        ),
    )
    model.build((None, LATENT_DIM))
    model.compile()
    return model


def build_torch_networks(torch, preset):
    """The preset's G and D in torch.nn, NCHW (k=4, s=2, p=1 == "same")."""
    nn = torch.nn
    p = keras_gans.DCGAN.presets[preset]
    (height, width, channels), k = p["image_shape"], p["kernel_size"]
    g_f, d_f, pad = p["g_filters"], p["d_filters"], (p["kernel_size"] - 2) // 2
    h0, w0 = height // 2 ** len(g_f), width // 2 ** len(g_f)
    g = [nn.Linear(LATENT_DIM, h0 * w0 * g_f[0], bias=False),
         nn.Unflatten(1, (g_f[0], h0, w0)), nn.BatchNorm2d(g_f[0]), nn.ReLU()]
    for c_in, c_out in zip(g_f, g_f[1:]):
        g.append(nn.ConvTranspose2d(c_in, c_out, k, 2, pad, bias=False))
        g += [nn.BatchNorm2d(c_out), nn.ReLU()]
    g += [nn.ConvTranspose2d(g_f[-1], channels, k, 2, pad), nn.Tanh()]
    d, c_in = [], channels
    for i, c_out in enumerate(d_f):
        d.append(nn.Conv2d(c_in, c_out, k, 2, pad, bias=i == 0))
        d += [nn.BatchNorm2d(c_out)] if i > 0 else []
        d.append(nn.LeakyReLU(0.2))
        c_in = c_out
    cells = (height // 2 ** len(d_f)) * (width // 2 ** len(d_f))
    d += [nn.Flatten(), nn.Linear(cells * c_in, 1)]
    return nn.Sequential(*g), nn.Sequential(*d)


def torch_window_fn(torch, preset, batches):
    """Returns `window(steps)`, training the PyTorch DCGAN example's loop."""
    torch.manual_seed(SEED)
    G, D = build_torch_networks(torch, preset)
    betas = (BETA_1, 0.999)
    g_opt = torch.optim.Adam(G.parameters(), lr=LEARNING_RATE, betas=betas)
    d_opt = torch.optim.Adam(D.parameters(), lr=LEARNING_RATE, betas=betas)
    bce = torch.nn.BCEWithLogitsLoss()
    reals = [torch.from_numpy(b.transpose(0, 3, 1, 2).copy()) for b in batches]
    n = batches.shape[1]
    ones, zeros = torch.ones(n, 1), torch.zeros(n, 1)

    def step(real):
        D.zero_grad()
        fakes = G(torch.randn(n, LATENT_DIM)).detach()
        d_loss = bce(D(real), ones) + bce(D(fakes), zeros)
        d_loss.backward()
        d_opt.step()
        G.zero_grad()
        g_loss = bce(D(G(torch.randn(n, LATENT_DIM))), ones)
        g_loss.backward()
        g_opt.step()

    def window(steps):
        for i in range(steps):
            step(reals[i % len(reals)])  # CPU torch is synchronous

    return window


class EpochTimer(keras.callbacks.Callback):
    """Times one `fit()` epoch (no batch hooks: they would sync JAX)."""

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        for value in (logs or {}).values():
            float(np.asarray(value))  # waits for asynchronously run steps
        self.seconds = time.perf_counter() - self.start


def fit_window_fn(model, dataset):
    """`window(steps)`: one `fit()` epoch (the train function is cached)."""

    def window(steps):
        timer = EpochTimer()
        model.fit(dataset, epochs=1, steps_per_epoch=steps, verbose=0,
                  callbacks=[timer], shuffle=False)  # fmt: skip
        return timer.seconds

    return window


def measure(windows, args):
    """Warm-up, then round-robin windows: name -> [(images/s, CPU ms/step)]."""
    for window in windows.values():
        window(args.warmup_steps)
    results = {name: [] for name in windows}
    for _ in range(args.windows):
        for name, window in windows.items():
            start, cpu = time.perf_counter(), time.process_time()
            wall = window(args.steps) or time.perf_counter() - start
            cpu_ms = 1000 * (time.process_time() - cpu) / args.steps
            results[name].append((args.steps * args.batch_size / wall, cpu_ms))
    return results


def build_variant(preset, options):
    """A keras_gans DCGAN built under `dtype_policy` and compiled with the
    other options of a `--variant`."""
    options = dict(options)
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(options.pop("dtype_policy", "float32"))
    try:
        model = keras_gans.DCGAN.from_preset(
            preset, latent_dim=LATENT_DIM, seed=SEED
        )
    finally:
        keras.config.set_dtype_policy(previous)
    model.compile(**options)
    return model


def paired_ratio(results, name, other):
    """Median over rounds of `name`'s images/s over `other`'s in that round.

    Windows run round-robin, so the two windows of one round saw about the
    same load from other processes: their ratio is far steadier than the
    ratio of the two medians when the load drifts during a run.
    """
    if other not in results:
        return math.nan
    return statistics.median(
        mine[0] / theirs[0]
        for mine, theirs in zip(results[name], results[other])
    )


def summarise(args, results, model):
    median = {
        name: statistics.median(rate for rate, _ in runs)
        for name, runs in results.items()
    }
    ours = median["keras_gans"]
    speedups = {
        name[len("keras_gans[") : -1]: paired_ratio(
            results, name, "keras_gans"
        )
        for name in results
        if name.startswith("keras_gans[")
    }
    return {
        "backend": keras.backend.backend(),
        "preset": args.preset,
        "batch_size": args.batch_size,
        "steps_per_window": args.steps,
        "windows": args.windows,
        "cpu_count": os.cpu_count(),
        "threads": args.threads,
        "jit_compile": model.jit_compile,
        "images_per_sec_median": median,
        "per_window": results,  # [images/s, process CPU ms/step]
        "images_per_sec": ours,
        "speedup": speedups,
        "ratio_vs_plain_keras": paired_ratio(
            results, "keras_gans", "plain_keras"
        ),
        "ratio_vs_torch": paired_ratio(results, "keras_gans", "torch"),
    }


def print_report(summary):
    print(" ".join(f"{key}={summary[key]}" for key in HEADER))
    width = max(len(name) for name in summary["per_window"])
    for name, runs in summary["per_window"].items():
        median = summary["images_per_sec_median"][name]
        cpu = statistics.median(cpu for _, cpu in runs)
        rates = " ".join(f"{rate:.0f}" for rate, _ in runs)
        print(f"  {name:<{width}} {median:7.1f} images/s  [{rates}]  "
              f"CPU {cpu:.0f} ms/step")  # fmt: skip
    for variant, speedup in summary["speedup"].items():
        print(f"speedup[{variant}]={speedup:.4f}")
    print(f"images_per_sec={summary['images_per_sec']:.2f}")
    print(f"ratio_vs_plain_keras={summary['ratio_vs_plain_keras']:.4f}")
    print(f"ratio_vs_torch={summary['ratio_vs_torch']:.4f}")


def main(argv=None):
    args = parse_args(argv)
    limit_threads(args.threads)
    keras.utils.set_random_seed(SEED)
    shape = keras_gans.DCGAN.presets[args.preset]["image_shape"]
    batches, dataset = random_data(shape, args.batch_size)
    model = keras_gans.DCGAN.from_preset(
        args.preset, latent_dim=LATENT_DIM, seed=SEED
    )
    model.compile()  # jit_compile="auto", Adam(2e-4, 0.5), non-saturating BCE
    windows = {
        "keras_gans": fit_window_fn(model, dataset),
        "plain_keras": fit_window_fn(build_plain_gan(args.preset), dataset),
    }
    for text, options in args.variant:
        variant = build_variant(args.preset, options)
        windows[f"keras_gans[{text}]"] = fit_window_fn(variant, dataset)
    try:
        import torch

        if not args.no_torch:
            windows["torch"] = torch_window_fn(torch, args.preset, batches)
    except ImportError:
        pass
    summary = summarise(args, measure(windows, args), model)
    if args.json:
        with open(args.json, "w") as f:  # NaN (no torch) -> null
            text = json.dumps(summary, indent=2).replace("NaN", "null")
            f.write(text + "\n")
    print_report(summary)
    return summary


if __name__ == "__main__":
    main()
