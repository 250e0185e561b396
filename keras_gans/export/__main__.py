"""Child-process entry point: `python -m keras_gans.export ...`.

Internal: `export_generator` starts this with `KERAS_BACKEND=tensorflow`
when the caller's backend is JAX or torch. It reloads the generator saved
by the parent, exports and verifies it against the parent's reference
images, and writes the model card. Errors the caller should see with their
own type are reported as JSON in `--error-file`.
"""

import argparse
import json
import sys


def _parse(argv):
    parser = argparse.ArgumentParser(prog="python -m keras_gans.export")
    parser.add_argument("--generator", required=True)
    parser.add_argument("--latents", required=True)
    parser.add_argument("--reference", required=True)
    parser.add_argument("--card-fields", required=True)
    parser.add_argument("--error-file", required=True)
    parser.add_argument("--directory", required=True)
    parser.add_argument("--quantize", choices=("float16", "int8"))
    parser.add_argument("--representative")
    parser.add_argument("--labels")
    return parser.parse_args(argv)


def main(argv=None):
    """Exports the saved generator; returns the process exit code."""
    args = _parse(argv)
    import numpy as np

    import keras_gans  # noqa: F401  (registers custom layers for loading)
    from keras_gans.export import tensorflow_exporter
    from keras_gans.export.export_parity_error import ExportParityError
    from keras_gans.utils.safe_loading import load_keras_file

    generator = load_keras_file(args.generator, compile=False)
    with open(args.card_fields, encoding="utf-8") as handle:
        card_fields = json.load(handle)
    representative = None
    if args.representative:
        representative = np.load(args.representative)
    labels = np.load(args.labels) if args.labels else None
    try:
        tensorflow_exporter.export_and_verify(
            generator,
            args.directory,
            latents=np.load(args.latents),
            reference=np.load(args.reference),
            card_fields=card_fields,
            quantize=args.quantize,
            representative=representative,
            labels=labels,
        )
    except (ExportParityError, ValueError) as error:
        with open(args.error_file, "w", encoding="utf-8") as handle:
            kind = (
                "ExportParityError"
                if isinstance(error, ExportParityError)
                else "ValueError"
            )
            json.dump({"type": kind, "message": str(error)}, handle)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
