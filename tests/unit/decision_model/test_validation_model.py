"""Every invalid decision model is refused with the path of the fault."""

import copy
from typing import Any

import pytest

from . import examples as ex
from .examples import errors_of


def transport_with_rule(**changes: Any) -> dict[str, Any]:
    model = copy.deepcopy(ex.TRANSPORT_MODEL)
    model["rules"][0].update(changes)
    return model


def test_unknown_kind() -> None:
    errors = errors_of(ex.TRANSPORT_CRITERIA, {**ex.TRANSPORT_MODEL, "kind": "neural"})
    assert list(errors["model"]) == ["kind"]


def test_unknown_criterion_in_rules() -> None:
    errors = errors_of(ex.TRANSPORT_CRITERIA, transport_with_rule(criterion="patrimoine"))
    assert "patrimoine" in errors["model"]["rules"][0]["criterion"][0]


def test_unknown_criterion_in_grids_and_weights() -> None:
    points = copy.deepcopy(ex.CRECHE_MODEL)
    points["grids"][1]["criterion"] = "nationalite"
    assert errors_of(ex.CRECHE_CRITERIA, points)["model"] == {
        "grids": {1: {"criterion": ["Unknown criterion 'nationalite': declare it in criteria."]}}
    }
    linear = copy.deepcopy(ex.RISK_MODEL)
    linear["weights"][2]["criterion"] = "nationalite"
    assert list(errors_of(ex.RISK_CRITERIA, linear)["model"]["weights"]) == [2]


@pytest.mark.parametrize("op", ["<", "<=", ">", ">="])
def test_ordering_op_on_boolean(op: str) -> None:
    model = copy.deepcopy(ex.TRANSPORT_MODEL)
    model["rules"][2]["op"] = op
    assert "op" in errors_of(ex.TRANSPORT_CRITERIA, model)["model"]["rules"][2]


def test_ordering_op_on_string() -> None:
    model = ex.rules_model(("commune", "<", "Lyon"))
    assert "op" in errors_of([ex.criterion("commune", "string")], model)["model"]["rules"][0]


@pytest.mark.parametrize("value", [25000, [], "25000"])
def test_in_needs_a_non_empty_list_of_the_type(value: Any) -> None:
    errors = errors_of(ex.TRANSPORT_CRITERIA, transport_with_rule(op="in", value=value))
    assert "value" in errors["model"]["rules"][0]


def test_single_value_op_refuses_a_list() -> None:
    errors = errors_of(ex.TRANSPORT_CRITERIA, transport_with_rule(value=[1, 2]))
    assert "value" in errors["model"]["rules"][0]


def test_any_only_in_bands() -> None:
    errors = errors_of(ex.TRANSPORT_CRITERIA, transport_with_rule(op="any"))
    assert "op" in errors["model"]["rules"][0]


@pytest.mark.parametrize(
    ("index", "value"),
    [(0, True), (0, "25000"), (0, float("nan")), (2, 1), (2, "oui")],
)
def test_value_type_mismatch(index: int, value: Any) -> None:
    model = copy.deepcopy(ex.TRANSPORT_MODEL)
    model["rules"][index]["value"] = value
    assert "value" in errors_of(ex.TRANSPORT_CRITERIA, model)["model"]["rules"][index]


def test_date_value_must_be_iso() -> None:
    model = ex.rules_model(("depot", "<=", "20260131"))
    assert "value" in errors_of([ex.criterion("depot", "date")], model)["model"]["rules"][0]


def test_string_value_outside_allowed_values() -> None:
    statut = ex.criterion("statut", "string", allowed_values=["salarie", "etudiant"])
    model = ex.rules_model(("statut", "==", "retraite"))
    assert "value" in errors_of([statut], model)["model"]["rules"][0]


def test_any_band_with_a_value() -> None:
    model = copy.deepcopy(ex.CRECHE_MODEL)
    model["grids"][0]["bands"][2]["value"] = 5
    errors = errors_of(ex.CRECHE_CRITERIA, model)["model"]["grids"]
    assert errors[0]["bands"][2] == {"value": ["Must be null for op 'any'."]}


def test_band_without_value() -> None:
    model = copy.deepcopy(ex.CRECHE_MODEL)
    del model["grids"][0]["bands"][0]["value"]
    errors = errors_of(ex.CRECHE_CRITERIA, model)["model"]["grids"]
    assert errors[0]["bands"][0] == {"value": ["Required for op '<='."]}


def test_band_value_of_wrong_type() -> None:
    model = copy.deepcopy(ex.CRECHE_MODEL)
    model["grids"][1]["bands"][0]["value"] = "oui"
    errors = errors_of(ex.CRECHE_CRITERIA, model)["model"]["grids"]
    assert "value" in errors[1]["bands"][0]


def test_weight_on_string_or_date_criterion() -> None:
    criteria = [
        *ex.RISK_CRITERIA,
        {"code": "commune", "label": "Commune", "type": "string", "source": "BAN"},
        {"code": "depot", "label": "Dépôt", "type": "date", "source": "Portail"},
    ]
    model = copy.deepcopy(ex.RISK_MODEL)
    model["weights"][0]["criterion"] = "commune"
    model["weights"][1]["criterion"] = "depot"
    errors = errors_of(criteria, model)["model"]["weights"]
    assert set(errors) == {0, 1}


@pytest.mark.parametrize("outputs", [{}, {"amount": {"min": 0, "max": 5, "round": 0}}])
def test_linear_needs_exactly_one_of_threshold_or_amount(outputs: dict[str, Any]) -> None:
    model = {k: v for k, v in ex.RISK_MODEL.items() if k != "threshold"} | outputs
    if outputs:
        model["threshold"] = ex.RISK_MODEL["threshold"]
    assert "_schema" in errors_of(ex.RISK_CRITERIA, model)["model"]


def test_amount_min_greater_than_max() -> None:
    model = {**ex.RENT_MODEL, "amount": {"min": 300, "max": 0, "round": 2}}
    assert "max" in errors_of(ex.RENT_CRITERIA, model)["model"]["amount"]


def test_amount_bounds_finer_than_rounding() -> None:
    model = {**ex.RENT_MODEL, "amount": {"min": 0.005, "max": 300, "round": 2}}
    assert "min" in errors_of(ex.RENT_CRITERIA, model)["model"]["amount"]
