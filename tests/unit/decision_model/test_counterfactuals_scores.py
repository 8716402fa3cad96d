"""Exact counterfactuals of points and linear models: the nearest change that flips them."""

from decimal import Decimal

from shared.decision_model import UNFAVOURABLE, counterfactuals, load_algorithm_model

from . import examples as ex


def test_creche_refused_nearest_band_boundary_only() -> None:
    criteria, model = ex.creche()
    values = {
        "quotient_familial": 1300,
        "parent_isole": True,
        "fratrie": 1,
        "handicap_enfant": False,
    }
    # handicap_enfant would flip it too, but it is not something the person can change.
    (found,) = counterfactuals(model, criteria, values)
    assert (found.kind, found.criterion, found.required_value) == (
        "single_criterion",
        "quotient_familial",
        Decimal(1200),
    )
    assert found.resulting_evaluation.score == Decimal(50)


def test_creche_granted_shows_what_would_lose_it() -> None:
    criteria, model = ex.creche()
    values = {
        "quotient_familial": 650,
        "parent_isole": True,
        "fratrie": 0,
        "handicap_enfant": False,
    }
    found = counterfactuals(model, criteria, values)
    assert [(cf.criterion, cf.required_value) for cf in found] == [
        ("quotient_familial", Decimal(701)),
        ("parent_isole", False),
    ]
    assert {cf.resulting_outcome for cf in found} == {UNFAVOURABLE}


def test_risk_score_not_selected() -> None:
    criteria, model = ex.risk()
    values = {"ecart_revenus": 12000, "changements_adresse": 2, "parent_isole": True, "age": 40}
    found = counterfactuals(model, criteria, values)
    assert [(cf.criterion, cf.required_value, cf.resulting_outcome) for cf in found] == [
        ("ecart_revenus", Decimal(15500), UNFAVOURABLE),
        ("changements_adresse", Decimal(3), UNFAVOURABLE),
    ]


def test_risk_score_selected() -> None:
    criteria, model = ex.risk()
    values = {"ecart_revenus": 20000, "changements_adresse": 1, "parent_isole": True, "age": 30}
    found = counterfactuals(model, criteria, values)
    assert [(cf.criterion, cf.required_value) for cf in found] == [
        ("ecart_revenus", Decimal(17999)),
        ("changements_adresse", Decimal(0)),
        ("parent_isole", False),
    ]
    assert found[0].resulting_evaluation.score == Decimal("59.998")


def test_rent_aid_flips_at_the_rounding_boundary_within_range() -> None:
    criteria, model = ex.rent()
    found = counterfactuals(model, criteria, {"revenu_mensuel": 1500, "enfants": 1})
    # Only −1 child would cancel the aid: outside the declared range, so not proposed.
    assert [(cf.criterion, cf.required_value) for cf in found] == [
        ("revenu_mensuel", Decimal("1719.99"))
    ]
    assert found[0].resulting_evaluation.amount == Decimal("0.00")


def test_rent_aid_refused() -> None:
    criteria, model = ex.rent()
    found = counterfactuals(model, criteria, {"revenu_mensuel": 2000, "enfants": 0})
    assert [(cf.criterion, cf.required_value) for cf in found] == [
        ("revenu_mensuel", Decimal("1599.98")),
        ("enfants", Decimal(4)),
    ]
    assert found[0].resulting_evaluation.amount == Decimal("0.01")


def test_opaque_has_none() -> None:
    criteria, model = load_algorithm_model(
        ex.RISK_CRITERIA,
        {"kind": "opaque", "outcomes": ex.outcomes("ok", "ko"), "description": "Forêt"},
    )
    assert counterfactuals(model, criteria, {"age": 30}) == ()
