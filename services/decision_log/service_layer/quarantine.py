"""Operators list quarantined decisions and replay them once the cause is fixed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from services.decision_log.domain.validation import CONFLICT, Producer
from services.decision_log.service_layer.ingest import (
    Duplicate,
    IngestContext,
    Logged,
    Quarantined,
    ingest,
)
from services.decision_log.service_layer.unit_of_work import DecisionLogUnitOfWork


@dataclass(frozen=True)
class ReplayResult:
    item_id: int
    status: str  # "logged", "duplicate", "still_quarantined", "not_pending"
    detail: str


def replay_item(uow: DecisionLogUnitOfWork, item_id: int, context: IngestContext) -> ReplayResult:
    """Ingest the stored body again, as its producer sent it; the outcome says what happened."""
    item = uow.quarantine.get(item_id)
    if item is None or item.status != "pending":
        return ReplayResult(item_id, "not_pending", "no pending quarantined item with this id")
    producer = Producer(item.channel, item.producer, item.producer_administration)
    # The replay is an attempt on the same item: a failure must not file a second record.
    with uow.savepoint() as attempt:
        outcome = ingest(uow, item.body, producer, context)
        if isinstance(outcome, Quarantined):
            attempt.rollback()
    now = datetime.now(UTC)
    if isinstance(outcome, Quarantined):
        uow.quarantine.update(
            item_id, attempts=item.attempts + 1, reasons=outcome.reasons, category=outcome.category
        )
        return ReplayResult(item_id, "still_quarantined", _summary(outcome.reasons))
    if isinstance(outcome, Logged):
        resolution = f"logged as {outcome.reference}"
    else:
        assert isinstance(outcome, Duplicate)
        resolution = f"already logged as {outcome.reference}"
    uow.quarantine.update(
        item_id,
        status="replayed",
        resolved_at=now,
        resolution=resolution,
        attempts=item.attempts + 1,
    )
    return ReplayResult(
        item_id, "logged" if isinstance(outcome, Logged) else "duplicate", resolution
    )


def dismiss_item(uow: DecisionLogUnitOfWork, item_id: int, why: str) -> bool:
    item = uow.quarantine.get(item_id)
    if item is None or item.status != "pending":
        return False
    uow.quarantine.update(
        item_id, status="dismissed", resolved_at=datetime.now(UTC), resolution=why
    )
    return True


def describe(item: Any) -> dict[str, Any]:
    return {
        "id": item.id,
        "received_at": item.received_at.isoformat(),
        "channel": item.channel,
        "producer": item.producer,
        "administration": item.administration,
        "decision_id": item.decision_id,
        "category": item.category,
        "reasons": item.reasons,
        "status": item.status,
        "attempts": item.attempts,
        "resolution": item.resolution,
        "replayable": item.category != CONFLICT,
    }


def _summary(reasons: dict[str, list[str]]) -> str:
    return "; ".join(f"{field}: {', '.join(errors)}" for field, errors in reasons.items())
