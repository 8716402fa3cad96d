"""What several kinds' wordings share: the effects read from the steps of an exact model, the
total against a threshold, a failed condition's gap, the direction of a what-if's value.

Imports nothing of the explainer's section modules (applied, essential, motif, what_if,
explanation): those look the kinds up, the kinds never look back.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any

from services.explainer.domain.case import Case
from services.explainer.domain.wording import (
    lower_first,
    number,
    points,
    score_text,
    threshold_gap,
    value_text,
)
from shared.decision_model import (
    CriterionDef,
    Evaluation,
    GridStep,
    RuleStep,
    ThresholdStep,
    WeightStep,
)
from shared.french import format_amount

# Whether every value beyond the one a what-if gives also gives its result.
AT_MOST, AT_LEAST, EXACTLY = "at_most", "at_least", "exactly"


def step_effects(case: Case, in_euros: bool = False) -> dict[str, str]:
    """What each criterion gave in an exact model's steps: `20 points`, `10,5 points (1,5
    point par point d'écart)`, `condition remplie`."""
    evaluation = case.evaluation
    assert evaluation is not None
    effects: dict[str, str] = {}
    met: dict[str, bool] = {}
    for step in evaluation.steps:
        if isinstance(step, GridStep):
            effects[step.criterion] = points(step.points)
        elif isinstance(step, WeightStep):
            rule = f" ({lower_first(step.label)})" if step.label else ""
            effects[step.criterion] = f"{score_text(step.contribution, in_euros)}{rule}"
        elif isinstance(step, RuleStep):
            met[step.criterion] = met.get(step.criterion, True) and step.met
    effects.update(
        {code: "condition remplie" if ok else "condition non remplie" for code, ok in met.items()}
    )
    return effects


def result_sentence(evaluation: Evaluation) -> str:
    return f"Le résultat est donc : {lower_first(evaluation.outcome_label)}."


def total(evaluation: Evaluation, name: str) -> str:
    """`Votre total : 45 points, il manquait 15 points pour atteindre le seuil.`: the gap is
    the threshold minus the score; with the rule of the threshold said just before, it says
    the result."""
    step = evaluation.steps[-1]
    assert isinstance(step, ThresholdStep)
    return f"{name} : {points(step.score)}, {threshold_gap(step, naming_threshold=True)}."


def score_gap(step: ThresholdStep, lead: str) -> str:
    """`Votre demande a obtenu 45 points, pour un seuil de 60 : il vous manquait 15 points.`

    The gap is the threshold minus the score, in the score's own units.
    """
    head = f"{lead} {points(step.score)}, pour un seuil de {points(step.value)}"
    return f"{head} : {threshold_gap(step)}."


def score_figure(after: Evaluation) -> str:
    """` (45 points)` or ` (120 €)`: the score or amount another value would have given."""
    if after.score is None:
        return ""
    figure = format_amount(after.amount) if after.amount is not None else points(after.score)
    return f" ({figure})"


def condition_gap(case: Case, step: RuleStep) -> str:
    """`Condition non remplie : revenu … 25 000 € ou moins. Pour vous : 27 319 €, soit 2 319 €
    de plus que la limite.`"""
    return (
        f"Condition non remplie : {lower_first(step.label)}. Pour vous : "
        f"{value_text(case.algorithm.criterion(step.criterion), step.person_value)}"
        f"{limit_gap(case, step)}."
    )


def limit_gap(case: Case, step: RuleStep) -> str:
    """`, soit 2 319 € de plus que la limite` for a failed number condition, else nothing: the
    gap in the criterion's own unit."""
    criterion = case.algorithm.criterion(step.criterion)
    if (
        step.met
        or criterion is None
        or criterion.type != "number"
        or step.op not in ("<=", "<", ">=", ">")
        or not isinstance(step.value, Decimal)
        or not isinstance(step.person_value, Decimal)
        or step.person_value == step.value
    ):
        return ""
    more = "de plus" if step.person_value > step.value else "de moins"
    gap = abs(step.person_value - step.value)
    return f", soit {value_text(criterion, gap)} {more} que la limite"


def signed(effect: Decimal) -> str:
    """`+0,12`, `−0,3`, `0`."""
    text = number(abs(effect))
    return f"+{text}" if effect > 0 else f"−{text}" if effect < 0 else text


def typed(criterion: CriterionDef, raw: Any) -> Any:
    if criterion.type == "date":
        return raw if isinstance(raw, date) else date.fromisoformat(str(raw))
    return Decimal(str(raw))


def json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def probes(criterion: CriterionDef, boundaries: Iterable[Any]) -> list[Any]:
    """A value in every interval the boundaries cut: the results are constant inside each."""
    flat = sorted(
        {v for b in boundaries if b is not None for v in (b if isinstance(b, tuple) else (b,))}
    )
    step: Any = timedelta(days=1) if criterion.type == "date" else criterion.step
    found = [v + delta for v in flat for delta in (-step, 0 * step, step)]
    for low, high in pairwise(flat):
        found.append(low + (high - low) // 2 if isinstance(low, date) else (low + high) / 2)
    return found
