"""Agents' accounts: created by an operator, signed in with argon2-hashed passwords."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from services.appeals.domain.rules import Agent
from services.appeals.service_layer import ratelimit
from services.appeals.service_layer.unit_of_work import AppealsUnitOfWork
from shared.auth.passwords import hash_password, needs_rehash, verify_password
from shared.auth.principal import AGENT_ROLES, Principal
from shared.contracts.fields import (
    ADMINISTRATION_PATTERN,
    IDENTIFIER_PATTERN,
    is_email_address,
)
from shared.contracts.sessions import AgentSessionsRevoked
from shared.ratelimit import RateLimiter, Refusal


class AgentError(ValueError):
    """An account cannot be created or changed as asked."""


PROFILE = ("first_name", "last_name", "quality", "delegation")


def create_agent(
    uow: AppealsUnitOfWork,
    agent_id: str,
    administration: str,
    name: str,
    roles: Iterable[str],
    password: str,
    now: datetime,
    *,
    email: str | None = None,
    teams: Iterable[str] = (),
    aliases: Iterable[str] = (),
    **profile: str | None,
) -> None:
    """`profile`: first_name, last_name, quality and delegation, as the letters they sign
    name them (CRPA L212-1)."""
    roles = sorted(set(roles))
    if not re.match(IDENTIFIER_PATTERN, agent_id):
        raise AgentError("the login must be letters, digits or _.:- (128 at most)")
    if not re.match(ADMINISTRATION_PATTERN, administration):
        raise AgentError("the administration must be a slug such as ville-exemple")
    unknown = set(roles) - set(AGENT_ROLES)
    if not roles or unknown:
        raise AgentError(f"roles must be among {', '.join(AGENT_ROLES)}")
    if email is not None and not is_email_address(email):
        raise AgentError("the e-mail must be one address, such as nom@exemple.fr")
    if uow.office.agent(agent_id) is not None:
        raise AgentError(f"an agent {agent_id} already exists")
    uow.office.add_agent(
        id=agent_id,
        administration=administration,
        name=name,
        email=email,
        roles=roles,
        teams=sorted(set(teams)),
        aliases=sorted(set(aliases)),
        password_hash=hash_password(password),
        created_at=now,
        **_profile(profile),
    )


def update_profile(uow: AppealsUnitOfWork, agent_id: str, **profile: str | None) -> None:
    """Change what the letters say of an agent; fields left out (None) stay as they are."""
    if uow.office.agent(agent_id) is None:
        raise AgentError(f"no agent {agent_id}")
    changes = {k: v for k, v in _profile(profile).items() if v is not None}
    if changes:
        uow.office.update_agent(agent_id, **changes)


def _profile(profile: dict[str, str | None]) -> dict[str, str | None]:
    unknown = set(profile) - set(PROFILE)
    if unknown:
        raise AgentError(f"unknown profile fields: {', '.join(sorted(unknown))}")
    return {
        key: (value.strip() or None) if isinstance(value, str) else None
        for key, value in profile.items()
    }


def set_password(uow: AppealsUnitOfWork, agent_id: str, password: str) -> None:
    """A new password; every session signed in with the old one ends."""
    if uow.office.agent(agent_id) is None:
        raise AgentError(f"no agent {agent_id}")
    uow.office.update_agent(agent_id, password_hash=hash_password(password))
    end_sessions(uow, agent_id, "password")


def disable(uow: AppealsUnitOfWork, agent_id: str, now: datetime) -> None:
    if uow.office.agent(agent_id) is None:
        raise AgentError(f"no agent {agent_id}")
    uow.office.update_agent(agent_id, disabled_at=now)
    end_sessions(uow, agent_id, "disabled")


def end_sessions(uow: AppealsUnitOfWork, agent_id: str, reason: str) -> None:
    """End every session of the agent, in every service: here at once (the generation is
    compared at each request), elsewhere when `agent.sessions-revoked` arrives."""
    row = uow.office.agent(agent_id)
    if row is None:
        return
    generation = int(row.session_generation) + 1
    uow.office.update_agent(agent_id, session_generation=generation)
    revoked = AgentSessionsRevoked(
        administration=row.administration, agent_id=agent_id, generation=generation, reason=reason
    )
    uow.publish(revoked.to_message())


def authenticate(uow: AppealsUnitOfWork, agent_id: str, password: str, now: datetime) -> Any | None:
    """The agent's row if the password matches an active account; None otherwise."""
    row = uow.office.agent(agent_id.strip())
    stored = row.password_hash if row is not None and row.disabled_at is None else None
    if not verify_password(stored, password):
        return None
    assert row is not None
    changes: dict[str, Any] = {"last_login_at": now}
    if needs_rehash(row.password_hash):
        changes["password_hash"] = hash_password(password)
    uow.office.update_agent(row.id, **changes)
    return row


def log_in(
    uow: AppealsUnitOfWork,
    limiter: RateLimiter,
    login: str,
    password: str,
    address: str,
    now: datetime,
) -> Any | Refusal | None:
    """The agent's row, a refusal of the limits (nothing checked), or None for a failure.

    The limits are checked, the password verified and a failure counted in the caller's
    transaction, under the limits' locks: concurrent tries are evaluated one at a time, and
    no more than the limits allow. A successful sign-in is not counted.
    """
    checks = ratelimit.login_checks(login, address)
    refusal = limiter.refusal(uow.session, checks, now)
    if refusal is not None:
        return refusal
    row = authenticate(uow, login, password, now)
    if row is None:
        limiter.hit(uow.session, checks, now)
    return row


def current_agent(uow: AppealsUnitOfWork, principal: Principal) -> Agent | None:
    """The signed-in agent as the database knows them now: roles removed, an account
    disabled or sessions ended since sign-in take effect at once."""
    if principal.kind != "agent":
        return None
    row = uow.office.agent(principal.id)
    if (
        row is None
        or row.disabled_at is not None
        or row.administration != principal.administration
        or principal.generation < row.session_generation
    ):
        return None
    kept_out_of = uow.office.need_to_know_teams(row.administration) - set(row.teams)
    return Agent(
        row.id, row.administration, frozenset(row.roles), frozenset(row.aliases), kept_out_of
    )
