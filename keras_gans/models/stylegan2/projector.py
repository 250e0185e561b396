"""Projection (GAN inversion) of a real image into StyleGAN2's `w` space.

The method of StyleGAN2's `projector.py` (Karras et al. 2020, Sec. 5; the
StyleGAN2-ADA PyTorch version): starting from the average `w`, Adam
optimizes one `w` (broadcast to every synthesis layer) and the per-layer
noise maps so that the synthesized image matches the target under a
distance, with

- a learning rate ramped up over the first 5% of the steps and down
  (cosine) over the last 25%,
- Gaussian noise added to `w`, `0.05 * std(w)` at the start, ramped
  down quadratically to 0 at 75% of the steps (explores the space
  early on),
- a penalty (weight 1e5) on the noise maps' autocorrelation at every
  scale of a pyramid of 2x2 averages, and each map renormalized to zero
  mean and unit variance after every step, so the noise cannot take
  over the image's content.

Gradients come from `keras_gans.training.differentiation.vjp`, the Adam
update is NumPy: the same code on TensorFlow, JAX and PyTorch. Each
step's loss and gradients are one Keras inference call
(`predict_on_batch` of a small model wrapping the `vjp`), which Keras
compiles once per projection on TensorFlow and JAX (eagerly, every op
of a step would be dispatched from Python: 10-30x slower there).
"""

import math
import numbers
import os
import warnings

import keras
import numpy as np
from keras import ops

from keras_gans.losses.perceptual_loss import NOTOP_FILE
from keras_gans.losses.perceptual_loss import VGG19_LAYERS
from keras_gans.losses.perceptual_loss import PerceptualLoss
from keras_gans.models.stylegan2.stylegan2_generator import crop_margins
from keras_gans.training.differentiation import vjp
from keras_gans.utils.labels import check_labels
from keras_gans.utils.validation import check_choice
from keras_gans.utils.validation import check_positive_int
from keras_gans.utils.validation import format_received

DISTANCES = ("auto", "vgg", "pixel+discriminator", "pixel")
# The VGG19 layer of the perceptual distance: 4x downsampled, deep enough
# to be perceptual, fine enough to keep the image's layout.
DEFAULT_VGG_LAYER = "block3_conv4"
# Larger images are average-pooled to at most this size before the VGG
# (NVIDIA's projector: 256, the VGG was trained on 224x224 crops).
VGG_MAX_SIZE = 256
# Adam of the reference projector.
BETAS = (0.9, 0.999)
EPSILON = 1e-8
# Seed of the latents that estimate the spread of `w` (the reference's).
W_STATS_SEED = 123


def project(
    gan,
    image,
    steps=500,
    *,
    label=None,
    distance="auto",
    vgg_weights=None,
    vgg_layer=DEFAULT_VGG_LAYER,
    w_plus=False,
    optimize_noise=True,
    initial_learning_rate=0.1,
    initial_noise_factor=0.05,
    lr_rampup_length=0.05,
    lr_rampdown_length=0.25,
    noise_ramp_length=0.75,
    regularize_noise_weight=1e5,
    feature_weight=1.0,
    w_avg_samples=10000,
    seed=0,
    verbose=False,
):
    """Finds the `w` (and noise maps) with which `gan` draws `image`.

    StyleGAN2's projector: Adam on `w`, started at the average `w`, and on
    the noise maps (started at the generator's own fixed maps, kept at
    zero mean and unit variance, their autocorrelation penalized), with
    the reference's learning-rate ramps and decaying `w` noise. The
    sampling generator (the EMA one if kept) draws the images; nothing in
    the model changes.

    The distance between the synthesized image and the target:

    - `"vgg"`: `keras_gans.losses.PerceptualLoss`, the mean squared
      distance of VGG19 features at `vgg_layer` (grayscale repeated to
      RGB; images over 256 pixels average-pooled down first).
    - `"pixel+discriminator"`: the mean squared pixel error plus, times
      `feature_weight`, the model's discriminator features (its `from_rgb`
      output and each residual block's): per layer the mean squared
      difference divided by the target features' mean square, averaged
      over the layers. Needs no download.
    - `"pixel"`: the mean squared pixel error only.
    - `"auto"`: `"vgg"` if its weights are at hand without a download
      (`vgg_weights`, or the ImageNet file in Keras' cache: see
      `find_vgg_weights`) and the image is large enough for `vgg_layer`,
      else `"pixel+discriminator"`.

    Args:
        gan: a `keras_gans.StyleGAN2`.
        image: the target, `(H, W, C)` or `(1, H, W, C)` floats in
            [-1, 1] of the model's `image_shape`.
        steps: optimization steps (the reference: 1000).
        label: the class of a conditional model (required there): the
            average `w` and its spread are taken over that class's `w`.
        distance: `"auto"`, `"vgg"`, `"pixel+discriminator"` or
            `"pixel"` (above).
        vgg_weights: path of the VGG19 weights file (`include_top=False`,
            as `PerceptualLoss(weights=...)`); `None` looks in Keras'
            cache (`"auto"`) or downloads it (`"vgg"`).
        vgg_layer: the VGG19 layer of `"vgg"`, one of
            `PerceptualLoss.LAYERS`.
        w_plus: optimize one `w` per synthesis layer (W+, a closer but
            less editable fit) instead of one `w` for all (W).
        optimize_noise: also optimize the noise maps (the reference);
            `False` keeps the generator's fixed maps.
        initial_learning_rate: Adam's peak learning rate (0.1).
        initial_noise_factor: the `w` noise at the start, times the
            spread of `w` (0.05).
        lr_rampup_length: fraction of the steps of the linear warm-up.
        lr_rampdown_length: fraction of the steps of the cosine decay.
        noise_ramp_length: fraction of the steps over which the `w`
            noise decays to 0.
        regularize_noise_weight: weight of the noise autocorrelation
            penalty (1e5).
        feature_weight: weight of the discriminator features in
            `"pixel+discriminator"`.
        w_avg_samples: latents mapped to estimate the spread of `w` (and,
            for a model that never tracked it or a class, its mean).
        seed: seed of the `w` noise (an int or `None`).
        verbose: print the loss every 10% of the steps.

    Returns:
        A dict with `ws` `(num_ws, w_dim)` float32 (for
        `gan.generate_from_ws(ws[None], noise=noise)`), `image` the
        reconstruction `(H, W, C)` in [-1, 1], `losses` (the total loss
        per step), `distances` (its distance term per step), `noise` the
        optimized maps (each `(1, h, w, 1)`, in `noise_shapes` order) and
        `distance` (the distance used).

    Raises:
        ValueError: naming the argument, for an image of the wrong shape,
            channels or range, a non-positive `steps`, a missing or
            needless `label`, or another bad argument; for `"vgg"` on
            images smaller than `vgg_layer` needs.
        FileNotFoundError: for a `vgg_weights` path to no file.
        RuntimeError: for `distance="vgg"` when the ImageNet weights can
            be neither found nor downloaded.

    Example:

    ```python
    result = gan.project(photo, steps=1000)
    print(result["distance"], result["losses"][-1])
    again = gan.generate_from_ws(result["ws"][None], noise=result["noise"])
    ```
    """
    generator = gan.sampling_generator
    target = _check_image(image, generator.image_shape)
    steps = check_positive_int("steps", steps)
    check_choice("distance", distance, DISTANCES)
    check_choice("vgg_layer", vgg_layer, VGG19_LAYERS)
    w_plus = _check_bool("w_plus", w_plus)
    optimize_noise = _check_bool("optimize_noise", optimize_noise)
    verbose = _check_bool("verbose", verbose)
    initial_learning_rate = _check_number(
        "initial_learning_rate", initial_learning_rate, positive=True
    )
    initial_noise_factor = _check_number(
        "initial_noise_factor", initial_noise_factor
    )
    lr_rampup_length = _check_number("lr_rampup_length", lr_rampup_length)
    lr_rampdown_length = _check_number(
        "lr_rampdown_length", lr_rampdown_length
    )
    noise_ramp_length = _check_number("noise_ramp_length", noise_ramp_length)
    regularize_noise_weight = _check_number(
        "regularize_noise_weight", regularize_noise_weight
    )
    feature_weight = _check_number("feature_weight", feature_weight)
    w_avg_samples = check_positive_int("w_avg_samples", w_avg_samples)
    if seed is not None:
        seed = _check_seed(seed)
    labels = _check_label(gan, label)

    # The start and the spread of w.
    w_avg, w_std = w_statistics(gan, w_avg_samples, labels)
    num_ws = int(gan.num_ws)
    w_opt = np.tile(w_avg[None], (num_ws if w_plus else 1, 1))

    # The noise maps: the generator's fixed ones, optimized from zero mean
    # and unit variance (as after every step) or kept as they are.
    noise = [
        ops.convert_to_numpy(layer.noise_layer.noise.value).astype("float32")
        for layer in generator.synthesis.convs
    ]
    if optimize_noise:
        noise = [_normalized(maps) for maps in noise]

    distance_fn, distance, networks = _make_distance(
        gan, target, distance, vgg_weights, vgg_layer, feature_weight
    )
    synthesize = _synthesizer(generator)

    def loss_fn(inputs, w_noise):
        ws = inputs["w"] + w_noise
        if not w_plus:
            ws = ops.repeat(ws, num_ws, axis=0)
        maps = inputs["noise"]
        images = synthesize(ws[None], maps)
        dist = distance_fn(images)
        total = dist
        if optimize_noise and regularize_noise_weight:
            penalty = _noise_regularization(maps)
            total = dist + regularize_noise_weight * penalty
        return ops.stack([total, dist])

    step_fn = _ProjectionStep(loss_fn, [generator, *networks])
    rng = np.random.default_rng(seed)
    params = {"w": w_opt, "noise": noise}
    adam = _Adam(params)
    losses, distances = [], []
    for step in range(steps):
        t = step / steps
        w_noise_scale = (
            w_std * initial_noise_factor
            * max(0.0, 1.0 - t / noise_ramp_length) ** 2
            if noise_ramp_length > 0 else 0.0
        )
        learning_rate = initial_learning_rate * _lr_ramp(
            t, lr_rampup_length, lr_rampdown_length
        )
        w_noise = rng.standard_normal(w_opt.shape) * w_noise_scale
        values, grads = step_fn.gradients(params, w_noise.astype("float32"))
        losses.append(float(values[0]))
        distances.append(float(values[1]))
        if not optimize_noise:
            grads["noise"] = [np.zeros_like(n) for n in noise]
        adam.update(params, grads, learning_rate)
        if optimize_noise:
            # The reference renormalizes the maps after every step.
            params["noise"] = [_normalized(maps) for maps in params["noise"]]
        if verbose and (
            step == steps - 1 or (step + 1) % max(1, steps // 10) == 0
        ):
            print(
                f"step {step + 1:>4d}/{steps}: {distance} {distances[-1]:.4g}"
                f" loss {losses[-1]:.4g}"
            )

    ws = params["w"] if w_plus else np.tile(params["w"], (num_ws, 1))
    ws = np.asarray(ws, "float32")
    final_noise = [np.asarray(n, "float32") for n in params["noise"]]
    reconstruction = generator.images_from_ws(
        ops.convert_to_tensor(ws[None]), training=False,
        noise=[ops.convert_to_tensor(n) for n in final_noise],
    )
    return {
        "ws": ws,
        "image": ops.convert_to_numpy(reconstruction)[0].astype("float32"),
        "losses": losses,
        "distances": distances,
        "noise": final_noise,
        "distance": distance,
    }


# ------------------------------------------------------------ the pieces


def w_statistics(gan, samples, labels=None, batch_size=1000):
    """`(w_avg, w_std)`: where projection starts and the spread of `w`.

    `w_avg` is the mapping network's tracked average, or, for a model
    that never tracked one (all zeros: untrained) or for a class
    (`labels`), the mean of `samples` mapped latents. `w_std` is the
    reference's: the root mean squared distance of those `w` to `w_avg`
    (over all of `w`'s entries summed, i.e. a norm, not per entry).
    """
    mapping = gan.sampling_generator.mapping
    z = np.random.default_rng(W_STATS_SEED).standard_normal(
        (samples, gan.latent_dim)
    ).astype("float32")
    ws = []
    for start in range(0, samples, batch_size):
        batch = ops.convert_to_tensor(z[start : start + batch_size])
        if labels is not None:
            batch = [
                batch,
                ops.convert_to_tensor(
                    np.full((len(z[start : start + batch_size]),), labels[0],
                            "int32")
                ),
            ]
        # Only the first copy of w: the mapping broadcasts it to num_ws.
        ws.append(ops.convert_to_numpy(mapping(batch, training=False)[:, 0]))
    ws = np.concatenate(ws).astype("float64")
    w_avg = np.asarray(ops.convert_to_numpy(mapping.w_avg.value), "float64")
    if labels is not None or not np.any(w_avg):
        w_avg = ws.mean(axis=0)
    w_std = math.sqrt(float(np.sum(np.square(ws - w_avg))) / samples)
    return w_avg.astype("float32"), w_std


def find_vgg_weights():
    """Keras' cached ImageNet VGG19 file (`include_top=False`), or `None`.

    Looks where `keras.utils.get_file` (hence `PerceptualLoss`) puts it:
    `$KERAS_HOME/models/`, `~/.keras/models/` or `/tmp/.keras/models/`.
    Downloads nothing: `distance="auto"` uses it to choose the VGG
    distance only when the weights are already here.
    """
    homes = []
    if os.environ.get("KERAS_HOME"):
        homes.append(os.environ["KERAS_HOME"])
    homes += [os.path.join(os.path.expanduser("~"), ".keras"),
              os.path.join("/tmp", ".keras")]
    for home in homes:
        path = os.path.join(os.path.expanduser(home), "models", NOTOP_FILE)
        if os.path.isfile(path):
            return path
    return None


def _synthesizer(generator):
    """`(ws, noise) -> images` of the generator, cropped to its image shape
    and clipped to [-1, 1] as at inference, but with a straight-through
    gradient: a pixel past the range still learns to come back (a plain
    clip would pass it no gradient), and one past it where the target is
    at the bound costs nothing (the unclipped output would be penalized
    even at the target's own `w`)."""
    synthesis = generator.synthesis
    height, width = generator.image_shape[:2]
    resolution = synthesis.resolution
    top, _ = crop_margins(resolution, height)
    left, _ = crop_margins(resolution, width)

    def synthesize(ws, noise):
        images = synthesis(ws, training=False, noise=list(noise))
        if (height, width) != (resolution, resolution):
            images = images[:, top : top + height, left : left + width]
        images = ops.cast(images, "float32")
        return images + ops.stop_gradient(ops.clip(images, -1.0, 1.0) - images)

    return synthesize


def _noise_regularization(maps):
    """The reference's penalty: at every scale of each map's 2x2-average
    pyramid (down to 8x8), the squared mean product of the map with
    itself shifted by one pixel (wrapping around), along each axis."""
    total = 0.0
    for noise in maps:
        noise = ops.cast(noise, "float32")
        while True:
            total = total + ops.square(
                ops.mean(noise * ops.roll(noise, 1, axis=2))
            )
            total = total + ops.square(
                ops.mean(noise * ops.roll(noise, 1, axis=1))
            )
            if noise.shape[1] <= 8:
                break
            noise = ops.average_pool(noise, 2, 2, padding="valid")
    return total


class _ProjectionStep(keras.Model):
    """One step's `(loss values, gradients)`, compiled by Keras.

    `call` is the `vjp` of the loss with respect to `w` and the noise
    maps, a pure function of tensors; `predict_on_batch` runs it as
    Keras runs inference on each backend (a `tf.function` on TensorFlow,
    `jax.jit` on JAX, eagerly on torch), traced once for all the steps,
    where eager TensorFlow and JAX would dispatch every op of the
    forward and backward passes from Python at each step. The networks
    are tracked so that JAX passes their weights as arguments rather
    than baking them in as constants.
    """

    def __init__(self, loss_fn, networks):
        # float32 whatever the dtype policy: the inputs are what Adam
        # optimizes (the networks still compute under their own policy).
        super().__init__(name="projection_step", dtype="float32")
        self._loss_fn = loss_fn
        self.networks = list(networks)
        self.built = True

    def call(self, inputs):
        w_noise = inputs["w_noise"]
        values, grads = vjp(
            lambda x: self._loss_fn(x, w_noise),
            {"w": inputs["w"], "noise": list(inputs["noise"])},
            cotangent=ops.convert_to_tensor([1.0, 0.0], "float32"),
            create_graph=False,
        )
        return {"values": values, "w": grads["w"], "noise": grads["noise"]}

    def gradients(self, params, w_noise):
        """`(values, grads)` as NumPy at `params` (NumPy `w` and noise)."""
        outputs = self.predict_on_batch(
            {"w": params["w"], "noise": list(params["noise"]),
             "w_noise": w_noise}
        )
        grads = {
            "w": np.asarray(outputs["w"], "float32"),
            "noise": [np.asarray(g, "float32") for g in outputs["noise"]],
        }
        return np.asarray(outputs["values"]), grads


def _normalized(maps):
    """`maps` (float32 NumPy) at zero mean and unit variance."""
    maps = np.asarray(maps, "float64")
    maps = maps - maps.mean()
    return (maps / math.sqrt(float(np.mean(np.square(maps))) + 1e-16)).astype(
        "float32"
    )


def _lr_ramp(t, rampup, rampdown):
    """The reference's learning-rate factor at progress `t` in [0, 1)."""
    ramp = min(1.0, (1.0 - t) / rampdown) if rampdown > 0 else 1.0
    ramp = 0.5 - 0.5 * math.cos(ramp * math.pi)
    return ramp * (min(1.0, t / rampup) if rampup > 0 else 1.0)


class _Adam:
    """Adam (β = 0.9, 0.999, ε = 1e-8, as the reference's torch Adam) on
    NumPy arrays, updated in place."""

    def __init__(self, params):
        self.m = _map(np.zeros_like, params)
        self.v = _map(np.zeros_like, params)
        self.t = 0

    def update(self, params, grads, learning_rate):
        self.t += 1
        b1, b2 = BETAS
        correction1 = 1.0 - b1**self.t
        correction2 = 1.0 - b2**self.t
        for p, g, m, v in zip(
            _leaves(params), _leaves(grads), _leaves(self.m), _leaves(self.v)
        ):
            g = np.asarray(g, "float32")
            m *= b1
            m += (1.0 - b1) * g
            v *= b2
            v += (1.0 - b2) * np.square(g)
            denominator = np.sqrt(v / correction2) + EPSILON
            p -= (learning_rate / correction1) * m / denominator


def _leaves(params):
    return [params["w"], *params["noise"]]


def _map(fn, params):
    return {"w": fn(params["w"]), "noise": [fn(n) for n in params["noise"]]}


# ---------------------------------------------------------- the distances


def _make_distance(
    gan, target, distance, vgg_weights, vgg_layer, feature_weight
):
    """`(fn, name, networks)`: `fn(images)` the scalar distance of `(1, H,
    W, C)` float32 images to `target`, the name of the distance used and
    the Keras networks `fn` runs."""
    target = ops.convert_to_tensor(target[None])
    if distance == "auto":
        fits = _fits_vgg(target.shape, vgg_layer)
        if vgg_weights is not None and fits:
            # The caller's own file: its errors are theirs to see.
            distance = "vgg"
        else:
            path = find_vgg_weights() if fits else None
            if path is not None:
                try:
                    fn, networks = _vgg_distance(target, path, vgg_layer)
                    return fn, "vgg", networks
                except (ValueError, OSError) as error:
                    warnings.warn(
                        "Projection falls back to the pixel and "
                        "discriminator distance: the cached VGG19 weights "
                        f"could not be loaded ({error}).",
                        stacklevel=3,
                    )
            distance = "pixel+discriminator"
    if distance == "vgg":
        if not _fits_vgg(target.shape, vgg_layer):
            raise ValueError(
                f"`distance=\"vgg\"` at `vgg_layer={vgg_layer!r}` needs "
                f"images of at least {_vgg_min_size(vgg_layer)} pixels "
                "(each earlier pooling halves them); use an earlier layer "
                "or `distance=\"pixel+discriminator\"`. "
                + format_received(distance=distance, vgg_layer=vgg_layer)
            )
        weights = "imagenet" if vgg_weights is None else vgg_weights
        fn, networks = _vgg_distance(target, weights, vgg_layer)
        return fn, "vgg", networks
    if distance == "pixel":
        return _pixel_distance(target), "pixel", []
    fn, networks = _discriminator_distance(gan, target, feature_weight)
    return fn, "pixel+discriminator", networks


def _pixel_distance(target):
    def fn(images):
        return ops.mean(ops.square(images - target))

    return fn


def _discriminator_distance(gan, target, feature_weight):
    """Pixel MSE plus the discriminator's features, each layer's squared
    difference relative to the target features' mean square."""
    model = discriminator_features(gan.discriminator)

    def features(images):
        outputs = _as_list(model(images, training=False))
        return [ops.cast(f, "float32") for f in outputs]

    targets = [ops.stop_gradient(f) for f in features(target)]
    scales = [
        1.0 / (float(ops.convert_to_numpy(ops.mean(ops.square(f)))) + 1e-8)
        for f in targets
    ]

    def fn(images):
        pixel = ops.mean(ops.square(images - target))
        if not feature_weight:
            return pixel
        terms = [
            ops.mean(ops.square(f - t)) * s
            for f, t, s in zip(features(images), targets, scales)
        ]
        return pixel + feature_weight * ops.mean(ops.stack(terms))

    return fn, [model]


def discriminator_features(discriminator):
    """A model from `discriminator`'s images to a list of its `from_rgb`
    output and each residual block's output (the layers `b{res}_add`)."""
    names = [
        layer.name for layer in discriminator.layers
        if layer.name == "from_rgb" or layer.name.endswith("_add")
    ]
    if not names:
        raise ValueError(
            "The discriminator has no `from_rgb` or `*_add` layers to take "
            'features from; use `distance="pixel"`. '
            + format_received(discriminator=discriminator.name)
        )
    images = discriminator.inputs[0]
    outputs = [discriminator.get_layer(name).output for name in names]
    return keras.Model(images, outputs, name="discriminator_features")


def _vgg_distance(target, weights, layer):
    """`(fn, networks)` of `PerceptualLoss` at `layer` (grayscale repeated
    to RGB, large images average-pooled to at most 256 pixels)."""
    loss = PerceptualLoss(layer=layer, weights=weights)
    factor = _vgg_pool_factor(target.shape)

    def prepare(images):
        if images.shape[-1] == 1:
            images = ops.repeat(images, 3, axis=-1)
        if factor > 1:
            images = ops.average_pool(images, factor, factor, padding="valid")
        return images

    target_features = ops.stop_gradient(loss.features(prepare(target)))

    def fn(images):
        difference = (target_features - loss.features(prepare(images)))
        difference = difference * loss.rescale
        if loss.distance == "mse":
            return ops.mean(ops.square(difference))
        return ops.mean(ops.abs(difference))

    return fn, []


def _vgg_pool_factor(shape):
    return max(1, math.ceil(max(shape[1], shape[2]) / VGG_MAX_SIZE))


def _vgg_min_size(layer):
    pools = VGG19_LAYERS[: VGG19_LAYERS.index(layer) + 1]
    return 2 ** sum(name.endswith("_pool") for name in pools)


def _fits_vgg(shape, layer):
    factor = _vgg_pool_factor(shape)
    return min(shape[1], shape[2]) // factor >= _vgg_min_size(layer)


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


# ------------------------------------------------------------- the checks


def _check_image(image, image_shape):
    """The target as float32 `(H, W, C)`."""
    try:
        array = np.asarray(ops.convert_to_numpy(image))
    except Exception:  # noqa: BLE001 (any non-array input)
        array = None
    expected = tuple(int(d) for d in image_shape)
    if array is None or not (
        np.issubdtype(array.dtype, np.integer)
        or np.issubdtype(array.dtype, np.floating)
    ):
        raise ValueError(
            f"`image` must be a float array of shape {expected} in [-1, 1]. "
            + format_received(image=_describe(image))
        )
    if array.ndim == 4 and array.shape[0] == 1:
        array = array[0]
    if array.ndim != 3 or array.shape[:2] != expected[:2]:
        raise ValueError(
            f"`image` must be one image of the model's shape {expected} "
            f"(or a batch of one, (1, {expected[0]}, {expected[1]}, "
            f"{expected[2]})). " + format_received(image=_describe(array))
        )
    if array.shape[2] != expected[2]:
        raise ValueError(
            f"`image` must have the model's {expected[2]} channel(s). "
            + format_received(image=_describe(array))
        )
    array = array.astype("float32")
    if not np.all(np.isfinite(array)):
        raise ValueError(
            "`image` must hold finite values in [-1, 1]. "
            + format_received(image=_describe(array))
        )
    low, high = float(array.min()), float(array.max())
    if low < -1.0 - 1e-3 or high > 1.0 + 1e-3:
        raise ValueError(
            "`image` must hold values in [-1, 1] (the generator's range); "
            "scale uint8 pixels with `x / 127.5 - 1`. "
            + format_received(image=f"values in [{low:g}, {high:g}]")
        )
    return np.clip(array, -1.0, 1.0)


def _describe(value):
    shape = getattr(value, "shape", None)
    if shape is not None:
        dtype = getattr(value, "dtype", "")
        return f"array of shape {tuple(shape)} {dtype}".strip()
    return value


def _check_label(gan, label):
    """`None` for an unconditional model, else the label as `(1,)` int32."""
    if not gan.uses_labels:
        if label is not None:
            raise ValueError(
                "`label` is only for conditional models; this StyleGAN2 is "
                "unconditional. " + format_received(label=label)
            )
        return None
    if label is None:
        raise ValueError(
            f"`label` must be given for a conditional model: the class "
            f"(an int in [0, {gan.num_classes})) of the image to project. "
            + format_received(label=label)
        )
    array = np.asarray(label)
    if array.size != 1:
        raise ValueError(
            "`label` must be one class id. " + format_received(label=label)
        )
    return check_labels(array.reshape(()).item() if array.ndim else label, 1,
                        gan.num_classes, name="label")


def _check_bool(name, value):
    if not isinstance(value, bool):
        raise ValueError(
            f"`{name}` must be True or False. "
            + format_received(**{name: value})
        )
    return value


def _check_number(name, value, positive=False):
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not math.isfinite(float(value))
        or float(value) < 0
        or (positive and float(value) == 0)
    ):
        bound = "> 0" if positive else ">= 0"
        raise ValueError(
            f"`{name}` must be a finite number {bound}. "
            + format_received(**{name: value})
        )
    return float(value)


def _check_seed(seed):
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise ValueError(
            "`seed` must be an int or None. " + format_received(seed=seed)
        )
    return int(seed)
