"""SAGAN recipe: train, write sample grids and checkpoints, export.

```
python recipes/sagan.py --dataset mnist-idx --data-dir ../shared/data/mnist
keras-gans train sagan --dataset digits --epochs 5 --backend jax
```
"""

from keras_gans.recipes import variant_recipe

DESCRIPTION = (
    "Trains SAGAN (Zhang et al. 2019): self-attention in G and D, spectral "
    "normalization in both, hinge loss, TTUR 1e-4 / 4e-4. "
    "Exports the generator as SavedModel + TFLite with a model card."
)

# Settings every dataset starts from; optimizers are the paper's.
_TRAINING = {"batch_size": 64, "ema_decay": 0.999, "latent_dim": 100}

# Short CPU runs learn more per step at higher rates than the paper's
# (measured on MNIST; see the README).
_SHORT_RUN = {"d_lr": 0.0004, "g_lr": 0.0002}

# Per-dataset defaults, measured on 2 CPU cores with the TensorFlow backend.
DATASET_DEFAULTS = {
    "digits": {**_TRAINING, **_SHORT_RUN, "epochs": 20, "image_shape": (28, 28, 1)},
    "mnist-idx": {**_TRAINING, **_SHORT_RUN, "epochs": 24, "image_shape": (28, 28, 1)},
    "*": {**_TRAINING, "epochs": 20},
}


RECIPE = variant_recipe.recipe(
    __name__, "sagan", "SAGAN", DESCRIPTION, DATASET_DEFAULTS
)


def main(argv=None):
    """Runs the recipe; returns the process exit code."""
    return RECIPE.main(argv)


if __name__ == "__main__":
    import sys

    sys.exit(main())
