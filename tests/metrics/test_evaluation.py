"""Tests of `keras_gans.metrics.evaluation` (what `keras-gans eval` runs).

KID here averages 10 subsets, not the default 100 (`_ten_kid_subsets`):
its 100 subsets of up to 1,000 features, sklearn kernels in NumPy and the
same on every backend, were most of each evaluation (17 of 21 s for 899
real digits), in every session. The estimator and its subset averaging are
checked in tests/metrics/test_kernel_distance_and_precision_recall.py and
the KID callback's test; here evaluate's wiring of it (real against
generated features, the seed, the mean and std in the result) is checked,
with the same subset sizes.
"""

import functools
import json
import re

import keras
import numpy as np
import pytest

import keras_gans.metrics
from keras_gans import cli
from keras_gans.metrics import evaluation
from tests.metrics.conftest import DIGITS_SHAPE

KID_SUBSETS = 10


@pytest.fixture(autouse=True)
def _ten_kid_subsets(monkeypatch):
    """`evaluate` imports `keras_gans.metrics.kernel_distance` when called."""
    monkeypatch.setattr(
        keras_gans.metrics,
        "kernel_distance",
        functools.partial(
            keras_gans.metrics.kernel_distance, num_subsets=KID_SUBSETS
        ),
    )


@pytest.fixture(scope="module")
def noise_generator_path(tmp_path_factory):
    """A plain Keras generator `.keras` file whose images are noise."""
    latents = keras.Input((4,))
    x = keras.layers.Dense(
        int(np.prod(DIGITS_SHAPE)),
        activation="tanh",
        kernel_initializer=keras.initializers.RandomNormal(stddev=3.0, seed=0),
    )(latents)
    model = keras.Model(latents, keras.layers.Reshape(DIGITS_SHAPE)(x))
    path = str(tmp_path_factory.mktemp("noise_gen") / "generator.keras")
    model.save(path)
    return path


def test_evaluate_noise_generator(
    noise_generator_path, digits_extractor
):
    result = evaluation.evaluate(
        noise_generator_path, "digits", n=300, extractor=digits_extractor
    )
    assert result["n"] == 300 and result["n_real"] == 1797
    assert result["dataset"] == "digits"
    assert result["image_shape"] == list(DIGITS_SHAPE)
    assert result["artifact_kind"] == "keras"
    assert result["extractor"]["name"] == "classifier-digits-16x16x1"
    assert result["extractor"]["accuracy"] >= 0.9
    assert result["extractor"]["trained_now"] is digits_extractor.trained
    assert result["real_vs_real_sizes"] == [899, 898]
    assert 0.0 <= result["fid_real_vs_real"] < 0.1 * result["fid"]
    # Noise is far from the digits' manifold in every measure.
    assert result["kid"] > 10 * result["kid_std"] / 10**0.5 > 0
    # (Real digits score > 0.7; k-NN precision in the 128-d features of
    # the suite's 8-epoch classifier lets some noise near the manifold.)
    assert result["precision"] < 0.4
    assert result["recognisability"] < 0.8
    # Same seed, same latents, same number.
    again = evaluation.evaluate(
        noise_generator_path, "digits", n=300, extractor=digits_extractor.path
    )
    assert again["fid"] == pytest.approx(result["fid"], rel=1e-5)
    assert again["extractor"]["trained_now"] is False


def test_evaluate_images_matches_evaluate(
    noise_generator_path, digits_extractor
):
    from keras_gans.export import load_generator_artifact

    images = load_generator_artifact(noise_generator_path).sample(300, seed=0)
    in_memory = evaluation.evaluate_images(
        images, "digits", extractor=digits_extractor, batch_size=64
    )
    from_file = evaluation.evaluate(
        noise_generator_path, "digits", n=300, extractor=digits_extractor
    )
    assert in_memory["fid"] == pytest.approx(from_file["fid"], rel=1e-4)
    assert in_memory["fid_real_vs_real"] == from_file["fid_real_vs_real"]
    assert "artifact" not in in_memory


def test_evaluate_images_real_digits_score_near_floor(
    digits_extractor, digits_images
):
    result = evaluation.evaluate_images(
        digits_images[::2], "digits", extractor=digits_extractor
    )
    assert result["fid"] < 2 * result["fid_real_vs_real"] + 1.0
    # Real digits: every class is covered about as often as it occurs.
    counts = np.array(result["class_counts"])
    assert counts.sum() == len(digits_images[::2]) and len(counts) == 10
    assert counts.min() > 0.5 * counts.mean()
    np.testing.assert_allclose(
        result["class_shares"], counts / counts.sum(), atol=1e-4
    )
    assert result["min_class_share"] == pytest.approx(
        counts.min() / counts.sum(), abs=1e-4
    )
    assert result["max_class_share"] == pytest.approx(
        counts.max() / counts.sum(), abs=1e-4
    )
    # Real digits are recognised with confidence.
    assert result["recognisability"] > 0.8
    # These images are half of the reference set itself: shared points
    # raise the cross term, so the unbiased KID comes out at or below 0.
    assert result["kid"] < 3 * result["kid_std"]
    assert result["precision"] > 0.7 and result["recall"] > 0.7


@pytest.mark.parametrize(
    "images, kwargs, match",
    [
        (np.zeros((16, 16, 1)), {}, "Received: images="),
        (np.zeros((1, 16, 16, 1)), {}, "Received: n=1"),
        (np.zeros((4, 16, 16, 1)), {"image_shape": (8, 8, 1)},
         "Received: image_shape=(8, 8, 1)"),
        (np.zeros((4, 16, 16, 1)), {"batch_size": 0},
         "Received: batch_size=0"),
    ],
)
def test_evaluate_images_bad_arguments(
    digits_extractor, images, kwargs, match
):
    with pytest.raises(ValueError, match=re.escape(match)):
        evaluation.evaluate_images(
            images, "digits", extractor=digits_extractor, **kwargs
        )


def test_evaluate_uses_cache_dir(
    noise_generator_path, digits_extractor, extractor_cache,
    monkeypatch,
):
    from keras_gans.metrics import ClassifierFeatureExtractor

    def fake_for_dataset(name, data_dir=None, image_shape=None,
                         cache_dir=None):
        assert (name, image_shape, cache_dir) == (
            "digits", DIGITS_SHAPE, extractor_cache
        )
        return digits_extractor

    monkeypatch.setattr(
        ClassifierFeatureExtractor,
        "for_dataset",
        staticmethod(fake_for_dataset),
    )
    result = evaluation.evaluate(
        noise_generator_path, "digits", n=50, n_real=500,
        cache_dir=extractor_cache,
    )
    assert result["n_real"] == 500 and result["n"] == 50


def test_main_prints_one_json_line(
    noise_generator_path, digits_extractor, capsys
):
    code = cli.main([
        "eval", noise_generator_path, "--dataset", "digits", "--n", "64",
        "--extractor", digits_extractor.path,
    ])
    assert code == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    result = json.loads(lines[0])
    assert {"fid", "n", "dataset", "extractor", "fid_real_vs_real"} <= set(
        result
    )
    assert result["n"] == 64
    assert result["kind"] == "generator" and "FID" in result["protocol"]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n": 0}, "Received: n=0"),
        ({"n": 1}, "Received: n=1"),
        ({"image_shape": (16, 16, 3)}, "Received: image_shape=(16, 16, 3)"),
        ({"n_real": 0}, "Received: n_real=0"),
    ],
)
def test_evaluate_bad_arguments(
    noise_generator_path, digits_extractor, kwargs, match
):
    kwargs = dict({"n": 10, "extractor": digits_extractor}, **kwargs)
    with pytest.raises(ValueError, match=re.escape(match)):
        evaluation.evaluate(noise_generator_path, "digits", **kwargs)


def test_evaluate_rejects_extractor_of_other_dataset(
    noise_generator_path, digits_extractor, mnist_dir
):
    with pytest.raises(ValueError, match="Received: extractor="):
        evaluation.evaluate(
            noise_generator_path, "mnist-idx", data_dir=mnist_dir,
            image_shape=DIGITS_SHAPE, n=10, extractor=digits_extractor,
        )


def test_main_reports_errors(tmp_path, capsys):
    code = cli.main(["eval", str(tmp_path / "missing.keras"), "--dataset",
                     "digits"])
    assert code == cli.EXIT_ERROR
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "missing.keras" in captured.err


# The eval CLI dispatches on the artifact kind in backend-neutral code, and
# the SavedModel and TFLite loaders run on every backend in
# tests/export/test_artifact_loader.py: the exported kinds are evaluated
# once (on JAX and torch each export costs a TensorFlow child process); the
# `.keras` kind, whose generator runs on the backend, in every session.
EXPORTED_KIND = pytest.mark.once


@pytest.fixture(scope="module")
def trained_dcgan(tmp_path_factory, digits_images):
    """A tiny DCGAN fit briefly on the digits, saved as `gan.keras`."""
    import keras_gans
    from tests.helpers import tiny_dcgan

    keras.utils.set_random_seed(0)
    gan = tiny_dcgan()
    gan.compile()
    gan.fit(digits_images[:256], batch_size=32, epochs=1, verbose=0)
    assert isinstance(gan, keras_gans.DCGAN)
    folder = tmp_path_factory.mktemp("dcgan_export")
    gan.save(str(folder / "gan.keras"))
    return folder, gan


@pytest.fixture(scope="module")
def exported_dcgan(trained_dcgan):
    """The folder of `trained_dcgan`, with its export in `export/`."""
    from keras_gans.export import export_generator

    folder, gan = trained_dcgan
    export_generator(gan, str(folder / "export"), dataset="digits")
    return folder


@pytest.mark.parametrize(
    "relative, kind",
    [
        ("gan.keras", "keras"),
        pytest.param("export", "saved_model", marks=EXPORTED_KIND),
        pytest.param(
            "export/saved_model", "saved_model", marks=EXPORTED_KIND
        ),
        pytest.param(
            "export/generator.tflite", "tflite", marks=EXPORTED_KIND
        ),
    ],
)
def test_eval_cli_on_each_artifact_kind(
    request, trained_dcgan, digits_extractor, relative, kind, capsys
):
    folder, _ = trained_dcgan
    if kind != "keras":
        folder = request.getfixturevalue("exported_dcgan")
    code = cli.main([
        "eval", str(folder / relative), "--dataset", "digits",
        "--n", "200", "--extractor", digits_extractor.path,
    ])
    assert code == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    result = json.loads(lines[0])
    assert result["artifact_kind"] == kind and result["n"] == 200
    for key in ("fid", "kid", "precision", "recall", "inception_score"):
        assert np.isfinite(result[key]), key
    assert sum(result["class_counts"]) == 200
    assert result["num_classes"] is None and "label_acc" not in result
    # Every kind runs the same generator on the same latents.
    reference = evaluation.evaluate(
        str(folder / "gan.keras"), "digits", n=200,
        extractor=digits_extractor,
    )
    assert result["fid"] == pytest.approx(reference["fid"], rel=1e-3)


def test_real_digits_score_high_inception_and_label_accuracy(
    digits_extractor, digits_images
):
    from keras_gans import data

    _, labels = data.load_arrays("digits", image_shape=DIGITS_SHAPE,
                                 with_labels=True)
    right = evaluation.evaluate_images(
        digits_images, "digits", extractor=digits_extractor, labels=labels
    )
    wrong = evaluation.evaluate_images(
        digits_images, "digits", extractor=digits_extractor,
        labels=(labels + 1) % 10,
    )
    assert right["label_acc"] > 0.9 and wrong["label_acc"] < 0.1
    assert right["label_classifier"] == digits_extractor.name
    # Ten evenly used classes, confidently recognized: IS near 10.
    assert right["inception_score"] > 8.0


def test_noise_scores_low_inception(noise_generator_path, digits_extractor):
    result = evaluation.evaluate(
        noise_generator_path, "digits", n=300, extractor=digits_extractor
    )
    assert result["inception_score"] < 4.0


def test_eval_cli_with_any_keras_model(
    noise_generator_path, digits_extractor, tmp_path, capsys
):
    bare = str(tmp_path / "my_features.keras")
    digits_extractor.model.save(bare)
    code = cli.main([
        "eval", noise_generator_path, "--dataset", "digits", "--n", "100",
        "--extractor", bare, "--feature-layer", "features",
        "--output", str(tmp_path / "result.json"),
    ])
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert result == json.loads((tmp_path / "result.json").read_text())
    assert result["extractor"]["name"] == "feature_classifier"
    assert result["extractor"]["sha256"]
    # The same network and layer as the cached classifier: the same FID.
    reference = evaluation.evaluate(
        noise_generator_path, "digits", n=100, extractor=digits_extractor
    )
    assert result["fid"] == pytest.approx(reference["fid"], rel=1e-4)


def test_labels_must_match_images(digits_extractor, digits_images):
    with pytest.raises(ValueError, match=re.escape(
        "Received: labels='array of shape (3,)'"
    )):
        evaluation.evaluate_images(
            digits_images[:10], "digits", extractor=digits_extractor,
            labels=np.zeros(3, "int64"),
        )


@pytest.fixture(scope="module")
def trained_cgan(tmp_path_factory, digits_images):
    """A tiny 10-class CGAN fit briefly on the labelled digits, saved."""
    from keras_gans import data
    from tests.helpers import tiny_conditional

    _, labels = data.load_arrays("digits", image_shape=DIGITS_SHAPE,
                                 with_labels=True)
    keras.utils.set_random_seed(0)
    gan = tiny_conditional(num_classes=10)
    gan.compile()
    gan.fit(digits_images[:256], labels[:256], batch_size=32, epochs=1,
            verbose=0)
    folder = tmp_path_factory.mktemp("cgan_export")
    gan.save(str(folder / "cgan.keras"))
    return folder, gan


@pytest.fixture(scope="module")
def conditional_export(trained_cgan):
    """The folder of `trained_cgan`, with its export in `export/`."""
    from keras_gans.export import export_generator

    folder, gan = trained_cgan
    export_generator(gan, str(folder / "export"), dataset="digits")
    return folder


@pytest.mark.parametrize(
    "relative",
    [
        "cgan.keras",
        pytest.param("export/generator.tflite", marks=EXPORTED_KIND),
    ],
)
def test_eval_cli_on_conditional_generators_adds_label_accuracy(
    request, trained_cgan, digits_extractor, relative, capsys
):
    folder, _ = trained_cgan
    if relative.startswith("export"):
        folder = request.getfixturevalue("conditional_export")
    from keras_gans.export import load_generator_artifact

    path = str(folder / relative)
    code = cli.main([
        "eval", path, "--dataset", "digits", "--n", "100",
        "--extractor", digits_extractor.path,
    ])
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert result["num_classes"] == 10
    # Balanced labels, judged by the dataset's classifier: recompute it.
    artifact = load_generator_artifact(path)
    labels = artifact.labels_for(100)
    assert np.bincount(labels).tolist() == [10] * 10
    images = artifact(artifact.latents_for(100, 0), labels)
    expected = np.mean(digits_extractor.predict_labels(images) == labels)
    assert result["label_acc"] == pytest.approx(expected, abs=1e-4)
    assert result["label_classifier"] == digits_extractor.name


def test_inception_score_ignores_the_order_of_samples(
    digits_extractor, digits_images
):
    # Sorted by class, consecutive IS splits would each hold one class.
    from keras_gans import data

    _, labels = data.load_arrays("digits", image_shape=DIGITS_SHAPE,
                                 with_labels=True)
    order = np.argsort(labels, kind="stable")
    by_class = evaluation.evaluate_images(
        digits_images[order], "digits", extractor=digits_extractor
    )
    assert by_class["inception_score"] > 8.0
