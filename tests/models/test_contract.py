"""The contract of every registered model (tests/models/contract.py).

Fit moves every weight of every network and counts the iterations of both
optimizers; a saved and reloaded model resumes exactly; the export
reproduces the model. The model-specific behaviour (losses by hand,
options, errors) stays in each model's own test file.
"""

import keras
import pytest

from tests.models import contract
from tests.models import variant_checks

NAMES = sorted(contract.REGISTRY)
BACKEND = keras.backend.backend()


def exported_here(name):
    where = contract.REGISTRY[name].export
    return where == "every_backend" or (
        where == "tensorflow" and BACKEND == "tensorflow"
    )


@pytest.mark.parametrize("name", NAMES)
def test_fit_moves_every_weight_and_counts_steps(name):
    config = contract.REGISTRY[name]
    model = config.build()
    variant_checks.check_fit_updates(
        model,
        steps=2,
        d_steps=config.d_steps,
        may_stay=contract.may_stay(config, model),
    )


@pytest.mark.parametrize("name", NAMES)
def test_save_load_resumes_exactly(name, tmp_path):
    variant_checks.check_roundtrip_resumes(
        contract.REGISTRY[name].build(), tmp_path
    )


@pytest.mark.parametrize(
    "name", [name for name in NAMES if exported_here(name)]
)
def test_fit_save_reload_and_export_agree(name, tmp_path):
    variant_checks.check_lifecycle(contract.REGISTRY[name].build(), tmp_path)
