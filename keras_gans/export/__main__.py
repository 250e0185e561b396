"""Child-process entry point: `python -m keras_gans.export ...`.

Internal: `export_generator` and `export_translator` start this with
`KERAS_BACKEND=tensorflow` when the caller's backend is JAX or torch. It
reads the work folder the parent wrote (the network as `.keras`, its
`ArtifactSpec`, the parity cases with the parent's reference outputs, and
the same for each part of the export), exports and verifies the networks,
and writes the model cards. Errors the
caller should see with their own type are reported as JSON in the work
folder's `error.json`.
"""

import argparse
import json
import os
import sys


def _parse(argv):
    parser = argparse.ArgumentParser(prog="python -m keras_gans.export")
    parser.add_argument("--work", required=True)
    parser.add_argument("--directory", required=True)
    parser.add_argument("--quantize", choices=("float16", "int8"))
    return parser.parse_args(argv)


def main(argv=None):
    """Exports the saved network; returns the process exit code."""
    args = _parse(argv)

    import keras_gans  # noqa: F401  (registers custom layers for loading)
    from keras_gans.export import tensorflow_exporter
    from keras_gans.export import tensorflow_subprocess
    from keras_gans.export.export_parity_error import ExportParityError

    network, spec, parity, card_fields, calibration = (
        tensorflow_subprocess.read_hand_over(args.work)
    )
    parts = tensorflow_subprocess.read_parts(args.work)
    try:
        tensorflow_exporter.export_and_verify(
            network,
            args.directory,
            spec=spec,
            parity=parity,
            card_fields=card_fields,
            quantize=args.quantize,
            calibration=calibration,
            parts=parts,
        )
    except (ExportParityError, ValueError) as error:
        path = os.path.join(args.work, tensorflow_subprocess.ERROR_FILE)
        with open(path, "w", encoding="utf-8") as handle:
            kind = type(error).__name__
            if not isinstance(error, ExportParityError):
                kind = "ValueError"
            json.dump({"type": kind, "message": str(error)}, handle)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
