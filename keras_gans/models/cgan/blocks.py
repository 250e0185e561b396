"""Label codes shared by the conditional networks.

Labels enter as int32 class ids of shape `(N,)`. They are encoded by an
`Embedding`: learned (`"embedding"`), or a frozen identity table for
one-hot codes (`"one_hot"`).
"""

from keras import layers

LABEL_ENCODINGS = ("embedding", "one_hot")


def label_encoder(num_classes, label_encoding, embedding_dim, name):
    """An `Embedding` mapping class ids to codes.

    `"one_hot"` is a frozen identity table (`num_classes` wide), so it
    exports like any embedding (a gather) on every backend and in TFLite.
    """
    if label_encoding == "one_hot":
        return layers.Embedding(
            num_classes,
            num_classes,
            embeddings_initializer="identity",
            trainable=False,
            name=name,
        )
    return layers.Embedding(num_classes, embedding_dim, name=name)


def label_code_width(num_classes, label_encoding, embedding_dim):
    """Width of the codes `label_encoder` returns."""
    return num_classes if label_encoding == "one_hot" else embedding_dim
