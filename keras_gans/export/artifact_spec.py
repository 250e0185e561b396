"""`ArtifactSpec`: what an exported network takes and returns."""

import json

from keras_gans.export import model_card
from keras_gans.utils.validation import format_received

SPATIAL_NAMES = ("height", "width")


class ArtifactSpec:
    """The serving signature of one exported network, as data.

    Every kind of artifact (a latent generator, a conditional generator, an
    image-to-image translator, a StyleGAN2 synthesis or mapping network)
    is exported, verified and described by the same code, parametrized by
    its spec: the named inputs with their dtypes and shapes, the output
    (`images`, or `ws` for a mapping network), and which dimensions are
    free. A free spatial dimension (`None`) is one a fully
    convolutional network accepts at any size that is a multiple of
    `size_multiple`; the batch dimension is always free.

    Args:
        kind: the card's `kind`, e.g. `"generator"` or `"translator"`.
        inputs: `(name, dtype, shape)` triples, one per signature input, in
            the order the network takes them; `shape` leaves out the batch
            axis and holds `None` for a free dimension.
        output_shape: the shape of one output image, `(H, W, C)`, `None`
            where it follows a free input dimension (or of one output
            item of another kind, e.g. `(num_ws, w_dim)`).
        size_multiple: what a free height or width must be a multiple of
            (e.g. `2**depth` for a U-Net); 1 when any size works.
        constants: `{name: int}` stored in the SavedModel as one-variable
            collections, so it describes itself without its card (e.g. the
            class count of a conditional generator).
        output_name: the signature's output name, `"images"` unless the
            output is not an image batch (a mapping network's `"ws"`).

    Example:

    ```python
    spec = ArtifactSpec(
        "translator", [("image", "float32", (None, None, 3))],
        output_shape=(None, None, 3), size_multiple=256,
    )
    spec.free_dims  # {"image": ["height", "width"]}
    ```
    """

    def __init__(
        self,
        kind,
        inputs,
        output_shape,
        size_multiple=1,
        constants=None,
        output_name=model_card.OUTPUT_NAME,
    ):
        self.kind = str(kind)
        self.inputs = tuple(
            (str(name), str(dtype), _dims(shape))
            for name, dtype, shape in inputs
        )
        self.output_shape = _dims(output_shape)
        self.size_multiple = int(size_multiple)
        self.constants = {
            str(name): int(value) for name, value in (constants or {}).items()
        }
        self.output_name = str(output_name)

    @property
    def input_names(self):
        return tuple(name for name, _, _ in self.inputs)

    @property
    def free_dims(self):
        """`{input name: ["height", "width"]}` for inputs with free sizes."""
        free = {}
        for name, _, shape in self.inputs:
            if len(shape) == 3:
                dims = [
                    label
                    for label, dim in zip(SPATIAL_NAMES, shape[:2])
                    if dim is None
                ]
                if dims:
                    free[name] = dims
        return free

    def input_signature(self):
        """The `keras.InputSpec` list of the serving endpoint."""
        import keras

        return [
            keras.InputSpec(shape=(None, *shape), dtype=dtype, name=name)
            for name, dtype, shape in self.inputs
        ]

    def network_inputs(self, tensors):
        """What the network is called on: one tensor, or a list."""
        tensors = list(tensors)
        return tensors[0] if len(tensors) == 1 else tensors

    def signature_card(self):
        """The card's `signature` entry (`None` marks a free dimension)."""
        return {
            "name": model_card.SIGNATURE_KEY,
            "inputs": {
                name: [None, *shape] for name, _, shape in self.inputs
            },
            "outputs": {self.output_name: [None, *self.output_shape]},
        }

    def card_fields(self):
        """Card entries: the signature, and the free dimensions if any."""
        fields = {"signature": self.signature_card()}
        if self.free_dims:
            fields["free_dims"] = self.free_dims
            fields["size_multiple"] = self.size_multiple
        return fields

    def get_config(self):
        config = {
            "kind": self.kind,
            "inputs": [list(entry) for entry in self.inputs],
            "output_shape": list(self.output_shape),
            "size_multiple": self.size_multiple,
            "constants": dict(self.constants),
        }
        if self.output_name != model_card.OUTPUT_NAME:
            config["output_name"] = self.output_name
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def to_json(self):
        return json.dumps(self.get_config())

    @classmethod
    def from_json(cls, text):
        return cls.from_config(json.loads(text))

    def __eq__(self, other):
        return (
            isinstance(other, ArtifactSpec)
            and self.get_config() == other.get_config()
        )

    def __repr__(self):
        inputs = ", ".join(
            f"{name}: {dtype} {_shape_text(shape)}"
            for name, dtype, shape in self.inputs
        )
        output = _shape_text(self.output_shape)
        if self.output_name != model_card.OUTPUT_NAME:
            output = f"{self.output_name}: float32 {output}"
        return (
            f"ArtifactSpec(kind={self.kind!r}, inputs=[{inputs}], "
            f"output={output}, "
            f"size_multiple={self.size_multiple})"
        )


def _dims(shape):
    dims = []
    for dim in shape:
        if dim is not None and (isinstance(dim, bool) or int(dim) < 1):
            raise ValueError(
                "Spec shapes hold positive sizes or None (free). "
                + format_received(shape=shape)
            )
        dims.append(None if dim is None else int(dim))
    return tuple(dims)


def _shape_text(shape):
    return "(N, " + ", ".join("?" if d is None else str(d) for d in shape) + ")"
