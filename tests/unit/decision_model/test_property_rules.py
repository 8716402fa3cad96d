"""Property: rules counterfactuals fix or break each rule with its nearest value."""

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.decision_model import (
    FAVOURABLE,
    UNFAVOURABLE,
    CriterionDef,
    RulesModel,
    RuleStep,
    counterfactuals,
    evaluate,
    load_algorithm_model,
)
from shared.decision_model.values import holds

from .strategies import (
    OPS,
    OUTCOMES,
    condition,
    criteria_json,
    grid_values,
    nearest_distance,
    one_step_closer,
    person,
)


@st.composite
def rules_case(draw: Any) -> tuple[list[dict[str, Any]], dict[str, Any], dict[str, Any]]:
    declared = draw(criteria_json(types=("boolean", "string", "date")))
    rules = []
    for _ in range(draw(st.integers(1, 5))):
        criterion = draw(st.sampled_from(declared))
        op, value = draw(condition(criterion, OPS[criterion["type"]]))
        rules.append(
            {
                "criterion": criterion["code"],
                "op": op,
                "value": value,
                "label": "r",
                "legal_reference": "ref",
            }
        )
    model = {"kind": "rules", "outcomes": OUTCOMES, "rules": rules, "amount": 10}
    return declared, model, draw(person(declared))


@settings(max_examples=400, deadline=None)
@given(rules_case())
def test_rules_counterfactuals_are_exact(case: Any) -> None:
    declared, model_json, values = case
    criteria, model = load_algorithm_model(declared, model_json)
    assert isinstance(model, RulesModel)
    by_code = {criterion.code: criterion for criterion in criteria}
    current = evaluate(model, criteria, values)
    typed = {step.criterion: step.person_value for step in current.steps}  # type: ignore[union-attr]
    found = counterfactuals(model, criteria, values)
    for cf in found:
        result = evaluate(model, criteria, {**values, **dict(cf.changes)})
        assert result == cf.resulting_evaluation and result.outcome == cf.resulting_outcome
        assert all(by_code[code].changeable for code, _ in cf.changes)
    singles = {cf.rule_index: cf for cf in found if cf.rule_index is not None}
    for index, rule in enumerate(model.rules):
        criterion = by_code[rule.criterion]
        here = typed[rule.criterion]
        met = holds(rule.op, here, rule.value)
        if current.outcome == FAVOURABLE or not met:
            wanted = current.outcome == UNFAVOURABLE  # fix a failed rule, or break a held one
            options = [v for v in grid_values(criterion) if holds(rule.op, v, rule.value) == wanted]
            _check_single(criterion, here, options, singles.get(index), rule.op, wanted)
        else:
            assert index not in singles
    if current.outcome == UNFAVOURABLE:
        _check_combined(model, criteria, values, typed, found)


def _check_single(
    criterion: CriterionDef, here: Any, options: list[Any], cf: Any, op: str, wanted: bool
) -> None:
    if not criterion.changeable or not options:
        assert cf is None
        return
    assert cf is not None and cf.kind == ("failed_rule" if wanted else "would_lose")
    ((_, new),) = cf.changes
    step = cf.resulting_evaluation.steps[cf.rule_index]
    assert isinstance(step, RuleStep) and step.met == wanted
    if not wanted:
        assert cf.resulting_outcome == UNFAVOURABLE
    if criterion.type in ("number", "date"):
        assert abs(new - here) == nearest_distance(here, options)
        closer = one_step_closer(criterion, here, new)
        if closer is not None:
            assert closer not in options
        if wanted and op == "in":
            assert set(cf.required_value) == set(options)
    elif criterion.type == "string":
        required = cf.required_value
        assert set(required if isinstance(required, tuple) else (required,)) == set(options)


def _check_combined(model: RulesModel, criteria: Any, values: Any, typed: Any, found: Any) -> None:
    """Each criterion of a failed rule moves to its nearest value satisfying all its rules."""
    failed = [s.criterion for s in evaluate(model, criteria, values).steps if not s.met]  # type: ignore[union-attr]
    expected = []
    for code in dict.fromkeys(failed):
        criterion = next(c for c in criteria if c.code == code)
        rules = [rule for rule in model.rules if rule.criterion == code]
        options = [v for v in grid_values(criterion) if all(holds(r.op, v, r.value) for r in rules)]
        if not criterion.changeable or not options:
            assert all(cf.kind != "all_failed_rules" for cf in found)
            return
        expected.append((criterion, options))
    combined = [cf for cf in found if cf.kind == "all_failed_rules"]
    assert len(combined) <= 1
    # It is not repeated when it is some failed rule's own fix.
    cf = (combined or [cf for cf in found if cf.resulting_outcome == FAVOURABLE])[0]
    assert cf.resulting_outcome == FAVOURABLE
    assert [code for code, _ in cf.changes] == [criterion.code for criterion, _ in expected]
    for (criterion, options), (_, new) in zip(expected, cf.changes, strict=True):
        assert new in options
        if criterion.type in ("number", "date"):
            here = typed[criterion.code]
            assert abs(new - here) == nearest_distance(here, options)
            closer = one_step_closer(criterion, here, new)
            if closer is not None:
                moved_back = {**values, **dict(cf.changes), criterion.code: closer}
                assert evaluate(model, criteria, moved_back).outcome == UNFAVOURABLE
