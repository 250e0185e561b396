"""LSGAN recipe: train, write sample grids and checkpoints, export.

```
python recipes/lsgan.py --dataset mnist-idx --data-dir ../shared/data/mnist
keras-gans train lsgan --dataset digits --epochs 5 --backend jax
```
"""

from keras_gans.recipes import variant_recipe

DESCRIPTION = (
    "Trains a least-squares GAN (Mao et al. 2017) on the DCGAN networks. "
    "Exports the generator as SavedModel + TFLite with a model card."
)

# Per-dataset defaults, measured on 2 CPU cores with the TensorFlow backend.
DATASET_DEFAULTS = {
    "digits": {"epochs": 50, "batch_size": 64, "image_shape": (28, 28, 1), "ema_decay": 0.999, "latent_dim": 100, "d_lr": 4e-4, "g_lr": 4e-4},
    "mnist-idx": {"epochs": 16, "batch_size": 64, "image_shape": (28, 28, 1), "ema_decay": 0.999, "latent_dim": 100, "d_lr": 4e-4, "g_lr": 4e-4},
    "*": {"epochs": 20, "batch_size": 64, "ema_decay": 0.999, "latent_dim": 100},
}


def main(argv=None):
    """Runs the recipe; returns the process exit code."""
    return variant_recipe.main(
        __name__, "lsgan", "LSGAN", DESCRIPTION, DATASET_DEFAULTS, argv
    )


if __name__ == "__main__":
    import sys

    sys.exit(main())
