"""The command-line flags of the recipes, built by composition.

`build_parser` holds the flags every recipe shares (data, run length,
paths, backend, resume, export, logging, strategy, precision); a recipe
kind adds its own group (`add_latent_flags`; the translation flags live with
`TranslationKind`), and a recipe family or recipe adds the rest
(`add_optimizer_flags`, a recipe's `add_flags`). A flag a kind does not
use is never added, so `--help` lists only what the recipe reads.
"""

import argparse

from keras_gans.recipes.strategy import STRATEGIES

BACKENDS = ("tensorflow", "jax", "torch")


def build_parser(
    recipe,
    description,
    dataset_default="digits",
    dataset_help="'digits' (bundled, default), 'mnist-idx', 'folder' or a "
    "tensorflow-datasets name",
    data_dir_help="files of mnist-idx / folder data",
):
    """The flags shared by every recipe.

    Args:
        recipe: recipe name (`"dcgan"`), used in default paths.
        description: one-paragraph help text.
        dataset_default: the `--dataset` default.
        dataset_help: what `--dataset` accepts (the recipe kind's sources).
        data_dir_help: what `--data-dir` holds.

    Returns:
        An `argparse.ArgumentParser`; kinds and recipes add their flags.
    """
    parser = argparse.ArgumentParser(
        prog=f"recipes/{recipe}.py", description=description
    )
    parser.add_argument(
        "--dataset", default=dataset_default, help=dataset_help
    )
    parser.add_argument("--data-dir", default=None, help=data_dir_help)
    parser.add_argument(
        "--epochs",
        type=int,
        default=None,
        help="default: per dataset (a staged model's stages set it)",
    )
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument(
        "--out",
        default=None,
        help=f"export directory (default saved_models/{recipe}_<dataset>)",
    )
    parser.add_argument(
        "--run-dir",
        default=None,
        help="checkpoints, sample grids and training curves (default "
        f"runs/{recipe}_<dataset>)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--backend",
        choices=BACKENDS,
        default=None,
        help="Keras backend (sets KERAS_BACKEND before Keras is imported)",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="continue from the last checkpoint in --run-dir",
    )
    parser.add_argument(
        "--quantize",
        choices=("float16", "int8"),
        default=None,
        help="quantize the exported TFLite weights",
    )
    parser.add_argument(
        "--no-export", action="store_true", help="train only, export nothing"
    )
    parser.add_argument(
        "--verbose", type=int, default=None, help="Keras fit verbosity"
    )
    parser.add_argument(
        "--tensorboard",
        action="store_true",
        help="also log the losses and scores of each epoch for TensorBoard, "
        "in <run-dir>/tensorboard (the curves PNG is always written)",
    )
    parser.add_argument(
        "--strategy",
        choices=STRATEGIES,
        default="auto",
        help="data parallelism: auto (all GPUs of this host on TF, all "
        "devices on JAX), mirrored, multiworker (TF_CONFIG on TF) or tpu; "
        "--batch-size is the global batch",
    )
    parser.add_argument(
        "--dtype-policy",
        choices=("float32", "mixed_float16", "mixed_bfloat16"),
        default="float32",
        help="mixed_float16 on GPUs (one loss scale per optimizer), "
        "mixed_bfloat16 on TPUs and bf16-capable CPUs; exports stay float32",
    )
    return parser


def add_latent_flags(parser):
    """`--latent-dim` and `--image-shape`: the flags of latent generators."""
    parser.add_argument("--latent-dim", type=int, default=None)
    parser.add_argument(
        "--image-shape",
        type=parse_shape,
        default=None,
        help="H,W,C of the training images (default: per dataset)",
    )
    return parser


def add_optimizer_flags(parser, d_steps_help="D steps per G step"):
    """`--d-lr`, `--g-lr`, `--ema-decay`, `--d-steps`: the training flags
    of the variant and conditional recipes (unset keeps the model's own
    setting)."""
    parser.add_argument(
        "--d-lr", type=float, default=None, help="discriminator learning rate"
    )
    parser.add_argument(
        "--g-lr", type=float, default=None, help="generator learning rate"
    )
    add_ema_flags(parser)
    parser.add_argument("--d-steps", type=int, default=None, help=d_steps_help)
    return parser


def add_network_flags(parser):
    """The DCGAN family's network flags (dcgan and the variant recipes):
    widths and InfoGAN's categorical code with its clustering term."""
    parser.add_argument(
        "--g-filters",
        type=parse_widths,
        default=None,
        help="generator widths, e.g. 128,64 (default: the size's preset)",
    )
    parser.add_argument(
        "--d-filters",
        type=parse_widths,
        default=None,
        help="discriminator widths, e.g. 64,128 (default: the size's preset)",
    )
    parser.add_argument(
        "--latent-classes",
        type=int,
        default=None,
        help="categories of an InfoGAN code read off the latent (0: none, "
        "and none of the code's options)",
    )
    parser.add_argument(
        "--info-weight",
        type=parse_weight,
        default=None,
        help="weight of the code's loss in both players' losses",
    )
    parser.add_argument(
        "--cluster-weight",
        type=parse_weight,
        default=None,
        help="weight of the code head clustering the real images (ties each "
        "code category to one mode of the data; 0: none)",
    )
    parser.add_argument(
        "--cluster-scores",
        type=int,
        choices=(0, 1),
        default=None,
        help="1: D scores each image against the images of its code category",
    )
    parser.add_argument(
        "--consistency-weight",
        type=parse_weight,
        default=None,
        help="weight of a ClusterConsistency penalty: the code head reads a "
        "real image and a 2-pixel shift of it alike (0: none)",
    )
    return parser


NETWORK_FLAGS = (
    "g_filters",
    "d_filters",
    "latent_classes",
    "info_weight",
    "cluster_weight",
    "cluster_scores",
)


# Options of the code: `--latent-classes 0` turns them off with it, so
# that a dataset whose defaults use a code can be trained without one.
CODE_FLAGS = ("info_weight", "cluster_weight", "cluster_scores")

# The networks and code of the DCGAN family's short CPU runs on 28x28
# digits, measured with the classifier-feature FID of `keras-gans eval`
# on the 10,000 MNIST test images (docs/measured.md):
# - half the mnist_28 widths, G (128, 64) and D (32, 64), and batches of
#   32: the discriminator was 60% of a step's work, and more, cheaper
#   steps won per minute;
# - a 10-way InfoGAN code: the generator switches between digits instead
#   of drawing in-between shapes, its categories in equal shares;
# - its code head also clusters the real images (`cluster_weight`) and D
#   scores each image against its category (`cluster_scores`): without
#   them a category could draw two digits or only part of one;
# - the head reads a real image and a 2-pixel shift of it alike
#   (`consistency_weight`, a `ClusterConsistency` penalty): its clusters
#   then follow the digits, not their slant or thickness.
# The recipes add their own learning rates, EMA and run lengths.
SHORT_DIGITS_NETWORK = {
    "batch_size": 32,
    "g_filters": (128, 64),
    "d_filters": (32, 64),
    "latent_classes": 10,
    "cluster_weight": 2.0,
    "cluster_scores": 1,
    "consistency_weight": 3.0,
    "image_shape": (28, 28, 1),
}


def network_options(args):
    """The model arguments of `add_network_flags`' flags that are set
    (without the code's options when `--latent-classes` is 0).

    `--consistency-weight` becomes a `ClusterConsistency` in `d_penalties`.
    """
    no_code = getattr(args, "latent_classes", None) == 0
    options = {
        key: getattr(args, key)
        for key in NETWORK_FLAGS
        if getattr(args, key, None) is not None
        and not (no_code and key in CODE_FLAGS)
    }
    weight = getattr(args, "consistency_weight", None)
    if weight and args.latent_classes and not no_code:
        from keras_gans.regularizers import ClusterConsistency

        options["d_penalties"] = [ClusterConsistency(weight, seed=args.seed)]
    return options


# StyleGAN2-ADA's ramp-up: the half-life is at most 5% of the images seen.
EMA_RAMPUP = 0.05


def add_ema_flags(parser):
    """`--ema-decay` and `--ema-half-life`: the generator's weight average."""
    parser.add_argument(
        "--ema-decay",
        type=float,
        default=None,
        help="EMA of the generator weights with this fixed decay (0 "
        "disables; given, it replaces --ema-half-life)",
    )
    parser.add_argument(
        "--ema-half-life",
        type=float,
        default=None,
        help="EMA of the generator weights with this half-life in thousands "
        f"of images, at most {EMA_RAMPUP:g} x the images seen (ramp-up)",
    )
    return parser


def ema_options(args):
    """The model's EMA arguments for `add_ema_flags`' flags.

    A fixed decay averages in its initial (random) weights with weight
    `decay ** steps`: 8% after 2,500 steps at 0.999, enough to blur a
    short run's samples. A ramped half-life averages only recent weights
    at any length of run.

    Returns:
        `{"ema_decay": d}`, `{"ema": keras_gans.EMA(...)}` or `{}` (none).
    """
    if args.ema_decay is not None:
        return {"ema_decay": args.ema_decay} if args.ema_decay else {}
    if getattr(args, "ema_half_life", None):
        from keras_gans.training.ema import EMA

        return {
            "ema": EMA(half_life_kimg=args.ema_half_life, rampup=EMA_RAMPUP)
        }
    return {}


def parse_shape(text):
    """`"H,W,C"` -> `(H, W, C)`, the `--image-shape` type."""
    return _parse_ints(text, 3, "H,W,C such as 28,28,1")


def parse_size(text):
    """`"H,W"` -> `(H, W)` of positive sizes, the `--image-size` type."""
    return _parse_ints(text, 2, "H,W such as 32,32")


def parse_widths(text):
    """`"128,64"` -> `(128, 64)`, the type of the network width flags."""
    return _parse_ints(text, None, "positive widths such as 128,64")


def parse_weight(text):
    """A loss or penalty weight: a number >= 0 (0 turns the term off)."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0:  # also refuses nan
        raise argparse.ArgumentTypeError(
            f"expected a weight >= 0 such as 1.5 (0: off). Received: {text!r}"
        )
    return value


def _parse_ints(text, count, expected):
    try:
        values = tuple(int(part) for part in text.split(","))
    except ValueError:
        values = ()
    if (
        not values
        or (count is not None and len(values) != count)
        or min(values) <= 0
    ):
        raise argparse.ArgumentTypeError(
            f"expected {expected}. Received: {text!r}"
        )
    return values


def compile_with_flags(gan, args):
    """Compiles `gan` with its default optimizers, the `--d-lr`/`--g-lr` of
    `add_optimizer_flags` applied.

    Returns:
        `gan`, compiled.
    """
    optimizers = gan.default_optimizers()
    for key, rate in (("discriminator", args.d_lr), ("generator", args.g_lr)):
        if rate is not None:
            optimizers[key].learning_rate = rate
    gan.compile(
        d_optimizer=optimizers["discriminator"],
        g_optimizer=optimizers["generator"],
    )
    return gan
