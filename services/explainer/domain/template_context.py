"""What a custom template may use: the person's facts, already in French formats, as plain data.

Keys: `reference`, `page_url`, `contest_url`, `register_url` (the algorithm's entry in the
public register), `decision`, `algorithm`, `criteria`, `result`, `what_if` (each what-if stated,
with its `kind`: "change" the person may act on, "check" a datum to verify — never to be worded
as something to change —, "combination" several changes together), `next_step` (what the
person can do and by when, for the day the section is built: `text`, `deadline`, `past`,
`if_past`, `contact`), `deadlines`; and `default`, the section's default text (added by
`templates.apply`). Sections a template may rewrite: `templates.TEMPLATE_KEYS` (every section
but « L'essentiel », whose default wording always applies); docs/explainer.md lists them all.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from services.explainer.domain.case import Case
from services.explainer.domain.recourse import Deadlines, next_step
from services.explainer.domain.what_if import what_ifs
from services.explainer.domain.wording import number, points, value_text
from shared.decision_model import GridStep, WeightStep
from shared.french import format_amount, format_date


def template_context(case: Case, today: date) -> dict[str, Any]:
    """Only strings, numbers, booleans, lists and dicts: nothing a sandbox could escape from.

    `today`: the day the dated sections are built for (generation, or reading).
    """
    algorithm, evaluation = case.algorithm, case.evaluation
    outcome = case.outcome
    deadlines = Deadlines.of(case)
    step = next_step(case, today)
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
        "next_step": {"text": step.text, "contact": step.contact, "past": step.past,
                      "deadline": format_date(step.deadline) if step.deadline else None,
                      "if_past": step.if_past},
        "register_url": case.register_url,
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
    """Each what-if stated: `kind` is "change" (the person may act on it), "check" (a datum to
    verify: it cannot change or touches a ground of discrimination) or "combination"."""
    found = []
    for stated in what_ifs(case):
        code = stated.changes[0][0] if len(stated.changes) == 1 else None
        criterion = case.algorithm.criterion(code) if code else None
        found.append({
            "kind": stated.kind,
            "criterion": code,
            "label": criterion.label if criterion else None,
            "current": value_text(criterion, case.values[code]) if criterion and code else None,
            "required": value_text(criterion, stated.changes[0][1]) if criterion else None,
            "outcome": stated.evaluation.outcome_label,
            "text": stated.text,
        })
    return found
