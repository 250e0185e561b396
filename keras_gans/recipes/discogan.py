"""DiscoGAN recipe: unpaired translation with reconstruction losses.

```
python recipes/discogan.py                        # digits <-> inverted bold
python recipes/discogan.py --dataset folder --data-dir edges2shoes_unpaired/
```
"""

import sys

from keras_gans.recipes.recipe_runner import RecipeRunner
from keras_gans.recipes.translation_kind import TranslationKind
from keras_gans.recipes.translation_kind import compile_adam

DESCRIPTION = (
    "Trains DiscoGAN (Kim et al. 2017: conv encoder-decoder generators, "
    "PatchGAN discriminators, BCE loss plus squared-error reconstruction "
    "in both directions) on two unpaired domains, scores cycle "
    "reconstruction and (digit tasks) whether translated digits keep their "
    "class, and exports both directions."
)

DATASET_DEFAULTS = {
    "digits-inverted": {"epochs": 40, "batch_size": 16, "filters": 32,
                        "lr": 2e-4, "image_size": (32, 32), "cycle_weight": 10.0},
    "mnist-inverted": {"epochs": 8, "batch_size": 16, "filters": 32,
                       "lr": 2e-4, "image_size": (32, 32), "cycle_weight": 10.0},
    # The paper trains at 64x64 with batch 200.
    "*": {"epochs": 50, "batch_size": 64, "filters": 64, "lr": 2e-4,
          "cycle_weight": 1.0},
}


def add_flags(parser):
    parser.add_argument(
        "--cycle-weight",
        type=float,
        default=None,
        help="weight of the reconstruction terms (default per dataset)",
    )
    return parser


def build_model(args, a_shape, b_shape, total_steps):
    """A compiled `keras_gans.DiscoGAN` (Adam 2e-4, beta_1 0.5, constant)."""
    import keras_gans

    model = keras_gans.DiscoGAN(
        image_shape=a_shape,
        b_channels=b_shape[-1],
        filters=args.filters,
        d_layers=args.d_layers,
        cycle_weight=args.cycle_weight,
        seed=args.seed,
    )
    return compile_adam(model, args.lr)


RECIPE = RecipeRunner(
    __name__,
    "discogan",
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
