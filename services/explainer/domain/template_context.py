"""What a custom template may use: the person's facts, already in French formats, as plain data."""

from __future__ import annotations

from typing import Any

from services.explainer.domain.case import Case
from services.explainer.domain.recourse import Deadlines
from services.explainer.domain.what_if import describe
from services.explainer.domain.wording import number, points, value_text
from shared.decision_model import GridStep, OpaqueModel, WeightStep, counterfactuals
from shared.french import format_amount, format_date


def template_context(case: Case, deadlines: Deadlines) -> dict[str, Any]:
    """Only strings, numbers, booleans, lists and dicts: nothing a sandbox could escape from."""
    algorithm, evaluation = case.algorithm, case.evaluation
    outcome = case.outcome
    return {
        "reference": case.reference,
        "page_url": case.page_url,
        "contest_url": case.contest_url,
        "decision": {
            "date": format_date(case.decided_on),
            "outcome": outcome["label"],
            "favourable": case.favourable,
            "amount": format_amount(outcome["amount"]) if outcome.get("amount") else None,
            "fully_automated": case.fully_automated,
            "human_role": case.human_role,
            "supersedes_reference": case.supersedes_reference,
        },
        "algorithm": {
            "name": algorithm.name, "version": str(algorithm.document["version"]),
            "purpose": str(algorithm.document["purpose"]), "service": algorithm.service,
        },
        "criteria": _criteria(case),
        "result": {
            "outcome": evaluation.outcome_label if evaluation else None,
            "score": number(evaluation.score) if evaluation and evaluation.score is not None
            else None,
            "divergent": case.divergent,
        },
        "what_if": _what_if(case),
        "deadlines": {
            "notified_on": format_date(deadlines.notified_on),
            "appeal_by": format_date(deadlines.appeal_by) if deadlines.appeal_by else None,
            "court_by": format_date(deadlines.court_by) if deadlines.court_by else None,
            "observations_by": (format_date(deadlines.observations_by)
                                if deadlines.observations_by else None),
        },
    }


def _criteria(case: Case) -> list[dict[str, Any]]:
    gained: dict[str, str] = {}
    if case.evaluation is not None:
        for step in case.evaluation.steps:
            if isinstance(step, GridStep):
                gained[step.criterion] = points(step.points)
            elif isinstance(step, WeightStep):
                gained[step.criterion] = number(step.contribution)
    contributions = case.contributions
    found = []
    for code, value in case.values.items():
        criterion = case.algorithm.criterion(code)
        found.append({
            "code": code,
            "label": criterion.label if criterion else code,
            "value": value_text(criterion, value),
            "source": case.sources.get(code) or (criterion.source if criterion else ""),
            "changeable": criterion.changeable if criterion else True,
            "protected_ground": criterion.protected_ground if criterion else None,
            "justification": criterion.justification if criterion else None,
            "points": gained.get(code),
            "contribution": number(contributions[code]) if code in contributions else None,
        })
    return found


def _what_if(case: Case) -> list[dict[str, Any]]:
    model, evaluation = case.algorithm.model, case.evaluation
    if isinstance(model, OpaqueModel) or evaluation is None:
        return []
    found = []
    for cf in counterfactuals(model, case.algorithm.criteria, case.values):
        criterion = case.algorithm.criterion(cf.criterion) if cf.criterion else None
        found.append({
            "kind": cf.kind,
            "criterion": cf.criterion,
            "label": criterion.label if criterion else None,
            "current": value_text(criterion, cf.current_value) if criterion else None,
            "required": value_text(criterion, cf.required_value) if criterion else None,
            "outcome": cf.resulting_evaluation.outcome_label,
            "text": describe(case, cf, evaluation),
        })
    return found
