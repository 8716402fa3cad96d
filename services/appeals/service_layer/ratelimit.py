"""appeals' limits on filing and signing in, counted with the shared rate limiter."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from services.appeals.service_layer.unit_of_work import AppealsUnitOfWork
from shared.ratelimit import KEPT, Limit, RateLimiter

FILING_PER_DECISION = Limit("file-ref", 5, timedelta(days=1))
FILING_PER_ADDRESS = Limit("file-ip", 20, timedelta(hours=1))
LOGIN_PER_ACCOUNT = Limit("login", 10, timedelta(minutes=15))
LOGIN_PER_ADDRESS = Limit("login-ip", 30, timedelta(minutes=15))


def allow(uow_factory: Callable[[], AppealsUnitOfWork], limiter: RateLimiter,
          checks: Sequence[tuple[Limit, str]], now: datetime) -> bool:
    """Count one attempt against every limit; False if any is exhausted.

    Committed at once and apart from the request's own transaction, so that failed attempts
    count too.
    """
    with uow_factory() as uow:
        if limiter.exhausted(uow.session, checks, now) is not None:
            return False
        limiter.hit(uow.session, checks, now)
        limiter.forget_before(uow.session, now - KEPT)
        uow.commit()
    return True
