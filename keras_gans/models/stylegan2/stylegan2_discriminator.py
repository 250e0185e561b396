"""StyleGAN2's residual discriminator."""

import math

import keras

from keras_gans.layers.cluster_score import ClusterScore
from keras_gans.layers.equalized_conv2d import EqualizedConv2D
from keras_gans.layers.equalized_dense import EqualizedDense
from keras_gans.layers.minibatch_std_dev import MinibatchStdDev
from keras_gans.models.stylegan2.stylegan2_generator import crop_margins
from keras_gans.models.stylegan2.stylegan2_generator import (
    synthesis_resolution,
)
from keras_gans.models.stylegan2.synthesis_network import block_resolutions
from keras_gans.models.stylegan2.synthesis_network import channels_at
from keras_gans.utils.validation import check_image_shape
from keras_gans.utils.validation import check_non_negative_int
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received

SKIP_GAIN = math.sqrt(0.5)


def residual_block(x, width_in, width_out, name):
    """conv 3x3 -> conv 3x3 down, plus a 1x1 down skip, scaled by sqrt(1/2)
    so the sum keeps the input's variance."""
    skip = EqualizedConv2D(
        width_out, 1, down=True, use_bias=False, gain=SKIP_GAIN,
        name=f"{name}_skip",
    )(x)
    x = EqualizedConv2D(width_in, 3, activation="lrelu", name=f"{name}_conv0")(x)
    x = EqualizedConv2D(
        width_out, 3, down=True, activation="lrelu", gain=SKIP_GAIN,
        name=f"{name}_conv1",
    )(x)
    return keras.layers.Add(name=f"{name}_add")([skip, x])


@keras.saving.register_keras_serializable(package="keras_gans")
class StyleGAN2Discriminator(keras.Model):
    """The "resnet" discriminator of StyleGAN2 (Karras et al. 2020).

    fromRGB (1x1), one residual block per resolution halving the size down
    to 4x4 (blurred stride-2 convolutions, `[1, 3, 3, 1]` filter), then the
    epilogue: minibatch standard deviation, a 3x3 convolution, a dense
    layer and the score. Images smaller than the synthesis resolution
    (28x28 digits in a 32x32 network) are zero-padded, as the generator's
    output is cropped. A conditional discriminator (`num_classes`) takes
    `[images, labels]` and scores by projection: the dot product of its
    features with a learned class embedding (StyleGAN2-ADA's `cmap`).

    Args:
        image_shape: `(H, W, C)`.
        resolution: synthesis size (power of two); `None`: the smallest
            one holding the image.
        channel_base: widths `min(channel_base // res, channel_max)`.
        channel_max: the widest layer.
        mbstd_group: group size of the minibatch standard deviation (0:
            none).
        num_classes: classes of a conditional discriminator, else `None`.
        code_classes: with > 0, a head giving `code_classes` logits of the
            InfoGAN code next to the score: the model returns `[scores,
            code_logits]`.
        cluster_scores: with a code, one score per category, and each
            image is judged by the score of the category the code head
            reads (`keras_gans.layers.ClusterScore`, as `DCGAN`'s
            discriminator): a discriminator conditioned on self-found
            clusters.
        **kwargs: `keras.Model` arguments (`name`).

    Raises:
        ValueError: naming the argument, for a bad shape or resolution.
    """

    def __init__(
        self,
        image_shape=(32, 32, 3),
        resolution=None,
        channel_base=16384,
        channel_max=512,
        mbstd_group=4,
        num_classes=None,
        code_classes=0,
        cluster_scores=False,
        **kwargs,
    ):
        image_shape = check_image_shape(image_shape)
        code_classes = check_non_negative_int("code_classes", code_classes)
        cluster_scores = bool(cluster_scores)
        if cluster_scores and (not code_classes or num_classes is not None):
            raise ValueError(
                "`cluster_scores` reads each image's category off the code "
                "head: give code_classes > 0 and no num_classes with it. "
                + format_received(
                    cluster_scores=cluster_scores,
                    code_classes=code_classes,
                    num_classes=num_classes,
                )
            )
        resolution = synthesis_resolution(image_shape, resolution)

        def width(res):
            return channels_at(res, channel_base, channel_max)

        images = keras.Input(image_shape, name="image")
        inputs = images
        x = images
        if tuple(image_shape[:2]) != (resolution, resolution):
            x = keras.layers.ZeroPadding2D(
                (
                    crop_margins(resolution, image_shape[0]),
                    crop_margins(resolution, image_shape[1]),
                ),
                name="pad",
            )(x)
        x = EqualizedConv2D(
            width(resolution), 1, activation="lrelu", name="from_rgb"
        )(x)
        for res in reversed(block_resolutions(resolution)[1:]):
            x = residual_block(x, width(res), width(res // 2), f"b{res}")
        if mbstd_group:
            x = MinibatchStdDev(group_size=mbstd_group, name="mbstd")(x)
        x = EqualizedConv2D(width(4), 3, activation="lrelu", name="b4_conv")(x)
        x = keras.layers.Flatten(name="b4_flatten")(x)
        x = EqualizedDense(width(4), activation="lrelu", name="b4_fc")(x)
        if num_classes is None:
            units = code_classes if cluster_scores else 1
            scores = EqualizedDense(units, name="score")(x)
        else:
            labels = keras.Input((), dtype="int32", name="label")
            inputs = [images, labels]
            features = EqualizedDense(width(4), name="score_features")(x)
            embedding = keras.layers.Embedding(
                num_classes, width(4), name="class_embedding"
            )(labels)
            scores = keras.layers.Dot(axes=1, name="projection")(
                [features, embedding]
            )
            scores = keras.layers.Rescaling(
                1.0 / math.sqrt(width(4)), name="projection_scale"
            )(scores)
        outputs = scores
        if code_classes:
            code = EqualizedDense(code_classes, name="code")(x)
            if cluster_scores:
                scores = ClusterScore(name="cluster_score")([scores, code])
            outputs = [scores, code]
        super().__init__(inputs, outputs, **kwargs)
        self.code_classes = code_classes
        self.cluster_scores = cluster_scores
        self.image_shape = tuple(image_shape)
        self.resolution = resolution
        self.channel_base = check_positive_int("channel_base", channel_base)
        self.channel_max = check_positive_int("channel_max", channel_max)
        self.mbstd_group = int(mbstd_group)
        self.num_classes = num_classes

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "image_shape": self.image_shape,
            "resolution": self.resolution,
            "channel_base": self.channel_base,
            "channel_max": self.channel_max,
            "mbstd_group": self.mbstd_group,
            "num_classes": self.num_classes,
            "code_classes": self.code_classes,
            "cluster_scores": self.cluster_scores,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)
