"""Keeping appeals' copies of algorithm versions, decisions and explanations from events.

Each handler validates before writing and raises InvalidMessage for what can never be used;
a decision whose algorithm has not arrived yet is kept all the same (the two travel on
different queues): it is joined to its algorithm when someone contests it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.appeals.service_layer.unit_of_work import AppealsUnitOfWork
from shared.contracts.events import Event, InvalidMessage


def _require(data: dict[str, Any], *keys: str) -> None:
    missing = [k for k in keys if data.get(k) in (None, "")]
    if missing:
        raise InvalidMessage(f"missing {', '.join(missing)}")


def on_algorithm_registered(uow: AppealsUnitOfWork, event: Event, now: datetime) -> None:
    document, revision = event.data.get("algorithm"), event.data.get("revision")
    if not isinstance(document, dict) or not isinstance(revision, int):
        raise InvalidMessage("algorithm.registered needs an algorithm document and a revision")
    _require(document, "id", "version", "administration", "criteria", "model")
    if document["administration"] != event.administration:
        raise InvalidMessage("the algorithm belongs to another administration than the event")
    uow.read.save_algorithm(document, revision, now)


def on_decision_logged(uow: AppealsUnitOfWork, event: Event, now: datetime) -> None:
    data = event.data
    decision = data.get("decision")
    if not isinstance(decision, dict):
        raise InvalidMessage("decision.logged without a decision")
    _require(data, "reference", "public_url")
    _require(decision, "decision_id", "administration", "algorithm", "decided_at", "outcome",
             "criteria", "subject")
    if decision["administration"] != event.administration:
        raise InvalidMessage("the decision belongs to another administration than the event")
    try:
        decided_at = datetime.fromisoformat(decision["decided_at"])
        algorithm = decision["algorithm"]
        values = {"algorithm_id": str(algorithm["id"]),
                  "algorithm_version": str(algorithm["version"]),
                  "outcome_code": str(decision["outcome"]["code"]),
                  "favourable": bool(decision["outcome"]["favourable"])}
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidMessage(f"malformed decision: {exc!r}") from exc
    if decided_at.tzinfo is None:
        raise InvalidMessage("decided_at has no UTC offset")
    contact = data.get("contact")
    added = uow.read.add_decision(
        reference=data["reference"], administration=event.administration,
        decision_id=decision["decision_id"], decided_at=decided_at,
        decided_by=decision.get("decided_by"), supersedes=decision.get("supersedes"),
        body=decision, contact=contact if isinstance(contact, dict) else None,
        replay=data.get("replay") or {"status": "unknown"}, public_url=data["public_url"],
        received_at=now, **values)
    if added and decision.get("supersedes"):
        _link_revision(uow, event.administration, decision["decision_id"], data["reference"],
                       now)


def _link_revision(uow: AppealsUnitOfWork, administration: str, decision_id: str,
                   reference: str, now: datetime) -> None:
    """The decision a review produced is logged: the appeal now points to its reference."""
    appeal = uow.appeals.by_revised_decision(administration, decision_id)
    if appeal is None:
        return
    uow.appeals.update(appeal.id, revised_reference=reference)
    uow.appeals.record(appeal.id, now, "decision_log", "revision_logged", reference=reference)


def on_explanation_generated(uow: AppealsUnitOfWork, event: Event, now: datetime) -> None:
    data = event.data
    reference = data.get("reference")
    if not isinstance(reference, str) or not reference:
        raise InvalidMessage("explanation.generated without a reference")
    version = data.get("version")
    explanation_id = data.get("explanation_id")
    uow.read.save_explanation(reference[:16], event.administration,
                              str(explanation_id)[:128] if explanation_id else None,
                              version if isinstance(version, int) else None, data, now)


def readability(data: dict[str, Any] | None) -> str | None:
    """The explainer's readability score, whatever the exact shape it sends."""
    if not data:
        return None
    for key in ("readability", "readability_score", "kandel_moles", "score_lisibilite"):
        value = data.get(key)
        if isinstance(value, int | float):
            return f"{value:g}"
        if isinstance(value, dict):
            score = value.get("score", value.get("value"))
            name = value.get("name") or value.get("formula") or ""
            if isinstance(score, int | float):
                return f"{score:g} {name}".strip()
    return None
