"""StyleGAN's mapping network: z (and a class) -> the intermediate latent w."""

import keras
import numpy as np
from keras import ops

from keras_gans.layers.categorical_latent_code import one_hot_code
from keras_gans.layers.equalized_dense import EqualizedDense
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received


def normalize_2nd_moment(x, epsilon=1e-8):
    """`x / sqrt(mean(x²))` over the last axis (StyleGAN's pixel norm of z)."""
    return x * ops.rsqrt(ops.mean(ops.square(x), axis=-1, keepdims=True) + epsilon)


def check_truncation(truncation, count=None):
    """Returns `truncation` (psi) as float32 NumPy, a scalar or `(count,)`.

    Raises:
        ValueError: naming `truncation`, unless it is a finite number >= 0
            or one such number per sample.
    """
    values = None
    if not isinstance(truncation, bool):
        try:
            values = np.asarray(truncation, dtype="float32")
        except (TypeError, ValueError):
            values = None
    if (
        values is None
        or values.ndim > 1
        or (values.ndim == 1 and count is not None and len(values) != count)
        or not np.all(np.isfinite(values))
        or np.any(values < 0)
    ):
        per_sample = "" if count is None else f" (here {count})"
        raise ValueError(
            "`truncation` (psi) must be a finite number >= 0, or one per "
            f"sample{per_sample}: 1 leaves w unchanged, 0 gives the average "
            "w, 0.5-0.7 trades variety for quality. "
            + format_received(truncation=truncation)
        )
    return values


@keras.saving.register_keras_serializable(package="keras_gans")
class MappingNetwork(keras.layers.Layer):
    """Maps latents `z` to styles `w`, broadcast to every synthesis layer.

    `z` is normalized to unit second moment, a conditional network appends
    a normalized class embedding (and one with `latent_classes` the
    embedding of the InfoGAN category read off `z`'s first entries), and `num_layers` equalized-lr dense
    layers (LeakyReLU, learning rate x `lr_multiplier`, 0.01 in StyleGAN)
    give `w`. In training the network tracks the average `w` (`w_avg`,
    updated with `w_avg_beta`), the centre of the truncation trick:
    `w' = w_avg + psi * (w - w_avg)`.

    Called on `z` or `[z, labels]` (int labels `(N,)`), it returns
    `(N, num_ws, w_dim)`: one copy of `w` per synthesis input, which style
    mixing and editing then change per layer.

    Args:
        latent_dim: size of `z`.
        w_dim: size of `w`.
        num_ws: how many copies of `w` the synthesis network takes.
        num_layers: dense layers (8 in StyleGAN2, 2 in its `cifar` config).
        num_classes: classes of a conditional network; `None` for none.
        latent_classes: categories of an InfoGAN code read off the first
            `latent_classes` entries of `z` (`one_hot_code`); 0 for none.
        lr_multiplier: the layers' learning-rate multiplier.
        w_avg_beta: decay of the `w_avg` tracking (0.995).
        **kwargs: base `Layer` arguments (`name`, `dtype`).

    Raises:
        ValueError: naming the argument, for non-positive sizes or a
            `w_avg_beta` outside [0, 1).
    """

    def __init__(
        self,
        latent_dim,
        w_dim,
        num_ws,
        num_layers=8,
        num_classes=None,
        latent_classes=0,
        lr_multiplier=0.01,
        w_avg_beta=0.995,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.latent_dim = check_positive_int("latent_dim", latent_dim)
        self.w_dim = check_positive_int("w_dim", w_dim)
        self.num_ws = check_positive_int("num_ws", num_ws)
        self.num_layers = check_positive_int("mapping_layers", num_layers)
        self.num_classes = (
            None if num_classes is None
            else check_positive_int("num_classes", num_classes)
        )
        self.latent_classes = int(latent_classes)
        if not 0 <= self.latent_classes <= self.latent_dim:
            raise ValueError(
                "`latent_classes` reads its code from the first entries of "
                f"z: it must be in [0, latent_dim={self.latent_dim}]. "
                + format_received(latent_classes=latent_classes)
            )
        self.lr_multiplier = float(lr_multiplier)
        if isinstance(w_avg_beta, bool) or not (
            isinstance(w_avg_beta, (int, float)) and 0.0 <= w_avg_beta < 1.0
        ):
            raise ValueError(
                "`w_avg_beta` must be a number in [0, 1). "
                + format_received(w_avg_beta=w_avg_beta)
            )
        self.w_avg_beta = float(w_avg_beta)
        self.embed = None
        if self.num_classes is not None:
            self.embed = EqualizedDense(self.w_dim, name="embed")
        self.code_embed = None
        if self.latent_classes:
            self.code_embed = EqualizedDense(self.w_dim, name="code_embed")
        self.dense_layers = [
            EqualizedDense(
                self.w_dim,
                lr_multiplier=self.lr_multiplier,
                activation="lrelu",
                name=f"fc{i}",
            )
            for i in range(self.num_layers)
        ]

    def build(self, input_shape):
        width = self.latent_dim
        if self.embed is not None:
            self.embed.build((None, self.num_classes))
            width += self.w_dim
        if self.code_embed is not None:
            self.code_embed.build((None, self.latent_classes))
            width += self.w_dim
        for layer in self.dense_layers:
            layer.build((None, width))
            width = self.w_dim
        self.w_avg = self.add_weight(
            shape=(self.w_dim,), initializer="zeros", trainable=False,
            name="w_avg",
        )

    def call(self, inputs, training=False, truncation=None):
        """`truncation`: psi, a scalar or one per example; `None` or 1
        leaves `w` unchanged (training never truncates)."""
        if self.num_classes is not None:
            z, labels = inputs
        else:
            z, labels = inputs, None
        x = normalize_2nd_moment(z)
        if labels is not None:
            one_hot = ops.one_hot(
                ops.reshape(ops.cast(labels, "int32"), (-1,)),
                self.num_classes, dtype=x.dtype,
            )
            x = ops.concatenate(
                [x, normalize_2nd_moment(self.embed(one_hot))], axis=-1
            )
        if self.code_embed is not None:
            code = one_hot_code(z, self.latent_classes)
            x = ops.concatenate(
                [x, normalize_2nd_moment(self.code_embed(code))], axis=-1
            )
        for layer in self.dense_layers:
            x = layer(x)
        if training:
            batch_mean = ops.stop_gradient(ops.mean(x, axis=0))
            self.w_avg.assign(
                batch_mean + self.w_avg_beta * (self.w_avg - batch_mean)
            )
        if truncation is not None:
            x = self.truncate(x, truncation)
        return ops.repeat(x[:, None, :], self.num_ws, axis=1)

    def truncate(self, w, truncation):
        """`w_avg + psi * (w - w_avg)` for `w` of shape `(N, [num_ws,] w_dim)`."""
        psi = ops.cast(ops.convert_to_tensor(truncation), w.dtype)
        psi = ops.reshape(psi, (-1,) + (1,) * (len(w.shape) - 1))
        w_avg = ops.cast(self.w_avg, w.dtype)
        return w_avg + psi * (w - w_avg)

    def compute_output_shape(self, input_shape):
        return (None, self.num_ws, self.w_dim)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "latent_dim": self.latent_dim,
                "w_dim": self.w_dim,
                "num_ws": self.num_ws,
                "num_layers": self.num_layers,
                "num_classes": self.num_classes,
                "latent_classes": self.latent_classes,
                "lr_multiplier": self.lr_multiplier,
                "w_avg_beta": self.w_avg_beta,
            }
        )
        return config
