"""Property: what an explanation says would have changed the result is true under the model.

Thousands of generated decisions per sample algorithm (hypothesis), each explained, then every
claim checked against the registered model by brute force over dense grids of values, written
here independently of the search the explainer uses:

- each stated what-if, applied to the person's data, gives the stated result;
- no sentence says that nothing would have changed the result when something would have;
- the gap stated is the threshold minus the score;
- a protected criterion that decided the result is always said to be decisive, and one that did
  not is never;
- a divergent decision gets no what-if (none would describe what the decision did).
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.explainer.domain.case import Algorithm, Case, fixed
from services.explainer.domain.essential import word_count
from services.explainer.domain.explanation import (
    DECISIVE_MARK,
    NOT_DECISIVE,
    PROTECTED,
    WHAT_IF,
    build_document,
)
from services.explainer.domain.what_if import (
    AT_LEAST,
    AT_MOST,
    CHANGE,
    CHECK,
    DIVERGENT,
    NO_SMALL_SET,
    NONE_AT_ALL,
    NONE_CHANGEABLE,
    _direction,
    what_ifs,
)
from services.explainer.domain.wording import lower_first, points
from shared.decision_model import (
    FAVOURABLE,
    CriterionDef,
    PointsModel,
    RulesModel,
    ThresholdStep,
    counterfactuals,
    evaluate,
    to_json_value,
    without,
)
from shared.decision_model.checking import typed_values
from shared.decision_model.evaluation import evaluate_typed
from shared.samples import SAMPLE_ALGORITHMS
from tests.unit.explainer.cases import BASE_URL, REFERENCE, heating_aid, plain

DOCUMENTS = {d["id"]: d for d in [*SAMPLE_ALGORITHMS, heating_aid()]}
ALGORITHMS = {key: Algorithm.from_document(d, 1) for key, d in DOCUMENTS.items()}
EXAMPLES = 2000  # per sample algorithm; the extra amount model (not a sample) gets fewer
OTHER_EXAMPLES = 500
DECIDED_AT = datetime(2026, 11, 2, 9, 30, tzinfo=UTC).isoformat()


def _boundaries(algorithm: Algorithm, code: str) -> list[Any]:
    model = algorithm.model
    found: list[Any] = []
    if isinstance(model, PointsModel):
        found = [b.value for g in model.grids if g.criterion == code for b in g.bands]
    elif isinstance(model, RulesModel):
        found = [r.value for r in model.rules if r.criterion == code]
    return [
        v
        for value in found
        if value is not None
        for v in (value if isinstance(value, tuple) else (value,))
    ]


def grid(algorithm: Algorithm, criterion: CriterionDef) -> list[Any]:
    """Values to try for a criterion: every value worth trying, and many more."""
    if criterion.type == "boolean":
        return [True, False]
    assert criterion.type == "number" and criterion.step is not None
    step = criterion.step
    bounds = [Decimal(str(b)) for b in _boundaries(algorithm, criterion.code)]
    low = criterion.min if criterion.min is not None else Decimal(0)
    high = criterion.max if criterion.max is not None else max([*bounds, Decimal(100)]) * 3
    span = (high - low) / 25
    values = {low + span * i for i in range(26)}
    values |= {b + d for b in bounds for d in (-step, 0, step)}
    values |= {low, high}
    values = {(v / step).to_integral_value() * step for v in values}
    return sorted(v for v in values if not criterion.out_of_range(v))


def as_json(criterion: CriterionDef, value: Any) -> Any:
    return to_json_value(value) if criterion.type == "number" else value


@st.composite
def decisions(draw: Any, algorithm_id: str) -> Case:
    algorithm = ALGORITHMS[algorithm_id]
    values: dict[str, Any] = {}
    for criterion in algorithm.criteria:
        if criterion.type == "boolean":
            values[criterion.code] = draw(st.booleans())
        else:
            near = grid(algorithm, criterion)
            step = criterion.step or Decimal(1)
            low = criterion.min if criterion.min is not None else Decimal(0)
            high = criterion.max if criterion.max is not None else near[-1]
            count = int((high - low) / step)
            value = draw(
                st.one_of(
                    st.sampled_from(near),
                    st.integers(0, count).map(lambda n, s=step, lo=low: lo + n * s),
                )
            )
            values[criterion.code] = as_json(criterion, value)
    evaluation = evaluate(algorithm.model, algorithm.criteria, values)
    divergent = draw(st.integers(0, 4)) == 0
    favourable = (evaluation.outcome == FAVOURABLE) != divergent
    outcome = algorithm.model.outcomes.of(FAVOURABLE if favourable else "unfavourable")
    partial = algorithm.document["automation_allowed"] == "partial"
    reasons = (
        draw(st.sampled_from([None, "Urgence sociale signalée par le CCAS."]))
        if divergent and partial
        else None
    )
    decision = {
        "decision_id": "P-1",
        "administration": algorithm.document["administration"],
        "algorithm": {"id": algorithm.document["id"], "version": algorithm.document["version"]},
        "decided_at": DECIDED_AT,
        "automation": algorithm.document["automation_allowed"],
        "decided_by": "agent-1" if partial else None,
        "subject": {"ref": "p"},
        "outcome": {
            "code": outcome.code,
            "label": outcome.label,
            "favourable": favourable,
            "amount": (float(evaluation.amount) if evaluation.amount and favourable else None),
        },
        "criteria": [
            {"code": code, "value": value, "source": None} for code, value in values.items()
        ],
        "score": to_json_value(evaluation.score),
        "supersedes": None,
        **({"departure_reasons": reasons} if reasons else {}),
    }
    replay = (
        {
            "status": "divergent",
            "expected_outcome": evaluation.outcome_code,
            "expected_score": str(evaluation.score) if evaluation.score is not None else None,
        }
        if divergent
        else {"status": "consistent"}
    )
    return Case(algorithm, decision, REFERENCE, BASE_URL, replay)


def outcome_of(case: Case, changes: dict[str, Any]) -> Any:
    return evaluate(
        case.algorithm.model,
        case.algorithm.criteria,
        {
            **case.values,
            **{
                code: as_json(case.algorithm.criterion(code), value)
                for code, value in changes.items()
            },
        },
    )


def flips_alone(case: Case, criterion: CriterionDef) -> bool:
    return flips_together(case, (criterion,))


def flips_together(case: Case, chosen: tuple[CriterionDef, ...]) -> bool:
    """By brute force over the product of the grids (typed once: millions of evaluations)."""
    model, current = case.algorithm.model, case.evaluation
    base = dict(typed_values(case.algorithm.criteria, model, case.values))
    grids = [grid(case.algorithm, c) for c in chosen]
    codes = [c.code for c in chosen]
    for values in itertools.product(*grids):
        base.update(zip(codes, values, strict=True))
        if evaluate_typed(model, base).outcome != current.outcome:
            return True
    return False


def section_lines(document: Any, key: str) -> list[str]:
    section = document.section(key)
    return [plain(line) for block in section.blocks for line in block.lines()]


def check(case: Case) -> None:
    current = case.evaluation
    document = build_document(case)
    stated = what_ifs(case)
    what_if_text = " ".join(section_lines(document, WHAT_IF))
    used = [c for c in case.algorithm.criteria if c.code in case.algorithm.model.criteria_used()]
    changeable = [c for c in used if not fixed(c)]

    if case.divergent:
        assert not list(stated) and not stated.nothing
        assert what_if_text == DIVERGENT
    for claim in stated:
        # Applied to the person's data, the stated changes give the stated result, which is
        # not the decision's: a what-if never describes losing what was not obtained.
        after = outcome_of(case, dict(claim.changes))
        assert after.outcome == claim.evaluation.outcome != current.outcome
        assert after.outcome != ("favourable" if case.favourable else "unfavourable")
        assert after.score == claim.evaluation.score
        assert plain(claim.text) in what_if_text
        assert lower_first(after.outcome_label) in claim.text
        if after.score is not None and isinstance(case.algorithm.model, PointsModel):
            assert points(after.score) in plain(claim.text)
        codes = {code for code, _value in claim.changes}
        kinds = {fixed(case.algorithm.criterion(code)) for code in codes}
        assert kinds == ({True} if claim.kind == CHECK else {False})
        if claim.kind == CHECK:
            assert not case.favourable and "signalez-le" in claim.text
    for sentence in stated.nothing:
        assert plain(sentence) in what_if_text
    if NONE_AT_ALL in stated.nothing:
        assert not any(flips_alone(case, c) for c in used)
    if NONE_CHANGEABLE in stated.nothing:
        assert not any(flips_alone(case, c) for c in changeable)
    if NO_SMALL_SET in stated.nothing:
        for size in (2, 3):
            for chosen in itertools.combinations(changeable, size):
                assert not flips_together(case, chosen), [c.code for c in chosen]
    if not case.divergent and not stated.changes:
        assert not any(flips_alone(case, c) for c in changeable)

    # The gap: the threshold minus the score, in points, said first and in the calculation.
    last = current.steps[-1]
    if isinstance(last, ThresholdStep) and not case.divergent:
        gap = last.value - last.score
        essential = plain(" ".join(section_lines(document, "essential")))
        calculation = plain(" ".join(section_lines(document, "parameters")))
        # « il manquait » only where reaching the threshold is what the person wanted: a
        # score under the threshold of a check's selection missed nothing.
        wanted = last.op in (">=", ">") and last.when_met == "favourable"
        said = plain(
            "exactement le seuil"
            if gap == 0
            else f"{points(-gap)} au-dessus"
            if gap < 0
            else f"il manquait {points(gap)}"
            if wanted
            else f"{points(gap)} sous le seuil"
        )
        assert wanted or "manquait" not in essential + calculation
        assert said in essential and said in calculation
        assert plain(f"{points(last.score)}") in essential

    # A protected criterion that decided the result is said to be decisive, next to its
    # justification; one that did not is not.
    protected = [c for c in used if c.protected_ground]
    items = section_lines(document, PROTECTED)
    model = case.algorithm.model
    for criterion in protected:
        item = next(line for line in items if line.startswith(f"- {criterion.label} ("))
        removed = evaluate_typed(
            without(model, criterion.code),
            typed_values(case.algorithm.criteria, model, case.values),
        )
        decided = flips_alone(case, criterion) or removed.outcome != current.outcome
        assert (DECISIVE_MARK in item) == decided, item
        assert (NOT_DECISIVE.strip() in item) == (not decided), item
        assert plain(criterion.justification or "")[:40] in item

    # « L'essentiel » stays short.
    essential_words = word_count(
        document.outcome
        + " "
        + " ".join(line for block in document.section("essential").blocks for line in block.lines())
    )
    assert essential_words <= 90


@pytest.mark.parametrize("algorithm_id", sorted(ALGORITHMS))
def test_every_claim_is_true_under_the_registered_model(algorithm_id: str) -> None:
    examples = EXAMPLES if algorithm_id in {d["id"] for d in SAMPLE_ALGORITHMS} else OTHER_EXAMPLES

    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(decisions(algorithm_id))
    def run(case: Case) -> None:
        check(case)

    run()


# `ou moins` / `ou plus`: every value further away gives the same result too.
def _directed() -> list[tuple[Case, Any, str, Any]]:
    found = []
    for algorithm_id in ALGORITHMS:

        @settings(
            max_examples=150,
            deadline=None,
            derandomize=True,
            suppress_health_check=[HealthCheck.too_slow],
        )
        @given(decisions(algorithm_id))
        def collect(case: Case) -> None:
            algorithm = case.algorithm
            if case.divergent:
                return
            for cf in counterfactuals(
                algorithm.model, algorithm.criteria, case.values, include_fixed=True
            ):
                if cf.resulting_outcome == case.evaluation.outcome:
                    continue
                for code, value in cf.changes:
                    if isinstance(value, Decimal):
                        others = {**case.values, **{c: v for c, v in cf.changes if c != code}}
                        direction = _direction(case, cf, code, value, others)
                        if direction in (AT_MOST, AT_LEAST):
                            found.append((case, cf, code, (value, direction, others)))

        collect()
    return found


DIRECTED = _directed()


def test_every_model_kind_gets_ou_moins_or_ou_plus_somewhere() -> None:
    assert {case.algorithm.model.kind for case, *_rest in DIRECTED} == {"rules", "points", "linear"}


def test_ou_moins_and_ou_plus_hold_for_values_further_away() -> None:
    for case, cf, code, (new, direction, others) in DIRECTED[:600]:
        criterion = case.algorithm.criterion(code)
        sign = -1 if direction == AT_MOST else 1
        for steps in (1, 3, 10, 100):
            further = new + sign * steps * criterion.step
            if criterion.out_of_range(further):
                break
            changed = evaluate(
                case.algorithm.model,
                case.algorithm.criteria,
                {**others, code: to_json_value(further)},
            )
            assert changed.outcome == cf.resulting_outcome, (code, further)


def test_kinds_of_claims_all_show_up() -> None:
    """The generated decisions exercise every kind of sentence the section can say."""
    seen: set[str] = set()
    for algorithm_id in ALGORITHMS:

        @settings(
            max_examples=300,
            deadline=None,
            derandomize=True,
            suppress_health_check=[HealthCheck.too_slow],
        )
        @given(decisions(algorithm_id))
        def collect(case: Case) -> None:
            stated = what_ifs(case)
            seen.update(claim.kind for claim in stated)
            seen.update(stated.nothing)

        collect()
    assert seen >= {CHANGE, CHECK, "combination", NONE_CHANGEABLE, NONE_AT_ALL}
