"""ACGAN recipe: train on labelled data, write grids and checkpoints, export.

```
python recipes/acgan.py                                   # bundled digits
python recipes/acgan.py --dataset mnist-idx --data-dir ../shared/data/mnist
keras-gans train acgan --dataset cifar10 --class-weight 0.5 --backend jax
```
"""

from keras_gans.recipes import conditional_recipe

DESCRIPTION = (
    "Trains an auxiliary-classifier GAN (Odena et al. 2017) on the DCGAN "
    "networks: D outputs a real/fake score and class logits, both players "
    "add a class loss. Exports the two-input generator (latent, label) as "
    "SavedModel + TFLite with a model card; samples.png has one row per "
    "class."
)

# The conditional recipes share their per-dataset defaults.
DATASET_DEFAULTS = conditional_recipe.DATASET_DEFAULTS


def add_flags(parser):
    """ACGAN's own flag (the conditional ones come from conditional_recipe)."""
    parser.add_argument(
        "--class-weight",
        type=float,
        default=None,
        help="weight of the class losses (1.0)",
    )
    return parser


RECIPE = conditional_recipe.recipe(
    __name__,
    "acgan",
    "ACGAN",
    DESCRIPTION,
    DATASET_DEFAULTS,
    extra_flags=add_flags,
)


def main(argv=None):
    """Runs the recipe; returns the process exit code."""
    return RECIPE.main(argv)


if __name__ == "__main__":
    import sys

    sys.exit(main())
