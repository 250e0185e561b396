"""Datasets as `tf.data` pipelines of images in [-1, 1].

`load(name, ...)` reads scikit-learn's bundled digits (`"digits"`), MNIST
IDX files (`"mnist-idx"`), a folder of images (`"folder"`) or any
tensorflow-datasets name, and returns shuffled, batched float32 images.
`load_arrays()` returns the same pixels as uint8 NumPy arrays (evaluation
reference sets); `info()` and `num_classes()` describe a dataset.

This is a backend module: it uses TensorFlow's `tf.data` on every Keras
backend (Keras' `fit()` accepts a `tf.data.Dataset` on JAX and torch too).
"""

from keras_gans.data.dataset_info import DatasetInfo
from keras_gans.data.loader import available
from keras_gans.data.loader import info
from keras_gans.data.loader import load
from keras_gans.data.loader import load_arrays
from keras_gans.data.loader import num_classes
from keras_gans.data.mnist_idx import read_idx
