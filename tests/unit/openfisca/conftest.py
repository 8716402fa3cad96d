"""The sample OpenFisca algorithm, loaded once per session (openfisca-france takes ~5 s)."""

import json
from decimal import Decimal
from pathlib import Path

import pytest

from shared.decision_model.loading import _load_criteria
from shared.decision_model.openfisca.schema import OpenFiscaModelSchema

SAMPLE = Path(__file__).resolve().parents[3] / "shared/samples/backoffice/bourse-college.json"


@pytest.fixture(scope="session")
def bourse():
    """(registry document, criteria, model) of the bourse de collège sample."""
    document = json.loads(SAMPLE.read_text(encoding="utf-8"))
    return (
        document,
        _load_criteria(document["criteria"]),
        OpenFiscaModelSchema().load(document["model"]),
    )


def typed(household):
    """A back-office household as the typed values Explicite computes with."""
    return {code: Decimal(value) for code, value in household.items()}
