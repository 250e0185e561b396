"""CycleGAN recipe: unpaired translation, scored by cycle error and identity.

```
python recipes/cyclegan.py                        # digits <-> inverted bold
python recipes/cyclegan.py --dataset folder --data-dir horse2zebra/
python recipes/cyclegan.py --dataset cycle_gan/horse2zebra   # tfds
```
"""

import sys

from keras_gans.recipes.recipe_runner import RecipeRunner
from keras_gans.recipes.translation_kind import TranslationKind
from keras_gans.recipes.translation_kind import compile_adam

DESCRIPTION = (
    "Trains CycleGAN (Zhu et al. 2017: ResNet generators, 70x70 PatchGANs, "
    "least-squares loss, cycle weight 10, identity 0.5, image pools of 50, "
    "linear learning-rate decay over the second half) on two unpaired "
    "domains, scores cycle reconstruction and (digit tasks) whether "
    "translated digits keep their class, and exports both directions."
)

DATASET_DEFAULTS = {
    "digits-inverted": {"epochs": 12, "batch_size": 8, "filters": 16,
                        "num_blocks": 4, "lr": 2e-4, "image_size": (32, 32),
                        "identity_weight": 0.0},
    "mnist-inverted": {"epochs": 3, "batch_size": 8, "filters": 16,
                       "num_blocks": 4, "lr": 2e-4, "image_size": (32, 32),
                       "identity_weight": 0.0},
    # The paper's setting (batch 1, 200 epochs, 9 blocks at 256x256).
    "*": {"epochs": 200, "batch_size": 1, "filters": 64, "num_blocks": None,
          "lr": 2e-4, "identity_weight": 0.5},
}


def add_flags(parser):
    parser.add_argument(
        "--num-blocks", type=int, default=None,
        help="residual blocks per generator",
    )
    parser.add_argument("--pool-size", type=int, default=50)
    parser.add_argument(
        "--cycle-weight", type=float, default=10.0, help="λ of the cycle terms"
    )
    parser.add_argument(
        "--identity-weight",
        type=float,
        default=None,
        help="identity terms relative to λ (default per dataset; 0 when the "
        "domains' channels differ)",
    )
    return parser


def build_model(args, a_shape, b_shape, total_steps):
    """A compiled `keras_gans.CycleGAN` with the paper's LR schedule."""
    import keras_gans

    model = keras_gans.CycleGAN(
        image_shape=a_shape,
        b_channels=b_shape[-1],
        filters=args.filters,
        num_blocks=args.num_blocks,
        d_layers=args.d_layers,
        cycle_weight=args.cycle_weight,
        identity_weight=(
            args.identity_weight if a_shape[-1] == b_shape[-1] else 0.0
        ),
        pool_size=args.pool_size,
        seed=args.seed,
    )
    return compile_adam(model, args.lr, total_steps)


RECIPE = RecipeRunner(
    __name__,
    "cyclegan",
    DESCRIPTION,
    TranslationKind(paired=False),
    DATASET_DEFAULTS,
    build_model,
    add_flags,
)


def main(argv=None):
    """Runs the recipe; returns the process exit code."""
    return RECIPE.main(argv)


if __name__ == "__main__":
    sys.exit(main())
