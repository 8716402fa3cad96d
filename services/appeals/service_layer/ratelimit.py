"""Attempt counters kept in the database, so that a limit holds across web workers."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta

from services.appeals.service_layer.unit_of_work import AppealsUnitOfWork

FILING_PER_DECISION = (5, timedelta(days=1))
FILING_PER_ADDRESS = (20, timedelta(hours=1))
LOGIN_PER_ACCOUNT = (10, timedelta(minutes=15))
LOGIN_PER_ADDRESS = (30, timedelta(minutes=15))


def bucket(kind: str, value: str, secret: str) -> str:
    """A counter's key; addresses and logins are kept as keyed digests, not in clear."""
    digest = hashlib.sha256(f"{secret}:{kind}:{value}".encode()).hexdigest()[:40]
    return f"{kind}:{digest}"


def allow(uow_factory: Callable[[], AppealsUnitOfWork], limits: list[tuple[str, int, timedelta]],
          now: datetime) -> bool:
    """Count one attempt against every (bucket, limit, window); False if any is exhausted.

    Committed at once and apart from the request's own transaction, so that failed attempts
    count too.
    """
    with uow_factory() as uow:
        for key, limit, window in limits:
            if uow.office.count_events(key, now - window) >= limit:
                return False
        for key, _limit, _window in limits:
            uow.office.add_event(key, now)
        uow.office.forget_events_before(now - timedelta(days=2))
        uow.commit()
    return True
