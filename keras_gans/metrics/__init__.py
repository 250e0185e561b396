"""Quality metrics of generated images.

Set-to-set metrics compare feature vectors of real and generated images:
FID (`frechet_distance`, streamed through `FeatureStatistics`), KID
(`kernel_distance`), improved precision/recall (`precision_recall`); the
Inception Score (`inception_score`) and `label_accuracy` use class
probabilities; `psnr` and `ssim` compare paired images, and
`super_resolution` scores upscalers by the literature's protocol.
Single-image GANs (SinGAN) have their own: `patch_swd` (multi-scale
patch sliced Wasserstein distance, read against `patch_baselines`),
`sifid` (per-location FID) and `single_image_diversity`.
`evaluate(artifact, dataset)` (what `keras-gans eval` runs) loads any
artifact and measures it by the protocol of its kind.

Features come from a pluggable `FeatureExtractor`:
`ClassifierFeatureExtractor` (a small CNN trained and cached per labelled
dataset; standard for MNIST-like data and usable offline),
`InceptionFeatureExtractor` (InceptionV3 pool features at 299x299 with a
weights file you supply) or any Keras model (`FeatureExtractor`).
`get_feature_extractor` resolves a name or path. Numbers are comparable
only under one extractor (and weights), sample count and reference set.

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
from keras_gans.metrics.evaluation import evaluate
from keras_gans.metrics.extractor_registry import get_feature_extractor
from keras_gans.metrics.feature_extractor import FeatureExtractor
from keras_gans.metrics.feature_statistics import FeatureStatistics
from keras_gans.metrics.fid import compute_fid
from keras_gans.metrics.fid import feature_statistics
from keras_gans.metrics.fid import fid_from_images
from keras_gans.metrics.frechet_distance import frechet_distance
from keras_gans.metrics.image_similarity import psnr
from keras_gans.metrics.image_similarity import ssim
from keras_gans.metrics.inception_feature_extractor import (
    InceptionFeatureExtractor,
)
from keras_gans.metrics.inception_score import inception_score
from keras_gans.metrics.kernel_distance import kernel_distance
from keras_gans.metrics.label_accuracy import label_accuracy
from keras_gans.metrics.patch_baselines import patch_baselines
from keras_gans.metrics.patch_swd import patch_swd
from keras_gans.metrics.precision_recall import precision_recall
from keras_gans.metrics.sifid import sifid
from keras_gans.metrics.single_image_diversity import single_image_diversity

__all__ = [
    "ClassifierFeatureExtractor",
    "FeatureExtractor",
    "FeatureStatistics",
    "InceptionFeatureExtractor",
    "compute_fid",
    "default_cache_dir",
    "evaluate",
    "feature_statistics",
    "fid_from_images",
    "frechet_distance",
    "get_feature_extractor",
    "inception_score",
    "kernel_distance",
    "label_accuracy",
    "patch_baselines",
    "patch_swd",
    "precision_recall",
    "psnr",
    "sifid",
    "single_image_diversity",
    "ssim",
]
