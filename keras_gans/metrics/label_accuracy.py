"""`label_accuracy`: how often conditional samples show the requested class."""

import numpy as np

from keras_gans.utils.validation import format_received


def label_accuracy(predicted_labels, requested_labels):
    """Share of conditional samples a classifier assigns to their label.

    Judge conditional generators with a classifier that did not see the
    generator's training signal, e.g. the project's
    `ClassifierFeatureExtractor` of the dataset (its held-out accuracy on
    real images is the ceiling to compare with).

    Args:
        predicted_labels: `(N,)` integer classes the classifier assigns to
            the generated images (`extractor.predict_labels(images)`).
        requested_labels: `(N,)` integer labels the images were generated
            for.

    Returns:
        The accuracy in [0, 1] as a Python float.

    Raises:
        ValueError: if either array is not 1-D integers, they differ in
            length, or they are empty.

    Example:

    ```python
    labels = np.arange(1000) % 10
    images = cgan.generate(1000, labels=labels, seed=0)
    acc = label_accuracy(extractor.predict_labels(images), labels)
    ```
    """
    predicted = _check_labels("predicted_labels", predicted_labels)
    requested = _check_labels("requested_labels", requested_labels)
    if predicted.shape != requested.shape:
        raise ValueError(
            "`predicted_labels` and `requested_labels` must have the same "
            "length. " + format_received(
                predicted_labels=predicted.shape,
                requested_labels=requested.shape,
            )
        )
    return float(np.mean(predicted == requested))


def _check_labels(name, labels):
    array = np.asarray(labels)
    if (
        array.ndim != 1
        or len(array) == 0
        or not np.issubdtype(array.dtype, np.integer)
    ):
        raise ValueError(
            f"`{name}` must be a non-empty 1-D array of integer labels. "
            + format_received(
                **{name: f"array of shape {array.shape} and dtype {array.dtype}"}
            )
        )
    return array
