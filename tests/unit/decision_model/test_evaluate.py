"""Evaluating each kind of model on realistic cases, with the steps shown to the person."""

from decimal import Decimal

import pytest

from shared.decision_model import (
    FAVOURABLE,
    UNFAVOURABLE,
    AmountStep,
    GridStep,
    NotEvaluable,
    RuleStep,
    ThresholdStep,
    WeightStep,
    evaluate,
    load_algorithm_model,
)

from . import examples as ex


def test_transport_grant_refused_with_the_failed_rules() -> None:
    criteria, model = ex.transport()
    values = {"revenu_fiscal_reference": 27000, "distance_km": 4.5, "boursier": True}
    result = evaluate(model, criteria, values)
    assert (result.outcome, result.outcome_code) == (UNFAVOURABLE, "aide_refusee")
    assert result.outcome_label == "Décision : aide_refusee"
    assert result.score is None
    assert result.amount == Decimal(0)
    assert [step.met for step in result.steps if isinstance(step, RuleStep)] == [False, True, True]
    first = result.steps[0]
    assert isinstance(first, RuleStep)
    assert first.person_value == Decimal("27000")
    assert first.value == Decimal("25000")
    assert first.legal_reference.startswith("Délibération n° 2026-14")


def test_transport_grant_granted_with_its_amount() -> None:
    criteria, model = ex.transport()
    values = {"revenu_fiscal_reference": 25000, "distance_km": 3, "boursier": True}
    result = evaluate(model, criteria, values)
    assert (result.outcome, result.amount) == (FAVOURABLE, Decimal(150))


def test_creche_points_first_matching_band() -> None:
    criteria, model = ex.creche()
    values = {
        "quotient_familial": 650,
        "parent_isole": False,
        "fratrie": 1,
        "handicap_enfant": False,
    }
    result = evaluate(model, criteria, values)
    grid = result.steps[0]
    # 650 also matches "<= 1200"; only the first band counts.
    assert isinstance(grid, GridStep)
    assert (grid.band_index, grid.band_label, grid.points) == (0, "Jusqu'à 700 €", Decimal(40))
    no_band = result.steps[1]
    assert isinstance(no_band, GridStep)
    assert (no_band.band_index, no_band.points) == (None, Decimal(0))
    total = result.steps[-1]
    assert isinstance(total, ThresholdStep)
    assert (total.score, total.op, total.value, total.met) == (
        Decimal(45),
        ">=",
        Decimal(50),
        False,
    )
    assert (result.outcome_code, result.score) == ("refus", Decimal(45))


def test_creche_cutoff_reached_exactly_is_favourable() -> None:
    criteria, model = ex.creche()
    values = {
        "quotient_familial": 1180,
        "parent_isole": True,
        "fratrie": 1,
        "handicap_enfant": False,
    }
    result = evaluate(model, criteria, values)
    assert (result.outcome_code, result.score) == ("attribution", Decimal(50))


def test_points_may_be_negative_decimals() -> None:
    criteria, model = load_algorithm_model(
        [{"code": "retard", "label": "Jours de retard", "type": "number", "source": "x"}],
        {
            "kind": "points",
            "outcomes": ex.outcomes("oui", "non"),
            "cutoff": -0.5,
            "grids": [
                {
                    "criterion": "retard",
                    "bands": [
                        {"op": ">", "value": 10, "points": -1.25, "label": "Plus de 10 jours"}
                    ],
                }
            ],
        },
    )
    assert evaluate(model, criteria, {"retard": 11}).score == Decimal("-1.25")
    assert evaluate(model, criteria, {"retard": 10}).outcome == FAVOURABLE


def test_risk_score_selects_for_control_when_met() -> None:
    criteria, model = ex.risk()
    values = {"ecart_revenus": 20000, "changements_adresse": 1, "parent_isole": True, "age": 30}
    result = evaluate(model, criteria, values)
    # 10 + 0.002×20000 + 8×1 + 15×1 − 0.3×30 = 64 ≥ 60: selected.
    assert result.score == Decimal("64")
    assert (result.outcome, result.outcome_code) == (UNFAVOURABLE, "controle")
    weights = [step for step in result.steps if isinstance(step, WeightStep)]
    assert [w.contribution for w in weights] == [Decimal(40), 8, 15, Decimal("-9")]
    assert weights[2].person_value is True
    threshold = result.steps[-1]
    assert isinstance(threshold, ThresholdStep)
    assert (threshold.met, threshold.when_met) == (True, UNFAVOURABLE)


def test_risk_score_below_threshold_is_favourable() -> None:
    criteria, model = ex.risk()
    values = {"ecart_revenus": 12000, "changements_adresse": 2, "parent_isole": True, "age": 40}
    result = evaluate(model, criteria, values)
    assert (result.score, result.outcome_code) == (Decimal(53), "pas_de_controle")


@pytest.mark.parametrize(
    ("revenu", "amount", "outcome"),
    [
        ("1500", "55.00", FAVOURABLE),
        ("100", "300.00", FAVOURABLE),  # clamped to max
        ("1719.98", "0.01", FAVOURABLE),  # 0.005 rounds half up
        ("1719.99", "0.00", UNFAVOURABLE),  # 0.0025 rounds down to min
        ("5000", "0.00", UNFAVOURABLE),  # clamped to min
    ],
)
def test_rent_aid_amount_is_clamped_and_rounded(revenu: str, amount: str, outcome: str) -> None:
    criteria, model = ex.rent()
    result = evaluate(model, criteria, {"revenu_mensuel": Decimal(revenu), "enfants": 1})
    assert (result.amount, result.outcome) == (Decimal(amount), outcome)
    step = result.steps[-1]
    assert isinstance(step, AmountStep)
    assert step.amount == result.amount


def test_floats_are_converted_exactly() -> None:
    criteria, model = ex.rent()
    result = evaluate(model, criteria, {"revenu_mensuel": 0.1 + 0.2, "enfants": 0})
    assert result.score == Decimal(400) - Decimal("0.25") * Decimal(str(0.1 + 0.2))


def test_opaque_is_not_evaluable() -> None:
    criteria, model = load_algorithm_model(
        ex.RISK_CRITERIA,
        {"kind": "opaque", "outcomes": ex.outcomes("ok", "ko"), "description": "Forêt"},
    )
    with pytest.raises(NotEvaluable):
        evaluate(model, criteria, {"age": 30})
