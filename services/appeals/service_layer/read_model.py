"""Keeping appeals' copies of algorithm versions, decisions and explanations from events.

The events arrive checked by their contracts (shared/contracts/messages.py). A decision whose
algorithm has not arrived yet is kept all the same (the two travel on different queues): it is
joined to its algorithm when someone contests it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.appeals.service_layer.unit_of_work import AppealsUnitOfWork
from shared.contracts.messages import (
    AlgorithmRegistered,
    DecisionLogged,
    ExplanationGenerated,
    Readability,
)


def on_algorithm_registered(
    registered: AlgorithmRegistered, uow: AppealsUnitOfWork, now: datetime
) -> None:
    uow.read.save_algorithm(registered.document, registered.revision, now)


def on_decision_logged(logged: DecisionLogged, uow: AppealsUnitOfWork, now: datetime) -> None:
    decision = logged.decision
    algorithm = decision["algorithm"]
    added = uow.read.add_decision(
        reference=logged.reference,
        administration=logged.administration,
        decision_id=logged.decision_id,
        decided_at=datetime.fromisoformat(decision["decided_at"]),
        decided_by=decision.get("decided_by"),
        supersedes=decision.get("supersedes"),
        body=decision,
        contact=logged.contact,
        replay=logged.replay,
        public_url=logged.public_url,
        received_at=now,
        algorithm_id=str(algorithm["id"]),
        algorithm_version=str(algorithm["version"]),
        outcome_code=str(decision["outcome"]["code"]),
        favourable=bool(decision["outcome"]["favourable"]),
    )
    if added and decision.get("supersedes"):
        _link_revision(uow, logged.administration, logged.decision_id, logged.reference, now)


def _link_revision(
    uow: AppealsUnitOfWork, administration: str, decision_id: str, reference: str, now: datetime
) -> None:
    """The decision a review produced is logged: the appeal now points to its reference."""
    appeal = uow.appeals.by_revised_decision(administration, decision_id)
    if appeal is None:
        return
    uow.appeals.update(appeal.id, revised_reference=reference)
    uow.appeals.record(appeal.id, now, "decision_log", "revision_logged", reference=reference)


def on_explanation_generated(
    generated: ExplanationGenerated, uow: AppealsUnitOfWork, now: datetime
) -> None:
    uow.read.save_explanation(
        generated.reference,
        generated.administration,
        str(generated.explanation_id),
        generated.version,
        dict(generated.data or {}),
        now,
    )


def readability(data: dict[str, Any] | None) -> str | None:
    """The explainer's readability score, as explanation.generated carries it."""
    score = (data or {}).get("readability")
    if not isinstance(score, dict):
        return None
    return str(Readability(str(score.get("formula", "")), float(score.get("score", 0))))
