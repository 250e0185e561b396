"""The conditional models: CGAN (channels or projection D) and ACGAN."""

import keras
import numpy as np
import pytest

import keras_gans
from keras_gans.layers import ConditionalBatchNormalization
from tests import helpers
from tests.models import contract
from tests.models import variant_checks

CONFIGS = contract.CONDITIONAL


def _tiny(name, **overrides):
    cls, options = CONFIGS[name]
    model = helpers.tiny_conditional(cls, **{**options, **overrides})
    model.compile()
    return model


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_generate_with_labels(name):
    model = _tiny(name)
    variant_checks.check_generate(model)
    images = model.generate(6, labels=[0, 1, 2, 2, 1, 0], seed=0)
    assert images.shape == (6, 16, 16, 1)
    np.testing.assert_array_equal(
        model.generate(4, labels=2, seed=3),
        model.generate(4, labels=[2, 2, 2, 2], seed=3),
    )
    # Default labels: every class equally often, in ascending blocks.
    np.testing.assert_array_equal(model.labels_for(6), [0, 0, 1, 1, 2, 2])
    np.testing.assert_array_equal(
        model.generate(6, seed=1),
        model.generate(6, labels=[0, 0, 1, 1, 2, 2], seed=1),
    )


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_changing_the_label_changes_the_output(name):
    model = _tiny(name)
    helpers.fit_steps(model, 2)
    z = model.latents_for(4, seed=0)
    images = {
        c: model.generate_from_latents(z, labels=[c] * 4) for c in range(3)
    }
    for a, b in ((0, 1), (1, 2), (0, 2)):
        assert np.abs(images[a] - images[b]).max() > 1e-3, (a, b)
    if model.d_conditioning is not None:
        x = helpers.random_images(4, model.image_shape)
        scores = [
            helpers.to_numpy(
                model.discriminator([x, np.full((4,), c, "int32")])
            )
            for c in range(2)
        ]
        assert not np.allclose(scores[0], scores[1])


def test_penalties_differentiate_the_score_of_a_two_headed_d():
    # R1 and WGAN-GP take input gradients of D's first output only.
    model = _tiny("acgan", d_batchnorm=False, r1_gamma=1.0, gp_weight=1.0)
    history = helpers.fit_steps(model, 1)
    assert history.history["r1"][-1] > 0
    assert history.history["gp"][-1] > 0


def test_networks_follow_the_options():
    cgan = helpers.tiny_conditional(keras_gans.CGAN)
    assert [tuple(i.shape) for i in cgan.generator.inputs] == [
        (None, 8),
        (None,),
    ]
    assert len(cgan.discriminator.inputs) == 2
    assert cgan.discriminator.get_layer("label_maps").output.shape == (
        None,
        16,
        16,
        4,
    )
    assert not helpers.layers_of(cgan.generator, ConditionalBatchNormalization)
    projection = helpers.tiny_conditional(
        keras_gans.CGAN,
        d_conditioning="projection",
        g_conditional_batchnorm=True,
    )
    assert projection.discriminator.get_layer("class_embedding")
    assert (
        len(helpers.layers_of(projection.generator, ConditionalBatchNormalization)) == 2
    )
    acgan = helpers.tiny_conditional(keras_gans.ACGAN)
    assert len(acgan.discriminator.inputs) == 1
    assert [tuple(o.shape) for o in acgan.discriminator.outputs] == [
        (None, 1),
        (None, 3),
    ]
    assert "d_cls" in acgan.tracked_metric_names()


def test_configs_round_trip():
    for cls, options in CONFIGS.values():
        model = helpers.tiny_conditional(cls, **options)
        clone = cls.from_config(model.get_config())
        assert clone.get_config() == model.get_config()
        assert clone.num_classes == 3
    assert (
        keras.saving.get_registered_name(keras_gans.ACGAN) == "keras_gans>ACGAN"
    )


def test_projection_score_is_psi_plus_the_class_inner_product():
    model = helpers.tiny_conditional(
        keras_gans.CGAN, d_conditioning="projection", d_batchnorm=False
    )
    d = model.discriminator
    x = helpers.random_images(3, model.image_shape)
    y = np.array([2, 0, 1], "int32")
    features = keras.Model(d.inputs, d.get_layer("score").input)([x, y])
    features = helpers.to_numpy(features)
    kernel, bias = (helpers.to_numpy(w) for w in d.get_layer("score").weights)
    table = helpers.to_numpy(d.get_layer("class_embedding").embeddings)
    expected = (
        features @ kernel
        + bias
        + np.sum(features * table[y], -1, keepdims=True)
    )
    np.testing.assert_allclose(
        helpers.to_numpy(d([x, y])), expected, rtol=1e-4, atol=1e-5
    )


def _fixed_acgan_pieces(model, monkeypatch):
    """Replaces G and D by constants; returns them for a hand computation."""
    rng = np.random.default_rng(0)
    scores = {
        "real": rng.normal(size=(4, 1)).astype("float32"),
        "fake": rng.normal(size=(4, 1)).astype("float32"),
    }
    logits = {
        "real": rng.normal(size=(4, 3)).astype("float32"),
        "fake": rng.normal(size=(4, 3)).astype("float32"),
    }

    def synthesize(z, labels, training=True):
        return keras.ops.zeros((4,) + model.image_shape) - 0.5

    def discriminate(images, labels):
        key = (
            "fake" if float(helpers.to_numpy(images).mean()) == -0.5 else "real"
        )
        return (
            keras.ops.convert_to_tensor(scores[key]),
            keras.ops.convert_to_tensor(logits[key]),
        )

    monkeypatch.setattr(model, "synthesize", synthesize)
    monkeypatch.setattr(model, "discriminate", discriminate)
    return scores, logits


def _cross_entropy(logits, labels):
    logits = logits - logits.max(axis=1, keepdims=True)
    log_probs = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    return -np.mean(log_probs[np.arange(len(labels)), labels])


def _softplus(x):
    return np.log1p(np.exp(x))


def test_acgan_losses_match_a_hand_computation(monkeypatch):
    model = helpers.tiny_conditional(keras_gans.ACGAN, class_weight=2.0)
    model.compile()
    scores, logits = _fixed_acgan_pieces(model, monkeypatch)
    images = np.zeros((4,) + model.image_shape, "float32") + 0.25
    labels = np.array([0, 2, 1, 2], "int32")
    real_ce = _cross_entropy(logits["real"], labels)
    # fake_labels="real": the fakes are asked for the real batch's labels.
    fake_ce = _cross_entropy(logits["fake"], labels)
    d_adv = np.mean(_softplus(-scores["real"])) + np.mean(
        _softplus(scores["fake"])
    )
    d_loss = model.discriminator_loss(
        keras.ops.convert_to_tensor(images), keras.ops.convert_to_tensor(labels)
    )
    np.testing.assert_allclose(
        helpers.to_numpy(d_loss), d_adv + 2.0 * (real_ce + fake_ce), rtol=1e-5
    )
    np.testing.assert_allclose(
        helpers.to_numpy(model.d_cls_tracker.result()),
        real_ce + fake_ce,
        rtol=1e-5,
    )
    g_loss = model.generator_loss(
        keras.ops.convert_to_tensor(images), keras.ops.convert_to_tensor(labels)
    )
    g_adv = np.mean(_softplus(-scores["fake"]))
    np.testing.assert_allclose(
        helpers.to_numpy(g_loss), g_adv + 2.0 * fake_ce, rtol=1e-5
    )
    np.testing.assert_allclose(
        helpers.to_numpy(model.g_cls_tracker.result()), fake_ce, rtol=1e-5
    )


def test_uniform_fake_labels_are_seeded_random_classes():
    model = helpers.tiny_conditional(fake_labels="uniform")
    real = keras.ops.convert_to_tensor(np.zeros((64,), "int32"))
    drawn = helpers.to_numpy(model.sample_fake_labels(real))
    assert drawn.shape == (64,) and drawn.dtype == np.int32
    assert set(drawn.tolist()) == {0, 1, 2}
    same = helpers.tiny_conditional(fake_labels="real")
    assert same.sample_fake_labels(real) is real
    assert helpers.tiny_dcgan().sample_fake_labels(real) is None


# ------------------------------------------------------------- bad labels


@pytest.mark.parametrize(
    "labels, match",
    [
        (3, r"\[0, 3\); found 3\. Received: labels=3"),
        (-1, r"found -1\. Received: labels=-1"),
        ([0, 1, 5, 0], r"found 5\. Received: labels=\[0, 1, 5, 0\]"),
        (1.0, r"integer class ids.*Received: labels=1\.0"),
        (
            np.array([0.0, 1.0, 2.0, 0.0]),
            r"not float64 values.*Received: labels=array",
        ),
        (True, r"not bool values.*Received: labels=True"),
        ([0, 1], r"shape \(4,\).*Received: labels=\[0, 1\]"),
        (np.zeros((4, 1), "int32"), r"shape \(4,\).*Received: labels=array"),
    ],
)
def test_generate_rejects_bad_labels(labels, match):
    model = helpers.tiny_conditional()
    with pytest.raises(ValueError, match=match):
        model.generate(4, labels=labels, seed=0)


def test_unconditional_models_take_no_labels():
    with pytest.raises(
        ValueError, match="DCGAN is unconditional.*Received: labels=1"
    ):
        helpers.tiny_dcgan().generate(2, labels=1)


@pytest.mark.parametrize(
    "labels, match",
    [
        (None, r"fit\(images, labels\).*Received: y=None"),
        (np.full((16,), 3, "int32"), r"\[0, 3\); found 3\. Received: y="),
        (
            np.full((16,), 1.0),
            r"integer class labels\. Received: y\.dtype='float64'",
        ),
        (np.zeros((15,), "int32"), r"one label per image \(16\)"),
    ],
)
def test_fit_rejects_bad_label_arrays(labels, match):
    model = _tiny("cgan")
    images = helpers.random_images(16, model.image_shape)
    with pytest.raises(ValueError, match=match):
        model.fit(images, labels, batch_size=8, verbose=0)


def test_fit_checks_dataset_labels():
    import tensorflow as tf

    model = _tiny("acgan")
    images = helpers.random_images(16, model.image_shape)
    unlabelled = tf.data.Dataset.from_tensor_slices(images).batch(8)
    with pytest.raises(ValueError, match="must yield \\(images, labels\\)"):
        model.fit(unlabelled, verbose=0)
    floats = tf.data.Dataset.from_tensor_slices((images, np.zeros(16))).batch(8)
    with pytest.raises(ValueError, match="Received: labels_dtype='float64'"):
        model.fit(floats, verbose=0)
    labels = np.array([0, 1, 2, 7] * 4, "int32")
    out_of_range = tf.data.Dataset.from_tensor_slices((images, labels)).batch(8)
    with pytest.raises(Exception, match=r"class ids in \[0, 3\)") as info:
        model.fit(out_of_range, verbose=0)
    assert "7" in str(info.value)
    # Labelled dict batches train. (A fresh model: Keras' JAX trainer
    # leaves a model whose first step failed without variable values.)
    model = _tiny("acgan")
    good = tf.data.Dataset.from_tensor_slices(
        {"images": images, "labels": labels % 3}
    ).batch(8)
    model.fit(good, verbose=0)
    assert helpers.iterations(model.g_optimizer) == 2


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"num_classes": 1}, "Received: num_classes=1"),
        ({"d_conditioning": None}, "Received: d_conditioning=None"),
        ({"label_encoding": "binary"}, "Received: label_encoding='binary'"),
        ({"embedding_dim": 0}, "Received: embedding_dim=0"),
        ({"fake_labels": "random"}, "Received: fake_labels='random'"),
    ],
)
def test_cgan_arguments_validated(kwargs, match):
    with pytest.raises(ValueError, match=match):
        helpers.tiny_conditional(**kwargs)


def test_acgan_class_weight_validated():
    with pytest.raises(ValueError, match="Received: class_weight=0"):
        helpers.tiny_conditional(keras_gans.ACGAN, class_weight=0)

