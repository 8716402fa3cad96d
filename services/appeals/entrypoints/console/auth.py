"""Agents sign in with their login and password (argon2), attempts limited."""

from __future__ import annotations

import re
from typing import Any

from flask import redirect, render_template, request

from services.appeals.entrypoints.common import client_address, service
from services.appeals.entrypoints.console import bp
from services.appeals.service_layer.agents import end_sessions, log_in
from shared.auth.session import current_principal, sign_in_agent, sign_out
from shared.french import format_duration
from shared.ratelimit import Refusal

# A console address of ours: no scheme or host, no backslash, no space or control character
# (a line break would split the Location header).
_CONSOLE_PATH = re.compile(r"/console/[^\x00-\x20\x7f\\]*")


def _safe_next(target: str | None) -> str:
    if target and _CONSOLE_PATH.fullmatch(target):
        return target
    return "/console/"


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    error = None
    if request.method == "POST":
        app = service()
        login_id = request.form.get("login", "").strip()[:128]
        with app.uow() as uow:
            row = log_in(
                uow,
                app.limiter,
                login_id,
                request.form.get("password", ""),
                client_address(),
                app.now(),
            )
            uow.commit()
        if isinstance(row, Refusal):
            return (
                render_template(
                    "appeals/console/login.html",
                    error=(
                        "Trop de tentatives depuis votre poste. Attendez "
                        f"{format_duration(row.seconds)} avant de réessayer."
                    ),
                    next=request.form.get("next"),
                ),
                429,
                {"Retry-After": str(row.seconds)},
            )
        if row is not None:
            sign_in_agent(row.id, row.administration, row.roles, row.session_generation)
            return redirect(_safe_next(request.form.get("next")), code=303)
        error = "Identifiant ou mot de passe incorrect."
    return render_template(
        "appeals/console/login.html", error=error, next=request.values.get("next")
    ), 401 if error else 200


@bp.post("/logout")
def logout() -> Any:
    """Sign out everywhere: a copy of this session's cookie stops working too."""
    principal = current_principal()
    if principal.kind == "agent":
        with service().uow() as uow:
            end_sessions(uow, principal.id, "sign_out")
            uow.commit()
    sign_out()
    return redirect("/console/login", code=303)
