"""appeals' limits on filing and signing in, counted with the shared rate limiter."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from services.appeals.service_layer.unit_of_work import AppealsUnitOfWork
from shared.ratelimit import KEPT, Limit, RateLimiter, Refusal

FILING_PER_DECISION = Limit("file-ref", 5, timedelta(days=1))
FILING_PER_ADDRESS = Limit("file-ip", 20, timedelta(hours=1))
# Failed sign-ins only. Per login *and* address, with a delay that doubles past five: an
# outsider who knows a login slows down their own address, never the agent at theirs. Per
# address: one place cannot try many logins.
LOGIN_PER_ACCOUNT_AND_ADDRESS = Limit(
    "login-account-ip", 5, timedelta(hours=1), delay=timedelta(seconds=1)
)
LOGIN_PER_ADDRESS = Limit("login-ip", 30, timedelta(minutes=15))


def login_checks(login: str, address: str) -> list[tuple[Limit, str]]:
    return [
        (LOGIN_PER_ACCOUNT_AND_ADDRESS, f"{login.lower()}\n{address}"),
        (LOGIN_PER_ADDRESS, address),
    ]


def allow(
    uow_factory: Callable[[], AppealsUnitOfWork],
    limiter: RateLimiter,
    checks: Sequence[tuple[Limit, str]],
    now: datetime,
) -> Refusal | None:
    """Count one attempt against every limit; the refusal if one is reached.

    Committed at once and apart from the request's own transaction, so that attempts that
    fail afterwards count too.
    """
    with uow_factory() as uow:
        refusal = limiter.refusal(uow.session, checks, now)
        if refusal is not None:
            return refusal
        limiter.hit(uow.session, checks, now)
        limiter.forget_before(uow.session, now - KEPT)
        uow.commit()
    return None
