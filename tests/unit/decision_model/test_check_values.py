"""Checking a person's values against the declared criteria and the model's needs."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from shared.decision_model import InvalidValues, check_values, evaluate, load_algorithm_model

from . import examples as ex

GOOD = {"revenu_fiscal_reference": 18000, "distance_km": 4.5, "boursier": True}


def check(values: dict[str, Any]) -> dict[str, list[str]]:
    criteria, model = ex.transport()
    return check_values(criteria, model, values)


def test_valid_values() -> None:
    assert check(GOOD) == {}
    assert check({**GOOD, "revenu_fiscal_reference": Decimal("18000.50")}) == {}


def test_undeclared_code() -> None:
    assert list(check({**GOOD, "nationalite": "FR"})) == ["nationalite"]


def test_missing_criterion_the_model_needs() -> None:
    values = dict(GOOD)
    del values["boursier"]
    assert check(values) == {"boursier": ["Missing: the decision model needs this criterion."]}


@pytest.mark.parametrize(
    ("code", "value"),
    [
        ("revenu_fiscal_reference", True),  # a boolean is not a number
        ("revenu_fiscal_reference", "18000"),
        ("revenu_fiscal_reference", float("inf")),
        ("revenu_fiscal_reference", float("nan")),
        ("revenu_fiscal_reference", None),
        ("revenu_fiscal_reference", -1),  # below the declared min
        ("boursier", 1),
        ("boursier", "true"),
    ],
)
def test_wrong_type_or_range(code: str, value: Any) -> None:
    errors = check({**GOOD, code: value})
    assert list(errors) == [code]
    assert len(errors[code]) == 1


def test_dates_and_allowed_values() -> None:
    criteria, model = load_algorithm_model(
        [
            {"code": "depot", "label": "Dépôt", "type": "date", "source": "Portail"},
            {
                "code": "statut",
                "label": "Statut",
                "type": "string",
                "source": "x",
                "allowed_values": ["salarie", "etudiant"],
            },
        ],
        {"kind": "opaque", "outcomes": ex.outcomes("oui", "non"), "description": "Modèle"},
    )
    assert check_values(criteria, model, {"depot": "2026-02-28", "statut": "etudiant"}) == {}
    assert check_values(criteria, model, {"depot": date(2026, 2, 28)}) == {}
    errors = check_values(criteria, model, {"depot": "2026-02-30", "statut": "retraite"})
    assert errors == {
        "depot": ["Must be a date in YYYY-MM-DD format."],
        "statut": ["Must be one of: salarie, etudiant."],
    }
    assert list(check_values(criteria, model, {"depot": "20260228"})) == ["depot"]


def test_evaluate_refuses_invalid_values() -> None:
    criteria, model = ex.transport()
    with pytest.raises(InvalidValues) as caught:
        evaluate(model, criteria, {**GOOD, "boursier": "oui"})
    assert caught.value.errors == {"boursier": ["Must be a boolean."]}
