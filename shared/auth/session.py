"""The caller of a Flask request: API key, agent session or usager session, and checks."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from flask import current_app, g, request, session

from shared.auth.principal import ANONYMOUS, Principal
from shared.web.errors import ApiError

ApiKeyResolver = Callable[[str], Principal | None]
_RESOLVER = "explicite.api_key_resolver"
AGENT_SESSION_SECONDS = 8 * 3600
USAGER_SESSION_SECONDS = 2 * 3600


def set_api_key_resolver(app: object, resolver: ApiKeyResolver) -> None:
    """A service that issues API keys tells how to turn one into a principal."""
    app.extensions[_RESOLVER] = resolver  # type: ignore[attr-defined]


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
            raise ApiError(401, "The API key is missing, unknown or revoked.",
                           code="invalid_api_key", headers={"WWW-Authenticate": "Bearer"})
        return principal
    now = time.time()
    agent = session.get("agent")
    if isinstance(agent, dict) and now - float(agent.get("at", 0)) < AGENT_SESSION_SECONDS:
        return Principal("agent", id=str(agent["id"]), administration=agent["administration"],
                         roles=frozenset(agent.get("roles", ())))
    usager = session.get("usager")
    if isinstance(usager, dict) and now - float(usager.get("at", 0)) < USAGER_SESSION_SECONDS:
        return Principal("usager", id="usager", references=frozenset(usager.get("refs", ())))
    return ANONYMOUS


def sign_in_agent(agent_id: str, administration: str, roles: Iterable[str]) -> None:
    session.clear()
    session.permanent = True
    session["agent"] = {"id": agent_id, "administration": administration,
                        "roles": sorted(roles), "at": time.time()}


def sign_in_usager(reference: str) -> None:
    """Add a decision to the usager's session (a person may hold several letters)."""
    current = session.get("usager") if isinstance(session.get("usager"), dict) else None
    refs = set(current.get("refs", ())) if current else set()
    if not current:
        session.clear()
    refs.add(reference)
    session.permanent = True
    session["usager"] = {"refs": sorted(refs)[-20:], "at": time.time()}


def sign_out() -> None:
    session.clear()


def require(*, kinds: Iterable[str], roles: Iterable[str] = ()) -> Principal:
    """The caller, if of one of `kinds` and (for agents and producers) holding one of `roles`."""
    principal = current_principal()
    if not principal.authenticated:
        raise ApiError(401, "Authentication is required.")
    wanted = tuple(roles)
    if principal.kind not in set(kinds) or (
            wanted and principal.kind in ("agent", "producer")
            and not principal.has_any_role(*wanted)):
        raise ApiError(403, "You are not allowed to do this.")
    return principal
