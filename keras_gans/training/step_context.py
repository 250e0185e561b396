"""What the phases of one training step share."""

from keras_gans.utils.validation import format_received


class StepContext:
    """The per-step scratchpad of the step loop.

    It holds the unpacked batch and the outputs of the step's `Forward`
    passes. During a phase, the driver may substitute a shared output with
    its own traced copy (JAX differentiates with respect to it), which is
    why losses read shared tensors through `model.shared(name)` rather than
    keeping references.

    Args:
        batch: the tuple `model.unpack_batch(data)` returned.
    """

    def __init__(self, batch):
        self.batch = tuple(batch)
        self._outputs = {}
        self._variables = {}
        self._substitutes = {}

    def share(self, name, outputs, variables):
        """Records the outputs of a `Forward` made from `variables`."""
        self._outputs[name] = outputs
        self._variables[name] = {id(v) for v in variables}

    def __getitem__(self, name):
        if name in self._substitutes:
            return self._substitutes[name]
        if name not in self._outputs:
            raise KeyError(
                f"No shared output named {name!r} in this step: list a "
                "`Forward` with that name before the phase that reads it. "
                f"Shared so far: {sorted(self._outputs)}. "
                + format_received(name=name)
            )
        return self._outputs[name]

    def differentiable_for(self, variables):
        """`(name, outputs)` of the shared passes made from `variables`."""
        ids = {id(v) for v in variables}
        return [
            (name, outputs)
            for name, outputs in self._outputs.items()
            if self._variables[name] & ids
        ]

    def substituting(self, values):
        """A context manager that reads `values` (name -> outputs) instead."""
        return _Substitution(self, values)


class _Substitution:
    def __init__(self, context, values):
        self.context = context
        self.values = values

    def __enter__(self):
        self.saved = self.context._substitutes
        self.context._substitutes = {**self.saved, **self.values}
        return self.context

    def __exit__(self, *exc):
        self.context._substitutes = self.saved
