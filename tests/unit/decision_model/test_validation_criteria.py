"""Invalid criteria and outcomes are refused with the path of the fault."""

import copy

import pytest

from . import examples as ex
from .examples import errors_of


@pytest.mark.parametrize("missing", ["outcomes", "favourable", "unfavourable"])
def test_missing_outcomes(missing: str) -> None:
    model = copy.deepcopy(ex.TRANSPORT_MODEL)
    if missing == "outcomes":
        del model["outcomes"]
    else:
        del model["outcomes"][missing]
    errors = errors_of(ex.TRANSPORT_CRITERIA, model)["model"]
    assert "outcomes" in errors


def test_outcome_codes_must_differ() -> None:
    model = {**ex.TRANSPORT_MODEL, "outcomes": ex.outcomes("aide", "aide")}
    assert "unfavourable" in errors_of(ex.TRANSPORT_CRITERIA, model)["model"]["outcomes"]


@pytest.mark.parametrize("justification", [None, "", "   "])
def test_protected_ground_needs_a_justification(justification: str | None) -> None:
    criteria = copy.deepcopy(ex.RISK_CRITERIA)
    criteria[2]["justification"] = justification
    assert errors_of(criteria, ex.RISK_MODEL)["criteria"] == {
        2: {"justification": ["Required when protected_ground is set."]}
    }


def test_unknown_protected_ground() -> None:
    criteria = copy.deepcopy(ex.RISK_CRITERIA)
    criteria[2]["protected_ground"] = "couleur_des_yeux"
    assert "protected_ground" in errors_of(criteria, ex.RISK_MODEL)["criteria"][2]


def test_criterion_field_faults() -> None:
    criteria = [
        {"code": "a", "label": "A", "type": "texte", "source": "x"},
        {"code": "b", "label": "B", "type": "boolean", "source": "x", "step": 1},
        {"code": "c", "label": "C", "type": "number", "source": "x", "step": 0},
        {"code": "d", "label": "D", "type": "number", "source": "x", "allowed_values": ["1"]},
        {"code": "e", "label": "E", "type": "number", "source": "x", "min": 5, "max": 1},
    ]
    errors = errors_of(criteria, ex.TRANSPORT_MODEL)["criteria"]
    assert set(errors[0]) == {"type"}
    assert set(errors[1]) == {"step"}
    assert set(errors[2]) == {"step"}
    assert set(errors[3]) == {"allowed_values"}
    assert set(errors[4]) == {"max"}


def test_duplicate_criterion_codes() -> None:
    criteria = [*ex.TRANSPORT_CRITERIA, ex.TRANSPORT_CRITERIA[0]]
    assert errors_of(criteria, ex.TRANSPORT_MODEL)["criteria"] == {
        3: {"code": ["Duplicate criterion code 'revenu_fiscal_reference'."]}
    }


def test_bad_json_shapes() -> None:
    assert "model" in errors_of(ex.TRANSPORT_CRITERIA, [])  # type: ignore[arg-type]
    assert "criteria" in errors_of({"code": "x"}, ex.TRANSPORT_MODEL)  # type: ignore[arg-type]
    assert (
        "changeable"
        in errors_of([{**ex.TRANSPORT_CRITERIA[0], "changeable": 1}], ex.TRANSPORT_MODEL)[
            "criteria"
        ][0]
    )
