"""Quality metrics of generated images.

FID ("Frechet Inception Distance", Heusel et al. 2017) compares the mean
and covariance of feature vectors of real and generated images. For the
small grayscale datasets of this zoo the features come from a small CNN
classifier trained on the dataset's labelled real images
(`ClassifierFeatureExtractor`), not from InceptionV3: the numbers are
comparable with each other under the same extractor and sample counts,
not with published Inception FIDs.

Example:

```python
from keras_gans import metrics

extractor = metrics.ClassifierFeatureExtractor.for_dataset(
    "mnist-idx", data_dir="data/mnist", image_shape=(28, 28, 1)
)
fid = metrics.compute_fid(gan.generate, real_images, extractor, n=10_000)
```
"""

from keras_gans.metrics.classifier_feature_extractor import (
    ClassifierFeatureExtractor,
)
from keras_gans.metrics.classifier_feature_extractor import default_cache_dir
from keras_gans.metrics.feature_statistics import FeatureStatistics
from keras_gans.metrics.fid import compute_fid
from keras_gans.metrics.fid import feature_statistics
from keras_gans.metrics.fid import fid_from_images
from keras_gans.metrics.frechet_distance import frechet_distance
from keras_gans.metrics.image_similarity import psnr
from keras_gans.metrics.image_similarity import ssim
from keras_gans.metrics.kernel_distance import kernel_distance
from keras_gans.metrics.precision_recall import precision_recall

__all__ = [
    "ClassifierFeatureExtractor",
    "FeatureStatistics",
    "compute_fid",
    "default_cache_dir",
    "feature_statistics",
    "fid_from_images",
    "frechet_distance",
    "kernel_distance",
    "precision_recall",
    "psnr",
    "ssim",
]
