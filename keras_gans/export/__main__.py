"""Child-process entry point: `python -m keras_gans.export ...`.

Internal: `export_generator` and `export_translator` start this with
`KERAS_BACKEND=tensorflow` when the caller's backend is JAX or torch. It
reloads the network saved by the parent, exports and verifies it against
the parent's reference outputs, and writes the model card. Errors the
caller should see with their own type are reported as JSON in
`--error-file`.
"""

import argparse
import json
import sys


def _parse(argv):
    parser = argparse.ArgumentParser(prog="python -m keras_gans.export")
    parser.add_argument(
        "--kind", choices=("generator", "translator"), default="generator"
    )
    parser.add_argument("--generator", required=True)
    parser.add_argument("--reference", required=True)
    parser.add_argument("--card-fields", required=True)
    parser.add_argument("--error-file", required=True)
    parser.add_argument("--directory", required=True)
    parser.add_argument("--quantize", choices=("float16", "int8"))
    # Latent generators: parity latents, int8 calibration latents, labels.
    parser.add_argument("--latents")
    parser.add_argument("--representative")
    parser.add_argument("--labels")
    # Translators: parity images and how the card describes them.
    parser.add_argument("--images")
    parser.add_argument("--parity-description")
    args = parser.parse_args(argv)
    needed = "--images" if args.kind == "translator" else "--latents"
    if getattr(args, needed[2:]) is None:
        parser.error(f"--kind {args.kind} needs {needed}")
    return args


def _load(path):
    import numpy as np

    return None if path is None else np.load(path)


def _export(args, generator, card_fields):
    from keras_gans.export import tensorflow_exporter

    if args.kind == "translator":
        return tensorflow_exporter.export_translator_and_verify(
            generator,
            args.directory,
            images=_load(args.images),
            reference=_load(args.reference),
            card_fields=card_fields,
            quantize=args.quantize,
            parity_description=args.parity_description,
        )
    return tensorflow_exporter.export_and_verify(
        generator,
        args.directory,
        latents=_load(args.latents),
        reference=_load(args.reference),
        card_fields=card_fields,
        quantize=args.quantize,
        representative=_load(args.representative),
        labels=_load(args.labels),
    )


def main(argv=None):
    """Exports the saved network; returns the process exit code."""
    args = _parse(argv)

    import keras_gans  # noqa: F401  (registers custom layers for loading)
    from keras_gans.export.export_parity_error import ExportParityError
    from keras_gans.utils.safe_loading import load_keras_file

    generator = load_keras_file(args.generator, compile=False)
    with open(args.card_fields, encoding="utf-8") as handle:
        card_fields = json.load(handle)
    try:
        _export(args, generator, card_fields)
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
