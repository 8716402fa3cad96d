"""Replaying logged decisions to detect divergence between code and published rules."""

from decimal import Decimal

from shared.decision_model import load_algorithm_model, replay

from . import examples as ex

CRECHE_VALUES = {
    "quotient_familial": 1180,
    "parent_isole": False,
    "fratrie": 1,
    "handicap_enfant": False,
}


def test_consistent_decision() -> None:
    criteria, model = ex.creche()
    result = replay(model, criteria, CRECHE_VALUES, "refus", declared_score=30.0)
    assert (result.status, result.differences) == ("consistent", ())
    assert result.evaluation is not None
    assert result.evaluation.score == Decimal(30)


def test_score_and_amount_not_declared_are_not_compared() -> None:
    criteria, model = ex.transport()
    values = {"revenu_fiscal_reference": 20000, "distance_km": 5, "boursier": True}
    assert replay(model, criteria, values, "aide_accordee").status == "consistent"
    assert replay(model, criteria, values, "aide_accordee", declared_amount=150.0).status == (
        "consistent"
    )


def test_divergent_outcome_and_score() -> None:
    criteria, model = ex.creche()
    result = replay(model, criteria, CRECHE_VALUES, "attribution", declared_score=55)
    assert result.status == "divergent"
    assert result.differences == (
        "outcome: expected 'refus', declared 'attribution'",
        "score: expected 30, declared 55",
    )


def test_divergent_amount_compared_exactly() -> None:
    criteria, model = ex.rent()
    values = {"revenu_mensuel": 1500, "enfants": 1}
    assert replay(model, criteria, values, "aide_versee", 55, 55.0).status == "consistent"
    result = replay(model, criteria, values, "aide_versee", declared_amount=55.01)
    assert result.differences == ("amount: expected 55.00, declared 55.01",)


def test_declared_score_where_the_model_has_none() -> None:
    criteria, model = ex.transport()
    values = {"revenu_fiscal_reference": 20000, "distance_km": 5, "boursier": True}
    result = replay(model, criteria, values, "aide_accordee", declared_score=12)
    assert result.differences == ("score: the model computes none, declared 12",)


def test_opaque_is_not_replayable() -> None:
    criteria, model = load_algorithm_model(
        ex.RISK_CRITERIA,
        {"kind": "opaque", "outcomes": ex.outcomes("ok", "ko"), "description": "Forêt"},
    )
    result = replay(model, criteria, {"age": 30}, "ko", declared_score=0.87)
    assert (result.status, result.evaluation) == ("not_replayable", None)
