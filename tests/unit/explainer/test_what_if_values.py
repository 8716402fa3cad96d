"""Across many sample decisions, each counterfactual sentence states the values it was computed
from, and `au plus` / `au moins` only when every value beyond also changes the result."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from services.explainer.domain.case import Algorithm, Case
from services.explainer.domain.what_if import AT_LEAST, AT_MOST, _direction, describe
from services.explainer.domain.wording import lower_first, points, value_text
from shared.decision_model import counterfactuals, evaluate
from shared.decision_model.values import holds
from shared.samples import SAMPLE_ALGORITHMS, generate_decisions
from tests.unit.explainer.cases import heating_aid

DOCUMENTS = [*SAMPLE_ALGORITHMS, heating_aid()]
ALGORITHMS = {d["id"]: Algorithm.from_document(d, 1) for d in DOCUMENTS}
# A fixed start: the same decisions, hence the same cases, on every day the tests run.
DECISIONS = generate_decisions(200, seed=11, algorithms=DOCUMENTS,
                               start=datetime(2026, 11, 2, 9, tzinfo=UTC))


def _cases():
    for decision in DECISIONS:
        algorithm = ALGORITHMS[decision["algorithm"]["id"]]
        case = Case(algorithm, decision, "D-7K2QM-4XR9T", "https://explicite.example",
                    {"status": "consistent"})
        assert case.evaluation is not None
        for cf in counterfactuals(algorithm.model, algorithm.criteria, case.values):
            yield case, cf


CASES = list(_cases())


def test_there_are_counterfactuals_of_every_kind_to_check():
    assert {cf.kind for _case, cf in CASES} >= {"failed_rule", "all_failed_rules",
                                                  "would_lose", "single_criterion"}


@pytest.mark.parametrize(("case", "cf"), CASES[:400])
def test_the_sentence_gives_the_values_and_the_result_it_was_computed_from(case, cf):
    sentence = describe(case, cf, case.evaluation)
    if cf.resulting_outcome != case.evaluation.outcome:
        assert lower_first(cf.resulting_evaluation.outcome_label) in sentence
    else:  # a failed condition fixed alone, others still failing
        assert "ce changement seul n'aurait pas suffi" in sentence
    for code, value in cf.changes:
        criterion = case.algorithm.criterion(code)
        shown = value_text(criterion, cf.required_value if cf.criterion else value)
        assert shown in sentence
        if cf.criterion:
            assert value_text(criterion, cf.current_value) in sentence
    if cf.kind == "single_criterion" and cf.resulting_evaluation.amount is None:
        assert points(cf.resulting_evaluation.score) in sentence


DIRECTED = [(case, cf, direction) for case, cf in CASES
            if cf.criterion and isinstance(cf.current_value, Decimal)
            and (direction := _direction(case, cf, *cf.changes[0])) in (AT_MOST, AT_LEAST)]


def test_every_model_kind_gets_au_plus_or_au_moins_somewhere():
    assert {case.algorithm.model.kind for case, _cf, _d in DIRECTED} == {
        "rules", "points", "linear"}


@pytest.mark.parametrize(("case", "cf", "direction"), DIRECTED[:300])
def test_au_plus_and_au_moins_hold_for_values_further_away(case, cf, direction):
    code, new = cf.changes[0]
    criterion = case.algorithm.criterion(code)
    sign = -1 if direction == AT_MOST else 1
    for steps in (1, 3, 10, 100):
        further = new + sign * steps * criterion.step
        if criterion.out_of_range(further):
            break
        if cf.kind in ("failed_rule", "would_lose"):
            rule = case.algorithm.model.rules[cf.rule_index]
            assert holds(rule.op, further, rule.value) == (cf.kind == "failed_rule")
        else:
            changed = evaluate(case.algorithm.model, case.algorithm.criteria,
                               {**case.values, code: further})
            assert changed.outcome == cf.resulting_outcome, (code, further)
