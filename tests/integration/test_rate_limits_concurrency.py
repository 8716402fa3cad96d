"""Every rate limit holds on PostgreSQL under concurrency: 40 simultaneous tries, exactly the
limit evaluated (issue 11: counting then inserting under READ COMMITTED let 17 access-code
tries through against a limit of 5, and 33 logins against 10)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from services.appeals.bootstrap import Appeals
from services.appeals.bootstrap import bootstrap as appeals_bootstrap
from services.appeals.service_layer import ratelimit
from services.appeals.service_layer.agents import log_in
from services.explainer.bootstrap import Explainer
from services.explainer.bootstrap import bootstrap as explainer_bootstrap
from services.explainer.service_layer.access import RateLimited, sign_in
from services.explainer.service_layer.context import (
    SIGN_IN_PER_ADDRESS,
    SIGN_IN_PER_REFERENCE,
)
from shared.config import Settings
from shared.migrations import upgrade
from shared.ratelimit import Limit, Refusal

pytestmark = pytest.mark.infra
TRIES = 40
SECRET = "test-secret-key-that-is-long-enough-0123456789"


@dataclass
class Services:
    explainer: Explainer
    appeals: Appeals


@pytest.fixture(scope="module")
def services(postgres: Any) -> Iterator[Services]:
    suffix = uuid.uuid4().hex[:6]
    urls = {}
    for name in ("explainer", "appeals"):
        database = f"limits_{name}_{suffix}"
        postgres.create_database(database)
        urls[name] = postgres.url(database)
    settings = Settings(secret_key=SECRET, database_urls=urls, db_pool_size=TRIES)
    found = Services(explainer_bootstrap(settings), appeals_bootstrap(settings))
    upgrade("explainer", found.explainer.engine)
    upgrade("appeals", found.appeals.engine)
    yield found
    found.explainer.engine.dispose()
    found.appeals.engine.dispose()


def at_once(attempt: Callable[[int], bool]) -> int:
    """Run TRIES attempts in as many threads released together; how many were evaluated."""
    start = threading.Barrier(TRIES)
    evaluated: list[bool] = []
    failures: list[BaseException] = []

    def run(number: int) -> None:
        start.wait()
        try:
            evaluated.append(attempt(number))
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(TRIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    return sum(evaluated)


def wrong_code(services: Services, reference: str, address: str) -> bool:
    explainer = services.explainer
    try:
        with explainer.uow() as uow:
            opened = sign_in(
                uow, reference, "AAAA-BBBB-CCCC", address, explainer.context, explainer.limiter
            )
            uow.commit()
    except RateLimited:
        return False
    assert opened is None
    return True


def filing(services: Services, reference: str, address: str) -> bool:
    appeals = services.appeals
    return (
        ratelimit.allow(
            appeals.uow,
            appeals.limiter,
            [(ratelimit.FILING_PER_DECISION, reference), (ratelimit.FILING_PER_ADDRESS, address)],
            datetime.now(UTC),
        )
        is None
    )


def wrong_password(services: Services, login: str, address: str) -> bool:
    appeals = services.appeals
    with appeals.uow() as uow:
        outcome = log_in(
            uow, appeals.limiter, login, "not-the-password", address, datetime.now(UTC)
        )
        uow.commit()
    assert outcome is None or isinstance(outcome, Refusal)
    return outcome is None


def unique(prefix: str) -> Callable[[int], str]:
    """A value per try, unused by any other test."""
    run = uuid.uuid4().hex[:8]
    return lambda number: f"{prefix}-{run}-{number}"


def one(prefix: str) -> Callable[[int], str]:
    """The same value for every try, unused by any other test."""
    value = unique(prefix)(0)
    return lambda _number: value


# One try: (services, reference or login, client address) -> whether it was evaluated.
Attempt = Callable[[Services, str, str], bool]
# (limit, what one try does, what every try shares): the tries differ in everything else, so
# that only the limit under test can refuse them.
CASES: list[tuple[Limit, Attempt, str]] = [
    (SIGN_IN_PER_REFERENCE, wrong_code, "reference"),
    (SIGN_IN_PER_ADDRESS, wrong_code, "address"),
    (ratelimit.FILING_PER_DECISION, filing, "reference"),
    (ratelimit.FILING_PER_ADDRESS, filing, "address"),
    (ratelimit.LOGIN_PER_ACCOUNT_AND_ADDRESS, wrong_password, "both"),
    (ratelimit.LOGIN_PER_ADDRESS, wrong_password, "address"),
]


@pytest.mark.parametrize(
    ("limit", "attempt", "shared"), CASES, ids=[case[0].kind for case in CASES]
)
def test_exactly_the_limit_is_evaluated_under_concurrency(
    services: Services, limit: Limit, attempt: Attempt, shared: str
):
    first = one("D-REF") if shared in ("reference", "both") else unique("D-REF")
    second = one("192.0.2") if shared in ("address", "both") else unique("192.0.2")
    evaluated = at_once(lambda number: attempt(services, first(number), second(number)))
    print(
        f"\n{limit.kind}: {TRIES} concurrent tries, {evaluated} evaluated (limit {limit.attempts})"
    )
    assert evaluated == limit.attempts
