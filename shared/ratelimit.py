"""Attempt counters kept in the service's database, so that a limit holds across web processes.

Keys are keyed digests: neither addresses nor logins are stored in clear.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    MetaData,
    String,
    Table,
    delete,
    func,
    insert,
    select,
)
from sqlalchemy.orm import Session

from shared.auth.tokens import keyed_digest
from shared.messaging.tables import BigId

# Long enough for any window used; older events are forgotten.
KEPT = timedelta(days=2)


@dataclass(frozen=True)
class Limit:
    """At most `attempts` per `window` for one value of `kind` (an address, a login…)."""

    kind: str
    attempts: int
    window: timedelta


def define_rate_table(metadata: MetaData) -> Table:
    return Table(
        "rate_events", metadata,
        Column("id", BigId, primary_key=True, autoincrement=True),
        Column("bucket", String(100), nullable=False),
        Column("at", DateTime(timezone=True), nullable=False),
        Index("ix_rate_events_bucket", "bucket", "at"),
    )


class RateLimiter:
    """Counts attempts against limits, in the caller's transaction."""

    def __init__(self, table: Table, secret_key: str) -> None:
        self._table, self._secret = table, secret_key

    def _bucket(self, limit: Limit, value: str) -> str:
        return f"{limit.kind}:{keyed_digest(self._secret, 'rate-limit:' + limit.kind, value)}"

    def exhausted(self, session: Session, checks: Sequence[tuple[Limit, str]],
                  now: datetime) -> Limit | None:
        """The first limit already reached, if any."""
        for limit, value in checks:
            count = session.scalar(select(func.count()).select_from(self._table).where(
                self._table.c.bucket == self._bucket(limit, value),
                self._table.c.at >= now - limit.window))
            if (count or 0) >= limit.attempts:
                return limit
        return None

    def hit(self, session: Session, checks: Sequence[tuple[Limit, str]], now: datetime) -> None:
        """Count one attempt against each limit."""
        session.execute(insert(self._table), [{"bucket": self._bucket(limit, value), "at": now}
                                              for limit, value in checks])

    def forget_before(self, session: Session, moment: datetime) -> None:
        session.execute(delete(self._table).where(self._table.c.at < moment))
