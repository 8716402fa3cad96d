"""Personal data of closed contestations kept no longer than the retention policy.

What stays: the appeal's decision, motivation, history and statistics, which are the
administration's record; what goes: how to reach the person, their letters and their files.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, not_, select, update

from services.appeals.adapters import tables as t
from services.appeals.domain.rules import OPEN_STATUSES
from services.appeals.service_layer.unit_of_work import AppealsUnitOfWork


def purge_personal_data(uow: AppealsUnitOfWork, before: datetime, now: datetime) -> dict[str, int]:
    """Forget the contact, letters and attachments of appeals closed and received before
    `before`, and the contact of decisions no open appeal needs; return how many."""
    session = uow.session
    closed = session.execute(
        select(t.appeals.c.id, t.appeals.c.contact).where(
            t.appeals.c.received_at < before, not_(t.appeals.c.status.in_(OPEN_STATUSES))
        )
    )
    ids = [row.id for row in closed if row.contact]
    if ids:
        session.execute(update(t.appeals).where(t.appeals.c.id.in_(ids)).values(contact={}))
        session.execute(
            update(t.attachments).where(t.attachments.c.appeal_id.in_(ids)).values(data=b"")
        )
        session.execute(
            update(t.dispatches)
            .where(t.dispatches.c.appeal_id.in_(ids), t.dispatches.c.status != "pending")
            .values(recipient="", body="", attachment=None)
        )
    still_needed = select(t.appeals.c.reference).where(t.appeals.c.status.in_(OPEN_STATUSES))
    decisions = session.execute(
        update(t.decisions)
        .where(
            and_(
                t.decisions.c.decided_at < before,
                t.decisions.c.contact.is_not(None),
                not_(t.decisions.c.reference.in_(still_needed)),
            )
        )
        .values(contact=None)
    ).rowcount  # type: ignore[attr-defined]
    return {"appeals": len(ids), "decisions": decisions}
