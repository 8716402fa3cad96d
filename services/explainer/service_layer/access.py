"""Who may open an explanation: the holder of the access code, their revised decisions, agents."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Row

from services.explainer.service_layer.context import (
    SIGN_IN_PER_ADDRESS,
    SIGN_IN_PER_REFERENCE,
    ExplainerContext,
)
from services.explainer.service_layer.unit_of_work import ExplainerUnitOfWork
from shared.auth.principal import Principal
from shared.auth.tokens import hash_access_code, normalize_reference, same_digest
from shared.ratelimit import RateLimiter

# Compared against when the reference is unknown, so that both failures take the same time.
_NOTHING = "0" * 64
_CHAIN_LIMIT = 20


class RateLimited(Exception):
    """Too many failed attempts from this address or on this reference; try again later."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class SignIn:
    reference: str


def sign_in(
    uow: ExplainerUnitOfWork,
    reference: str,
    code: str,
    address: str,
    context: ExplainerContext,
    limiter: RateLimiter,
) -> SignIn | None:
    """The decision the code opens, or None: an unknown reference and a wrong code look alike.

    Raises RateLimited before looking at the code once either counter is full. The caller
    commits, so that failures are counted by every process.
    """
    reference = normalize_reference(reference)
    now = context.now()
    checks = [(SIGN_IN_PER_ADDRESS, address), (SIGN_IN_PER_REFERENCE, reference)]
    refusal = limiter.refusal(uow.session, checks, now)  # locked until the caller commits
    if refusal is not None:
        raise RateLimited(refusal.seconds)
    row = uow.decisions.by_reference(reference)
    digest = hash_access_code(context.secret_key, code)
    if (
        same_digest(row.access_code_hash if row is not None else _NOTHING, digest)
        and row is not None
    ):
        return SignIn(row.reference)
    limiter.hit(uow.session, checks, now)
    return None


def related_references(uow: ExplainerUnitOfWork, row: Row[Any]) -> set[str]:
    """This decision's reference and those of the decisions it replaces or that replace it."""
    found = {row.reference}
    earlier: Row[Any] | None = row
    for _ in range(_CHAIN_LIMIT):
        if earlier is None or not earlier.supersedes:
            break
        earlier = uow.decisions.find(earlier.administration, earlier.supersedes)
        if earlier is None or earlier.reference in found:
            break
        found.add(earlier.reference)
    frontier = [row]
    while frontier and len(found) < _CHAIN_LIMIT:
        later = [
            r
            for current in frontier
            for r in uow.decisions.superseded_by(current)
            if r.reference not in found
        ]
        found.update(r.reference for r in later)
        frontier = later
    return found


def may_read(uow: ExplainerUnitOfWork, principal: Principal, row: Row[Any]) -> bool:
    """Agents of the decision's administration, and the usager who opened it or its chain."""
    if principal.kind == "agent":
        return principal.belongs_to(row.administration)
    if principal.kind == "usager" and principal.references:
        if row.reference in principal.references:
            return True
        return bool(principal.references & related_references(uow, row))
    return False
