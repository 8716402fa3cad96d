"""Personal data kept no longer than the retention policy: the log stays verifiable.

The hash chain covers a digest of the contact details, not the details themselves, so
purging them leaves every record's hash intact.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from services.decision_log.adapters import tables as t
from services.decision_log.service_layer.unit_of_work import DecisionLogUnitOfWork

PURGED = b""


def purge_personal_data(
    uow: DecisionLogUnitOfWork, before: datetime, now: datetime
) -> dict[str, int]:
    """Forget contact details of decisions received before `before`, and the bodies of
    quarantined decisions and dead letters as old; return how many of each."""
    old_decisions = select(t.decisions.c.id).where(t.decisions.c.received_at < before)
    contacts = uow.session.execute(
        update(t.contacts)
        .where(t.contacts.c.decision_pk.in_(old_decisions), t.contacts.c.purged_at.is_(None))
        .values(contact=None, purged_at=now)
    ).rowcount  # type: ignore[attr-defined]
    quarantined = uow.session.execute(
        update(t.quarantine)
        .where(t.quarantine.c.received_at < before, t.quarantine.c.body != PURGED)
        .values(
            body=PURGED,
            status="dismissed",
            resolved_at=now,
            resolution="personal data purged under the retention policy",
        )
    ).rowcount  # type: ignore[attr-defined]
    dead = t.messaging.dead_letters
    dead_letters = uow.session.execute(
        update(dead)
        .where(dead.c.received_at < before, dead.c.body != PURGED)
        .values(body=PURGED, status="purged")
    ).rowcount  # type: ignore[attr-defined]
    return {"contacts": contacts, "quarantine": quarantined, "dead_letters": dead_letters}
