from keras_gans.models.cgan.cgan import CGAN
from keras_gans.models.cgan.conditional_discriminator import (
    ConditionalDiscriminator,
)
from keras_gans.models.cgan.conditional_discriminator import (
    build_conditional_discriminator,
)
from keras_gans.models.cgan.conditional_generator import ConditionalGenerator
from keras_gans.models.cgan.conditional_generator import (
    build_conditional_generator,
)
