"""Pix2Pix recipe: paired translation, scored against trivial baselines.

```
python recipes/pix2pix.py                        # digit outlines -> digits
python recipes/pix2pix.py --dataset photos-gray2color
python recipes/pix2pix.py --dataset side-by-side --data-dir facades/
```
"""

import sys

from keras_gans.recipes.recipe_runner import RecipeRunner
from keras_gans.recipes.translation_kind import TranslationKind
from keras_gans.recipes.translation_kind import compile_adam

DESCRIPTION = (
    "Trains Pix2Pix (Isola et al. 2017: U-Net generator, 70x70 PatchGAN on "
    "(input, target) pairs, L1 weight 100) on aligned pairs, scores PSNR "
    "and SSIM on the held-out pairs against the pass-through and mean-"
    "target baselines, and exports the generator as SavedModel + TFLite."
)

# Per-dataset defaults, measured on 2 CPU cores with the TensorFlow backend.
DATASET_DEFAULTS = {
    "digits-edges": {"epochs": 15, "batch_size": 16, "filters": 32,
                     "lr": 2e-4, "image_size": (32, 32)},
    "mnist-edges": {"epochs": 5, "batch_size": 16, "filters": 32,
                    "lr": 2e-4, "image_size": (32, 32)},
    "photos-gray2color": {"epochs": 20, "batch_size": 8, "filters": 32,
                          "lr": 2e-4, "image_size": (64, 64)},
    # The paper's setting (batch 1, 200 epochs on facades).
    "*": {"epochs": 200, "batch_size": 1, "filters": 64, "lr": 2e-4},
}


def build_model(args, a_shape, b_shape, total_steps):
    """A compiled `keras_gans.Pix2Pix` for the resolved flags."""
    import keras_gans

    model = keras_gans.Pix2Pix(
        image_shape=a_shape,
        target_channels=b_shape[-1],
        filters=args.filters,
        d_layers=args.d_layers,
        seed=args.seed,
    )
    return compile_adam(model, args.lr)


RECIPE = RecipeRunner(
    __name__,
    "pix2pix",
    DESCRIPTION,
    TranslationKind(paired=True),
    DATASET_DEFAULTS,
    build_model,
)


def main(argv=None):
    """Runs the recipe; returns the process exit code."""
    return RECIPE.main(argv)


if __name__ == "__main__":
    sys.exit(main())
