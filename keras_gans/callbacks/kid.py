"""`KID`: the Kernel Inception Distance of generated samples, every k epochs."""

from keras_gans.callbacks.generative_metric import GenerativeMetric
from keras_gans.metrics.kernel_distance import kernel_distance


class KID(GenerativeMetric):
    """Logs `kid` and `kid_std` every k epochs; keeps the best by `kid`.

    KID is unbiased, so unlike FID it can be compared across sample
    counts; it needs the real feature vectors themselves (held in memory,
    not the images). See `GenerativeMetric` for the arguments.

    Args:
        num_subsets: KID subsets averaged (see `kernel_distance`).
        subset_size: vectors per subset.
        **kwargs: `GenerativeMetric` arguments.

    Example:

    ```python
    kid = keras_gans.callbacks.KID(real, extractor, n=2000, every=5)
    gan.fit(ds, epochs=20, callbacks=[kid])
    ```
    """

    metric_name = "kid"

    def __init__(
        self, real_images, extractor, num_subsets=100, subset_size=1000,
        **kwargs,
    ):
        super().__init__(real_images, extractor, **kwargs)
        self.num_subsets = num_subsets
        self.subset_size = subset_size

    def score(self, real, fake_features):
        kid, kid_std = kernel_distance(
            real, fake_features, num_subsets=self.num_subsets,
            subset_size=self.subset_size, seed=self.seed,
        )
        return {"kid": kid, "kid_std": kid_std}
