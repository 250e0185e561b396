"""SNGAN recipe: train, write sample grids and checkpoints, export.

```
python recipes/sngan.py --dataset mnist-idx --data-dir ../shared/data/mnist
keras-gans train sngan --dataset digits --epochs 5 --backend jax
```
"""

from keras_gans.recipes import variant_recipe

DESCRIPTION = (
    "Trains SNGAN (Miyato et al. 2018): a spectrally normalized "
    "discriminator trained with the hinge loss. "
    "Exports the generator as SavedModel + TFLite with a model card."
)

# Short CPU runs learn more per step at twice the paper's rate.
_RATES = {"d_lr": 0.0004, "g_lr": 0.0004}

# Per-dataset defaults, measured on 2 CPU cores with the TensorFlow backend.
DATASET_DEFAULTS = {
    "digits": {**variant_recipe.SHORT_DIGITS_BN_FREE, **_RATES, "epochs": 40},
    "mnist-5k": {**variant_recipe.SHORT_DIGITS_BN_FREE, **_RATES, "epochs": 40},
    "mnist-idx": {**variant_recipe.SHORT_DIGITS_BN_FREE, **_RATES, "epochs": 20},
    "*": {**variant_recipe.TRAINING, "epochs": 20},
}


RECIPE = variant_recipe.recipe(
    __name__, "sngan", "SNGAN", DESCRIPTION, DATASET_DEFAULTS
)


def main(argv=None):
    """Runs the recipe; returns the process exit code."""
    return RECIPE.main(argv)


if __name__ == "__main__":
    import sys

    sys.exit(main())
