"""Counterfactuals of a rules model: what would satisfy the failed rules, or break a held one."""

from collections.abc import Mapping
from functools import partial

from ..criteria import FAVOURABLE, CriterionDef
from ..evaluation import Evaluation, evaluate_typed
from ..models import Rule, RulesModel
from ..steps import RuleStep
from ..values import Value, holds
from .base import Counterfactual, candidates, ranked, required, single_change


def rules_counterfactuals(
    model: RulesModel,
    by_code: Mapping[str, CriterionDef],
    values: Mapping[str, Value],
    current: Evaluation,
    include_fixed: bool = False,
) -> list[Counterfactual]:
    """Per failed rule its nearest fix, then all fixes together; if favourable, what loses it.

    Unchangeable criteria take part only if include_fixed.
    """
    found: list[Counterfactual | None]
    if current.outcome == FAVOURABLE:
        found = [
            _single(model, by_code[rule.criterion], values, index, False, include_fixed)
            for index, rule in enumerate(model.rules)
        ]
        return [counterfactual for counterfactual in found if counterfactual]
    failed = [step.index for step in current.steps if isinstance(step, RuleStep) and not step.met]
    found = [
        _single(model, by_code[model.rules[index].criterion], values, index, True, include_fixed)
        for index in failed
    ]
    singles = [counterfactual for counterfactual in found if counterfactual]
    combined = _fix_all(model, by_code, values, failed, include_fixed)
    # With one failed rule the combined change is often that rule's own fix: say it once.
    if combined and all(single.changes != combined.changes for single in singles):
        singles.append(combined)
    return singles


def _single(
    model: RulesModel,
    criterion: CriterionDef,
    values: Mapping[str, Value],
    index: int,
    want_met: bool,
    include_fixed: bool,
) -> Counterfactual | None:
    """The nearest value that makes rule `index` hold (want_met) or fail."""
    if not (criterion.changeable or include_fixed):
        return None
    rule = model.rules[index]
    found = ranked(
        criterion,
        values[rule.criterion],
        candidates(criterion, [rule.value]),
        lambda value: holds(rule.op, value, rule.value) == want_met,
    )
    if not found:
        return None
    kind = "failed_rule" if want_met else "would_lose"
    listed = want_met and rule.op == "in"
    return single_change(
        model, values, kind, criterion, required(criterion, found, listed), found[0], index
    )


def _fix_all(
    model: RulesModel,
    by_code: Mapping[str, CriterionDef],
    values: Mapping[str, Value],
    failed: list[int],
    include_fixed: bool,
) -> Counterfactual | None:
    """For each criterion with a failed rule, its nearest value that satisfies all its rules."""
    changes: list[tuple[str, Value]] = []
    for code in dict.fromkeys(model.rules[index].criterion for index in failed):
        criterion = by_code[code]
        if not (criterion.changeable or include_fixed):
            return None  # the person cannot reach the favourable outcome by themselves
        rules = [rule for rule in model.rules if rule.criterion == code]
        found = ranked(
            criterion,
            values[code],
            candidates(criterion, [rule.value for rule in rules]),
            partial(_all_hold, rules),
        )
        if not found:
            return None
        changes.append((code, found[0]))
    evaluation = evaluate_typed(model, {**values, **dict(changes)})
    return Counterfactual(
        "all_failed_rules", None, None, None, tuple(changes), evaluation.outcome, evaluation
    )


def _all_hold(rules: list[Rule], value: Value) -> bool:
    return all(holds(rule.op, value, rule.value) for rule in rules)
