"""Exact counterfactuals of rules models: fix each failed rule, all of them, or lose one."""

from datetime import date
from decimal import Decimal
from typing import Any

from shared.decision_model import (
    FAVOURABLE,
    UNFAVOURABLE,
    Counterfactual,
    counterfactuals,
    load_algorithm_model,
)

from . import examples as ex


def summary(found: tuple[Counterfactual, ...]) -> list[tuple[Any, ...]]:
    return [
        (cf.kind, cf.criterion, cf.required_value, cf.changes, cf.resulting_outcome) for cf in found
    ]


def test_transport_refused_each_failed_rule_then_all_together() -> None:
    criteria, model = ex.transport()
    values = {"revenu_fiscal_reference": 27000, "distance_km": 2.5, "boursier": True}
    found = counterfactuals(model, criteria, values)
    rfr, km = Decimal(25000), Decimal(3)
    assert summary(found) == [
        (
            "failed_rule",
            "revenu_fiscal_reference",
            rfr,
            (("revenu_fiscal_reference", rfr),),
            UNFAVOURABLE,
        ),
        ("failed_rule", "distance_km", km, (("distance_km", km),), UNFAVOURABLE),
        (
            "all_failed_rules",
            None,
            None,
            (("revenu_fiscal_reference", rfr), ("distance_km", km)),
            FAVOURABLE,
        ),
    ]
    assert [cf.rule_index for cf in found] == [0, 1, None]
    assert found[0].current_value == Decimal(27000)
    assert found[2].resulting_evaluation.amount == Decimal(150)


def test_transport_one_failed_rule_is_not_repeated_as_combined() -> None:
    criteria, model = ex.transport()
    values = {"revenu_fiscal_reference": 20000, "distance_km": 5, "boursier": False}
    assert summary(counterfactuals(model, criteria, values)) == [
        ("failed_rule", "boursier", True, (("boursier", True),), FAVOURABLE),
    ]


def test_transport_granted_shows_what_would_lose_it() -> None:
    criteria, model = ex.transport()
    values = {"revenu_fiscal_reference": 24000, "distance_km": 5, "boursier": True}
    found = counterfactuals(model, criteria, values)
    assert [(cf.kind, cf.required_value, cf.resulting_outcome) for cf in found] == [
        ("would_lose", Decimal(25001), UNFAVOURABLE),
        ("would_lose", Decimal("2.9"), UNFAVOURABLE),
        ("would_lose", False, UNFAVOURABLE),
    ]


ENROLMENT = load_algorithm_model(
    [
        ex.criterion("depot", "date"),
        ex.criterion("commune", "string", allowed_values=["Lyon", "Villeurbanne", "Bron"]),
        ex.criterion("quotient", "number", step=0.01),
        ex.criterion(
            "age",
            "number",
            changeable=False,
            protected_ground="age",
            justification="Majorité civile.",
        ),
    ],
    ex.rules_model(
        ("depot", "<", "2026-04-01"),
        ("commune", "in", ["Lyon", "Villeurbanne"]),
        ("quotient", "<", 500),
        ("age", ">=", 18),
    ),
)


def test_dates_lists_strict_ops_and_unchangeable_criteria() -> None:
    criteria, model = ENROLMENT
    values = {"depot": "2026-04-03", "commune": "Bron", "quotient": 500, "age": 17}
    found = counterfactuals(model, criteria, values)
    assert [(cf.criterion, cf.required_value, cf.changes) for cf in found] == [
        ("depot", date(2026, 3, 31), (("depot", date(2026, 3, 31)),)),
        ("commune", ("Lyon", "Villeurbanne"), (("commune", "Lyon"),)),
        ("quotient", Decimal("499.99"), (("quotient", Decimal("499.99")),)),
    ]
    # Age cannot change, so no combination of changes can reach the favourable outcome.
    assert all(cf.kind == "failed_rule" for cf in found)


def test_combined_when_every_failed_rule_is_changeable() -> None:
    criteria, model = ENROLMENT
    values = {"depot": "2026-04-03", "commune": "Bron", "quotient": 500, "age": 30}
    combined = counterfactuals(model, criteria, values)[-1]
    assert combined.kind == "all_failed_rules"
    assert combined.changes == (
        ("depot", date(2026, 3, 31)),
        ("commune", "Lyon"),
        ("quotient", Decimal("499.99")),
    )
    assert combined.resulting_outcome == FAVOURABLE


def test_combined_satisfies_every_rule_on_the_same_criterion() -> None:
    criteria, model = load_algorithm_model(
        [ex.criterion("n", "number")], ex.rules_model(("n", ">=", 10), ("n", "!=", 10))
    )
    assert summary(counterfactuals(model, criteria, {"n": 5})) == [
        ("failed_rule", "n", Decimal(10), (("n", Decimal(10)),), UNFAVOURABLE),
        ("all_failed_rules", None, None, (("n", Decimal(11)),), FAVOURABLE),
    ]


def test_not_equal_number_moves_one_step_up_on_a_tie() -> None:
    criteria, model = load_algorithm_model(
        [ex.criterion("n", "number", step=0.5)], ex.rules_model(("n", "!=", 10))
    )
    (found,) = counterfactuals(model, criteria, {"n": 10})
    assert found.changes == (("n", Decimal("10.5")),)


def test_not_equal_string_needs_allowed_values() -> None:
    model = ex.rules_model(("commune", "!=", "Bron"))
    criteria, loaded = load_algorithm_model([ex.criterion("commune", "string")], model)
    assert counterfactuals(loaded, criteria, {"commune": "Bron"}) == ()
    allowed = ["Lyon", "Bron", "Vaulx-en-Velin"]
    criteria, loaded = load_algorithm_model(
        [ex.criterion("commune", "string", allowed_values=allowed)], model
    )
    (found,) = counterfactuals(loaded, criteria, {"commune": "Bron"})
    assert found.required_value == ("Lyon", "Vaulx-en-Velin")
    assert found.changes == (("commune", "Lyon"),)
