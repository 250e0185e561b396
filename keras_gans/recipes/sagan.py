"""SAGAN recipe: train, write sample grids and checkpoints, export.

```
python recipes/sagan.py --dataset mnist-idx --data-dir ../shared/data/mnist
keras-gans train sagan --dataset digits --epochs 5 --backend jax
```
"""

from keras_gans.recipes import variant_recipe

DESCRIPTION = (
    "Trains SAGAN (Zhang et al. 2019): self-attention in G and D, spectral normalization in both, hinge loss, TTUR 1e-4 / 4e-4. "
    "Exports the generator as SavedModel + TFLite with a model card."
)

# Per-dataset defaults, measured on 2 CPU cores with the TensorFlow backend.
DATASET_DEFAULTS = {
    "digits": {"epochs": 20, "batch_size": 64, "image_shape": (28, 28, 1), "ema_decay": 0.999, "latent_dim": 100, "d_lr": 4e-4, "g_lr": 2e-4},
    "mnist-idx": {"epochs": 12, "batch_size": 64, "image_shape": (28, 28, 1), "ema_decay": 0.999, "latent_dim": 100, "d_lr": 4e-4, "g_lr": 2e-4},
    "*": {"epochs": 20, "batch_size": 64, "ema_decay": 0.999, "latent_dim": 100},
}


def main(argv=None):
    """Runs the recipe; returns the process exit code."""
    return variant_recipe.main(
        __name__, "sagan", "SAGAN", DESCRIPTION, DATASET_DEFAULTS, argv
    )


if __name__ == "__main__":
    import sys

    sys.exit(main())
