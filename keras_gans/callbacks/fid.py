"""`FID`: the Frechet distance of generated samples, every k epochs."""

from keras_gans.callbacks.generative_metric import GenerativeMetric
from keras_gans.metrics.feature_statistics import FeatureStatistics
from keras_gans.metrics.frechet_distance import frechet_distance


class FID(GenerativeMetric):
    """Logs `fid` every k epochs and can keep the best checkpoint by it.

    The real images are reduced once to their feature mean and covariance
    (`FeatureStatistics`); pass a precomputed `FeatureStatistics` as
    `real_images` to skip that. See `GenerativeMetric` for the arguments.

    Example:

    ```python
    extractor = keras_gans.metrics.ClassifierFeatureExtractor.for_dataset(
        "mnist-idx", data_dir="data/mnist")
    fid = keras_gans.callbacks.FID(real, extractor, n=5000, every=2,
                                   save_best="runs/best.keras")
    gan.fit(ds, epochs=20,
            callbacks=[fid, keras.callbacks.TensorBoard("runs/tb")])
    gan.history.history["fid"], fid.best, fid.best_epoch
    ```
    """

    metric_name = "fid"

    def _real_features(self):
        if isinstance(self.real_images, FeatureStatistics):
            return self.real_images
        return super()._real_features()

    def summarize_real(self, features):
        if isinstance(features, FeatureStatistics):
            return features
        return FeatureStatistics().update(features)

    def score(self, real, fake_features):
        fake = FeatureStatistics().update(fake_features)
        return {"fid": frechet_distance(real, fake)}
