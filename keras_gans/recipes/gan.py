"""GAN recipe: the original MLP GAN; train, write grids and checkpoints, export.

```
python recipes/gan.py --dataset mnist-idx --data-dir ../shared/data/mnist
keras-gans train gan --dataset digits --epochs 5 --backend jax
```
"""

from keras_gans.recipes import variant_recipe

DESCRIPTION = (
    "Trains the original fully connected GAN (Goodfellow et al. 2014; MLP "
    "generator 256-512-1024 with BatchNorm, MLP discriminator 512-256, "
    "non-saturating loss). Exports the generator as SavedModel + TFLite "
    "with a model card."
)

# Settings every dataset starts from: the variants' (batches of 64, a
# ramped EMA). An MLP step costs a few percent of a convolutional one, so
# short runs afford many more steps.
_TRAINING = variant_recipe.TRAINING

# Per-dataset defaults on 2 CPU cores with the TensorFlow backend: about
# 3.5 s per epoch of the 10,000 MNIST test images (one thread, 22 ms per
# step). The MLP keeps improving for long: the harness's FID was 58.8 after
# 60 epochs, 36.4 after 100 and 34.7 after 120 (docs/measured.md).
DATASET_DEFAULTS = {
    "digits": {**_TRAINING, "epochs": 60, "image_shape": (28, 28, 1)},
    "mnist-5k": {**_TRAINING, "epochs": 200, "image_shape": (28, 28, 1)},
    "mnist-idx": {**_TRAINING, "epochs": 100, "image_shape": (28, 28, 1)},
    "*": {**_TRAINING, "epochs": 30},
}


# MLP networks: the DCGAN family's width and code flags do not apply.
RECIPE = variant_recipe.recipe(
    __name__, "gan", "GAN", DESCRIPTION, DATASET_DEFAULTS, network_flags=False
)


def main(argv=None):
    """Runs the recipe; returns the process exit code."""
    return RECIPE.main(argv)


if __name__ == "__main__":
    import sys

    sys.exit(main())
