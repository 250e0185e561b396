"""The multilayer-perceptron networks of the original GAN."""

import math

import keras
from keras import layers


def build_mlp_generator(latent_dim, image_shape, hidden_units=(256, 512, 1024)):
    """Dense-BatchNorm-LeakyReLU(0.2) stack with a tanh image output."""
    z = keras.Input((latent_dim,), name="latent")
    x = z
    for units in hidden_units:
        x = layers.Dense(units)(x)
        x = layers.BatchNormalization(momentum=0.8)(x)
        x = layers.LeakyReLU(0.2)(x)
    x = layers.Dense(math.prod(image_shape))(x)
    x = layers.Reshape(image_shape)(x)
    # float32 images under any mixed-precision policy.
    images = layers.Activation("tanh", dtype="float32", name="images")(x)
    return keras.Model(z, images, name="generator")


def build_mlp_discriminator(image_shape, hidden_units=(512, 256)):
    """Flatten, Dense-LeakyReLU(0.2) stack, one raw score per image."""
    images = keras.Input(image_shape, name="images")
    x = layers.Flatten()(images)
    for units in hidden_units:
        x = layers.Dense(units)(x)
        x = layers.LeakyReLU(0.2)(x)
    score = layers.Dense(1, dtype="float32", name="score")(x)
    return keras.Model(images, score, name="discriminator")
