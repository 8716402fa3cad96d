"""The caller of a Flask request: API key, agent session or usager session, and checks."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import current_app, g, request, session

from shared.auth.principal import ANONYMOUS, Principal
from shared.web.errors import ApiError

ApiKeyResolver = Callable[[str], Principal | None]
AgentSessionCheck = Callable[[Principal], bool]
_RESOLVER = "explicite.api_key_resolver"
_AGENT_CHECK = "explicite.agent_session_check"
# Absolute lifetimes, from the sign-in (a usager's: from the code that opened each decision):
# using a session never extends it.
AGENT_SESSION_SECONDS = 8 * 3600
USAGER_SESSION_SECONDS = 2 * 3600


def set_api_key_resolver(app: object, resolver: ApiKeyResolver) -> None:
    """A service that issues API keys tells how to turn one into a principal."""
    app.extensions[_RESOLVER] = resolver  # type: ignore[attr-defined]


def set_agent_session_check(app: object, check: AgentSessionCheck) -> None:
    """Every service tells whether an agent's session still holds (not signed out, password
    unchanged, account active): a session it cannot check is refused."""
    app.extensions[_AGENT_CHECK] = check  # type: ignore[attr-defined]


def current_principal() -> Principal:
    """Resolve the caller once per request."""
    if "principal" not in g:
        g.principal = _resolve()
    principal: Principal = g.principal
    return principal


def _resolve() -> Principal:
    header = request.headers.get("Authorization", "")
    resolver: ApiKeyResolver | None = current_app.extensions.get(_RESOLVER)
    if header and resolver is None:
        # A service that issues no keys ignores them; its session cookies are not read
        # either, so a request is what its credentials say, never a mix.
        return ANONYMOUS
    if header and resolver is not None:
        scheme, _, token = header.partition(" ")
        principal = resolver(token.strip()) if scheme.lower() == "bearer" else None
        if principal is None:
            raise ApiError(
                401,
                "The API key is missing, unknown or revoked.",
                code="invalid_api_key",
                headers={"WWW-Authenticate": "Bearer"},
            )
        return principal
    now = time.time()
    agent = session.get("agent")
    if isinstance(agent, dict) and now - float(agent.get("at", 0)) < AGENT_SESSION_SECONDS:
        principal = Principal(
            "agent",
            id=str(agent["id"]),
            administration=agent["administration"],
            roles=frozenset(agent.get("roles", ())),
            generation=int(agent.get("gen", 0)),
        )
        check: AgentSessionCheck | None = current_app.extensions.get(_AGENT_CHECK)
        return principal if check is not None and check(principal) else ANONYMOUS
    references = _usager_references(now)
    if references:
        return Principal("usager", id="usager", references=frozenset(references))
    return ANONYMOUS


def _usager_references(now: float) -> dict[str, float]:
    """The references the usager opened less than USAGER_SESSION_SECONDS ago, with when."""
    usager = session.get("usager")
    if not isinstance(usager, dict):
        return {}
    refs = usager.get("refs", ())
    # Sessions signed before each reference had its own time share the session's.
    opened: dict[str, Any] = (
        refs if isinstance(refs, dict) else dict.fromkeys(refs, usager.get("at", 0))
    )
    return {
        ref: float(at) for ref, at in opened.items() if now - float(at) < USAGER_SESSION_SECONDS
    }


def sign_in_agent(
    agent_id: str, administration: str, roles: Iterable[str], generation: int = 0
) -> None:
    session.clear()
    session.permanent = True
    session["agent"] = {
        "id": agent_id,
        "administration": administration,
        "roles": sorted(roles),
        "gen": generation,
        "at": time.time(),
    }


def sign_in_usager(reference: str, *, opened_with: str | None = None) -> None:
    """Add a decision to the usager's session (a person may hold several letters).

    Each reference lasts USAGER_SESSION_SECONDS from the code that opened it. One opened
    through another (`opened_with`: the revision of a contested decision) lasts as long as
    that one: reading a page never extends a session.
    """
    now = time.time()
    refs = _usager_references(now)
    if opened_with is not None:
        if opened_with not in refs or refs.get(reference, 0.0) >= refs[opened_with]:
            return  # nothing changes: the cookie is not signed again
        opened_at = refs[opened_with]
    else:
        opened_at = now
    if not refs:
        session.clear()  # a fresh session: nothing of an agent's or of an expired one is kept
    refs[reference] = max(opened_at, refs.get(reference, 0.0))
    newest = sorted(refs.items(), key=lambda item: item[1])[-20:]
    session.permanent = True
    session["usager"] = {"refs": dict(newest)}


def sign_out() -> None:
    session.clear()


def require(*, kinds: Iterable[str], roles: Iterable[str] = ()) -> Principal:
    """The caller, if of one of `kinds` and (for agents and producers) holding one of `roles`."""
    principal = current_principal()
    if not principal.authenticated:
        raise ApiError(401, "Authentication is required.")
    wanted = tuple(roles)
    if principal.kind not in set(kinds) or (
        wanted and principal.kind in ("agent", "producer") and not principal.has_any_role(*wanted)
    ):
        raise ApiError(403, "You are not allowed to do this.")
    return principal
