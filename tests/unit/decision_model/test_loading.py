"""Loading, validating and dumping criteria and models from registry JSON."""

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from shared.decision_model import (
    PROTECTED_GROUNDS,
    LinearModel,
    PointsModel,
    RulesModel,
    dump_algorithm_model,
    load_algorithm_model,
)

from . import examples as ex

ALL = [
    (ex.CRECHE_CRITERIA, ex.CRECHE_MODEL),
    (ex.TRANSPORT_CRITERIA, ex.TRANSPORT_MODEL),
    (ex.RISK_CRITERIA, ex.RISK_MODEL),
    (ex.RENT_CRITERIA, ex.RENT_MODEL),
]


def test_loads_typed_frozen_dataclasses() -> None:
    criteria, model = ex.transport()
    assert isinstance(model, RulesModel)
    assert model.rules[0].value == Decimal("25000")
    assert model.amount == Decimal("150")
    assert criteria[1].step == Decimal("0.1")
    assert criteria[2].step is None
    assert criteria[0].step == Decimal("1")  # the default for numbers
    with pytest.raises(AttributeError):
        model.amount = Decimal(0)  # type: ignore[misc]


def test_weights_keep_exact_decimals() -> None:
    _, model = ex.risk()
    assert isinstance(model, LinearModel)
    assert model.weights[0].weight == Decimal("0.002")
    assert model.weights[3].weight == Decimal("-0.3")


def test_date_and_list_values_are_typed() -> None:
    criteria = [{"code": "depot", "label": "Date de dépôt", "type": "date", "source": "Portail"}]
    model = {
        "kind": "rules",
        "outcomes": ex.outcomes("recevable", "irrecevable"),
        "rules": [
            {
                "criterion": "depot",
                "op": "in",
                "value": ["2026-01-05", "2026-01-06"],
                "label": "Dépôt les 5 ou 6 janvier",
                "legal_reference": "Arrêté du 2 janvier",
            }
        ],
    }
    _, loaded = load_algorithm_model(criteria, model)
    assert isinstance(loaded, RulesModel)
    assert loaded.rules[0].value == (date(2026, 1, 5), date(2026, 1, 6))


@pytest.mark.parametrize(("criteria", "model"), ALL)
def test_dump_round_trips_through_json(criteria: list[Any], model: dict[str, Any]) -> None:
    loaded = load_algorithm_model(criteria, model)
    dumped = json.loads(json.dumps(dump_algorithm_model(*loaded)))
    assert load_algorithm_model(*dumped) == loaded
    assert dump_algorithm_model(*load_algorithm_model(*dumped)) == tuple(dumped)


def test_dump_writes_the_same_numbers_back() -> None:
    dumped_criteria, dumped_model = dump_algorithm_model(*ex.rent())
    assert dumped_model["weights"][0]["weight"] == -0.25
    assert dumped_model["intercept"] == 400
    assert dumped_model["amount"] == {"min": 0, "max": 300, "round": 2}
    assert dumped_criteria[0]["step"] == 0.01
    # Every field is written out, defaults included, so the stored form is canonical.
    assert dumped_criteria[1]["step"] == 1
    assert dumped_criteria[1]["changeable"] is True
    assert dumped_model["threshold"] is None


def test_protected_grounds_have_french_labels() -> None:
    assert len(PROTECTED_GROUNDS) == 20
    assert PROTECTED_GROUNDS["situation_de_famille"] == "Situation de famille"
    assert PROTECTED_GROUNDS["age"] == "Âge"


def test_opaque_model_loads() -> None:
    model = {
        "kind": "opaque",
        "outcomes": ex.outcomes("ok", "ko"),
        "description": "Forêt aléatoire entraînée sur les contrôles 2023-2025",
    }
    _, loaded = load_algorithm_model(ex.RISK_CRITERIA, model)
    assert loaded.kind == "opaque"
    assert loaded.criteria_used() == ()


def test_points_loads_any_band_without_value() -> None:
    _, model = ex.creche()
    assert isinstance(model, PointsModel)
    assert model.grids[0].bands[2].op == "any"
    assert model.grids[0].bands[2].value is None
