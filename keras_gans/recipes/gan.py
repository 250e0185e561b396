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

# Settings every dataset starts from. An MLP step costs a few percent of a
# convolutional one, so short runs afford many more, smaller steps.
_TRAINING = {"batch_size": 64, "latent_dim": 100, "ema_half_life": 10.0}

# Per-dataset defaults on 2 CPU cores with the TensorFlow backend: about
# 7 s per epoch of the 10,000 MNIST test images (22 ms per step), so 60
# epochs take about 7 minutes. Not yet tuned for quality: after 12 epochs
# the samples are still noisy strokes.
DATASET_DEFAULTS = {
    "digits": {**_TRAINING, "epochs": 60, "image_shape": (28, 28, 1)},
    "mnist-idx": {**_TRAINING, "epochs": 60, "image_shape": (28, 28, 1)},
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
