"""Datasets as `tf.data` pipelines of images in [-1, 1].

`load(name, ...)` reads scikit-learn's bundled digits (`"digits"`), MNIST
IDX files (`"mnist-idx"`), a folder of images (`"folder"`) or any
tensorflow-datasets name, and returns shuffled, batched float32 images.
`load_arrays()` returns the same pixels as uint8 NumPy arrays (evaluation
reference sets); `info()` and `num_classes()` describe a dataset.
`read_image()` decodes one image file the way the `"folder"` source does
(EXIF orientation applied, corrupt files named in the error).

For image-to-image translation, `load_paired()` yields aligned
`(input, target)` pairs (pix2pix) and `load_unpaired()` two independently
shuffled domains (CycleGAN, DiscoGAN); `load_translation_arrays()` returns
a whole split of either as a `TranslationArrays`, and
`translation_sources()` lists the built-in sources.

This is a backend module: it uses TensorFlow's `tf.data` on every Keras
backend (Keras' `fit()` accepts a `tf.data.Dataset` on JAX and torch too).
"""

from keras_gans.data.dataset_info import DatasetInfo
from keras_gans.data.folder import read_image
from keras_gans.data.loader import available
from keras_gans.data.loader import info
from keras_gans.data.loader import load
from keras_gans.data.loader import load_arrays
from keras_gans.data.loader import load_translation_arrays
from keras_gans.data.loader import num_classes
from keras_gans.data.loader import translation_sources
from keras_gans.data.mnist_idx import read_idx
from keras_gans.data.paired import load_paired
from keras_gans.data.patches import load_single_image
from keras_gans.data.patches import load_super_resolution
from keras_gans.data.translation_arrays import TranslationArrays
from keras_gans.data.unpaired import load_unpaired
