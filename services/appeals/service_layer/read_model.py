"""Keeping appeals' copies of algorithm versions, decisions and explanations from events.

The events arrive checked by their contracts (shared/contracts/messages.py). A decision whose
algorithm has not arrived yet is kept all the same (the two travel on different queues): it is
joined to its algorithm when someone contests it.
"""

from __future__ import annotations

from collections.abc import Sequence
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


def on_decisions_logged(
    batch: Sequence[DecisionLogged], uow: AppealsUnitOfWork, now: datetime
) -> dict[int, str]:
    """Keep a consumer batch's decisions: looked up and written at once (docs/benchmark.md:
    one lookup and one insert per decision cost appeals' worker more than the explainer).
    Nothing is refused: the contract checked each event."""
    added = uow.read.add_decisions([_decision_row(logged, now) for logged in batch])
    for row in added:
        if row["supersedes"]:
            _link_revision(uow, row["administration"], row["decision_id"], row["reference"], now)
    return {}


def _decision_row(logged: DecisionLogged, now: datetime) -> dict[str, Any]:
    decision = logged.decision
    algorithm = decision["algorithm"]
    return {
        "reference": logged.reference,
        "administration": logged.administration,
        "decision_id": logged.decision_id,
        "decided_at": datetime.fromisoformat(decision["decided_at"]),
        "decided_by": decision.get("decided_by"),
        "supersedes": decision.get("supersedes"),
        "body": decision,
        "contact": logged.contact,
        "replay": logged.replay,
        "public_url": logged.public_url,
        "received_at": now,
        "algorithm_id": str(algorithm["id"]),
        "algorithm_version": str(algorithm["version"]),
        "outcome_code": str(decision["outcome"]["code"]),
        "favourable": bool(decision["outcome"]["favourable"]),
    }


def _link_revision(
    uow: AppealsUnitOfWork, administration: str, decision_id: str, reference: str, now: datetime
) -> None:
    """The decision a review produced is logged: the appeal now points to its reference."""
    appeal = uow.appeals.by_revised_decision(administration, decision_id)
    if appeal is None:
        return
    uow.appeals.update(appeal.id, revised_reference=reference)
    uow.appeals.record(appeal.id, now, "decision_log", "revision_logged", reference=reference)


def on_explanations_generated(
    batch: Sequence[ExplanationGenerated], uow: AppealsUnitOfWork, now: datetime
) -> dict[int, str]:
    """Keep the newest version of each explanation of a consumer batch, written at once."""
    uow.read.save_explanations(
        [
            {
                "reference": generated.reference,
                "administration": generated.administration,
                "explanation_id": str(generated.explanation_id),
                "version": generated.version,
                "data": dict(generated.data or {}),
                "received_at": now,
            }
            for generated in batch
        ]
    )
    return {}


def readability(data: dict[str, Any] | None) -> str | None:
    """The explainer's readability score, as explanation.generated carries it."""
    score = (data or {}).get("readability")
    if not isinstance(score, dict):
        return None
    return str(Readability(str(score.get("formula", "")), float(score.get("score", 0))))
