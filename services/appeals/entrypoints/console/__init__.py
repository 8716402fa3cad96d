"""The review console under /console: agents sign in, work their queue, decide."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, g, redirect, request
from werkzeug.wrappers import Response

from services.appeals.domain.rules import Agent
from services.appeals.entrypoints.common import signed_in_agent
from shared.auth.session import current_principal, sign_out

bp = Blueprint("console", __name__, url_prefix="/console")
PUBLIC_ENDPOINTS = ("console.login",)


@bp.before_request
def _signed_in() -> Response | None:
    """Every console page but the login needs an active agent account (checked each time)."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    agent = signed_in_agent()
    if agent is None:
        if current_principal().kind == "agent":
            sign_out()  # the account was disabled or changed since sign-in
        target = request.full_path.rstrip("?") if request.method == "GET" else "/console/"
        # Encoded: the path may hold anything, a line break included.
        return redirect("/console/login?" + urlencode({"next": target}), code=303)
    g.agent = agent
    return None


def agent() -> Agent:
    found: Agent = g.agent
    return found


from services.appeals.entrypoints.console import (  # noqa: E402  (routes register on bp)
    auth,
    dossier,
    office,
    queue,
    reports,
)

__all__ = ["agent", "auth", "bp", "dossier", "office", "queue", "reports"]
