"""An amended decision: corrected criteria, the outcome recomputed by the registered model.

The new decision is a complete `decision.v1` body that decision_log logs as a new record
superseding the original; the reviewer is its `decided_by` (automation `partial`).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from shared.decision_model import (
    CriterionDef,
    DecisionModel,
    Evaluation,
    NotEvaluable,
    check_values,
    evaluate,
    load_algorithm_model,
    to_json_value,
)
from shared.routes import REVIEW_SUFFIX

_TRUE = {"oui", "true", "vrai", "1", "o", "yes"}
_FALSE = {"non", "false", "faux", "0", "n", "no"}
_FRENCH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


class CannotRecompute(Exception):
    """The values are not valid for the model, or the model cannot be executed (opaque)."""

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


def parse_date(text: str) -> date:
    """`31/01/2026` or `2026-01-31` (a date field); ValueError otherwise."""
    found = _FRENCH_DATE.fullmatch(text.strip())
    if found:
        return date(int(found[3]), int(found[2]), int(found[1]))
    return date.fromisoformat(text.strip())


def parse_typed(criterion: CriterionDef, raw: str) -> Any:
    """What a person or an agent typed, as the criterion's JSON value; ValueError otherwise."""
    text = raw.strip()
    if criterion.type == "number":
        cleaned = re.sub(r"[\s\u00a0\u202f€%]", "", text).replace(",", ".")
        try:
            number = Decimal(cleaned)
        except InvalidOperation:
            raise ValueError("Saisissez un nombre, par exemple 1 200 ou 12,5.") from None
        if not number.is_finite():
            raise ValueError("Saisissez un nombre.")
        return to_json_value(number)
    if criterion.type == "boolean":
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise ValueError("Répondez par oui ou par non.")
    if criterion.type == "date":
        try:
            return parse_date(text).isoformat()
        except ValueError:
            raise ValueError("Saisissez une date, par exemple 31/01/2026.") from None
    if criterion.allowed_values is not None and text not in criterion.allowed_values:
        raise ValueError(f"Choisissez parmi : {', '.join(criterion.allowed_values)}.")
    if not text:
        raise ValueError("Saisissez une valeur.")
    return text


@dataclass(frozen=True)
class Recomputed:
    values: dict[str, Any]
    evaluation: Evaluation
    changed: dict[str, tuple[Any, Any]]  # code: (before, after)


def load_model(algorithm: Mapping[str, Any]) -> tuple[Sequence[CriterionDef], DecisionModel]:
    criteria, model = load_algorithm_model(algorithm["criteria"], algorithm["model"])
    return criteria, model


def recompute(
    algorithm: Mapping[str, Any], original: Mapping[str, Any], corrections: Mapping[str, Any]
) -> Recomputed:
    """The original criteria with the corrections applied, evaluated by the registered model."""
    criteria, model = load_model(algorithm)
    before = {c["code"]: c["value"] for c in original["criteria"]}
    values = {**before, **corrections}
    errors = check_values(criteria, model, values)
    if errors:
        raise CannotRecompute(
            "Ces valeurs ne conviennent pas au modèle enregistré.",
            {code: " ".join(reasons) for code, reasons in errors.items()},
        )
    try:
        evaluation = evaluate(model, criteria, values)
    except NotEvaluable:
        raise CannotRecompute(
            "Cet algorithme n'a pas de modèle exécutable : le résultat ne "
            "peut pas être recalculé. Annulez la décision si elle ne peut "
            "pas être maintenue."
        ) from None
    changed = {
        code: (before.get(code), value)
        for code, value in corrections.items()
        if before.get(code) != value
    }
    return Recomputed(values, evaluation, changed)


def revised_decision(
    original: Mapping[str, Any],
    contact: Mapping[str, Any] | None,
    recomputed: Recomputed,
    *,
    reviewer: str,
    appeal_id: str,
    decision_id: str,
    now: datetime,
) -> dict[str, Any]:
    """The `decision.v1` body of the new decision that supersedes `original`."""
    evaluation = recomputed.evaluation
    criteria = []
    for criterion in original["criteria"]:
        code = criterion["code"]
        entry = {"code": code, "value": recomputed.values[code], "source": criterion.get("source")}
        if code in recomputed.changed:
            entry["source"] = f"Corrigé lors du recours {appeal_id}"
        if criterion.get("contribution") is not None:
            entry["contribution"] = criterion["contribution"]
        criteria.append(entry)
    outcome = original["outcome"]
    favourable = evaluation.outcome == "favourable"
    return {
        "schema": "decision.v1",
        "event_id": str(uuid.uuid4()),
        "decision_id": decision_id,
        "administration": original["administration"],
        "algorithm": dict(original["algorithm"]),
        "decided_at": now.isoformat(),
        "automation": "partial",
        "decided_by": reviewer,
        "subject": {
            "ref": original["subject"]["ref"],
            "contact": dict(contact) if contact else None,
        },
        "outcome": {
            "code": evaluation.outcome_code,
            "label": evaluation.outcome_label,
            "favourable": favourable,
            "amount": (
                to_json_value(evaluation.amount)
                if evaluation.amount is not None and favourable
                else None
            ),
            "currency": outcome.get("currency", "EUR"),
            "effective_from": outcome.get("effective_from"),
        },
        "criteria": criteria,
        "score": to_json_value(evaluation.score) if evaluation.score is not None else None,
        "supersedes": original["decision_id"],
    }


def revision_id(original_decision_id: str, appeal_pk: int) -> str:
    """A new decision id, unique per appeal, within the identifier's 128 characters."""
    return f"{original_decision_id[:100]}{REVIEW_SUFFIX}{appeal_pk}"


def corrections_from(
    criteria: Sequence[CriterionDef], original: Mapping[str, Any], typed: Mapping[str, str]
) -> dict[str, Any]:
    """The values the reviewer corrected (as typed on the form), parsed; CannotRecompute lists
    the fields that could not be read. Values left as they were are not corrections."""
    by_code = {c.code: c for c in criteria}
    corrections: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for code, raw in typed.items():
        criterion = by_code.get(code)
        if criterion is None or raw is None or not str(raw).strip():
            continue
        try:
            value = parse_typed(criterion, str(raw))
        except ValueError as exc:
            problems[f"correct-{code}"] = str(exc)
            continue
        if value != original.get(code):
            corrections[code] = value
    if problems:
        raise CannotRecompute("Certaines valeurs corrigées ne sont pas lisibles.", problems)
    return corrections
