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
from shared.db import lock_names
from shared.messaging.tables import BigId

# Long enough for any window used; older events are forgotten.
KEPT = timedelta(days=2)


@dataclass(frozen=True)
class Limit:
    """At most `attempts` per `window` for one value of `kind` (an address, a login…).

    With a `delay`, the attempts past the first `attempts` are not refused for the rest of the
    window: each must wait twice as long after the last one as the one before it did (from
    `delay`, never more than `window`). A person who mistypes waits seconds; a guesser, ever
    longer.
    """

    kind: str
    attempts: int
    window: timedelta
    delay: timedelta | None = None

    def wait(self, counted: int, last: datetime | None, now: datetime) -> timedelta | None:
        """How long until the next attempt, given those counted in the window; None: now."""
        if counted < self.attempts or last is None:
            return None
        if self.delay is None:
            return self.window
        wait = min(self.delay * 2 ** (counted - self.attempts), self.window)
        left = last + wait - now
        return left if left > timedelta(0) else None


@dataclass(frozen=True)
class Refusal:
    limit: Limit
    retry_after: timedelta

    @property
    def seconds(self) -> int:
        return max(1, int(self.retry_after.total_seconds() + 0.999))


def define_rate_table(metadata: MetaData) -> Table:
    return Table(
        "rate_events",
        metadata,
        Column("id", BigId, primary_key=True, autoincrement=True),
        Column("bucket", String(100), nullable=False),
        Column("at", DateTime(timezone=True), nullable=False),
        Index("ix_rate_events_bucket", "bucket", "at"),
    )


class RateLimiter:
    """Counts attempts against limits, in the caller's transaction, atomically.

    `refusal()` locks the buckets it reads until the caller's transaction ends, so that what
    the caller then does (check a code, a password) and counts with `hit()` happens for one
    request at a time per bucket, whatever the number of processes: without the lock, forty
    concurrent tries all read a count below the limit before any of them is written. On
    PostgreSQL the lock is a transaction-level advisory lock per bucket; SQLite's
    transactions (BEGIN IMMEDIATE) already run one at a time.
    """

    def __init__(self, table: Table, secret_key: str) -> None:
        self._table, self._secret = table, secret_key

    def _bucket(self, limit: Limit, value: str) -> str:
        return f"{limit.kind}:{keyed_digest(self._secret, 'rate-limit:' + limit.kind, value)}"

    def refusal(
        self, session: Session, checks: Sequence[tuple[Limit, str]], now: datetime
    ) -> Refusal | None:
        """The first limit that refuses an attempt now, with how long to wait; None if none.

        Holds the checked buckets' locks until the caller's transaction ends.
        """
        buckets = [self._bucket(limit, value) for limit, value in checks]
        lock_names(session, buckets)
        for (limit, _value), bucket in zip(checks, buckets, strict=True):
            counted, last = session.execute(
                select(func.count(), func.max(self._table.c.at)).where(
                    self._table.c.bucket == bucket, self._table.c.at >= now - limit.window
                )
            ).one()
            if last is not None and last.tzinfo is None:  # SQLite gives back naive UTC
                last = last.replace(tzinfo=now.tzinfo)
            wait = limit.wait(int(counted or 0), last, now)
            if wait is not None:
                return Refusal(limit, wait)
        return None

    def hit(self, session: Session, checks: Sequence[tuple[Limit, str]], now: datetime) -> None:
        """Count one attempt against each limit."""
        session.execute(
            insert(self._table),
            [{"bucket": self._bucket(limit, value), "at": now} for limit, value in checks],
        )

    def forget_before(self, session: Session, moment: datetime) -> None:
        session.execute(delete(self._table).where(self._table.c.at < moment))
