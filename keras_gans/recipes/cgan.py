"""CGAN recipe: train on labelled data, write grids and checkpoints, export.

```
python recipes/cgan.py                                    # bundled digits
python recipes/cgan.py --dataset mnist-idx --data-dir ../shared/data/mnist
keras-gans train cgan --dataset fashion_mnist --d-conditioning projection
```
"""

from keras_gans.recipes import conditional_recipe

DESCRIPTION = (
    "Trains a conditional GAN (Mirza & Osindero 2014) on the DCGAN networks: "
    "G(z|y) with the label code concatenated to the latent, D(x|y) with the "
    "label as extra image channels (or a projection discriminator). Exports "
    "the two-input generator (latent, label) as SavedModel + TFLite with a "
    "model card; samples.png has one row per class."
)

# The conditional recipes share their per-dataset defaults.
DATASET_DEFAULTS = conditional_recipe.DATASET_DEFAULTS


RECIPE = conditional_recipe.recipe(
    __name__, "cgan", "CGAN", DESCRIPTION, DATASET_DEFAULTS
)


def main(argv=None):
    """Runs the recipe; returns the process exit code."""
    return RECIPE.main(argv)


if __name__ == "__main__":
    import sys

    sys.exit(main())
