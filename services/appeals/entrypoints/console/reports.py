"""Reports of errors in the public register, for the algorithm's owners of the administration."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, render_template, request

from services.appeals.domain.rules import RuleBroken
from services.appeals.entrypoints.common import service
from services.appeals.entrypoints.console import agent, bp
from services.appeals.service_layer.register_reports import OWNER_ROLES, answer_report
from shared.contracts.register import STATUSES, TOPICS


def _context() -> dict[str, Any]:
    return {"topics": TOPICS, "statuses": STATUSES}


@bp.get("/signalements")
def reports() -> Any:
    me = agent()
    if not me.has_any(*OWNER_ROLES):
        abort(403)
    with service().uow() as uow:
        rows = uow.reports.of_administration(me.administration)
    return render_template("appeals/console/reports.html", agent=me, rows=rows, **_context())


@bp.route("/signalements/<string:report_id>", methods=["GET", "POST"])
def report(report_id: str) -> Any:
    me, app = agent(), service()
    if not me.has_any(*OWNER_ROLES):
        abort(403)
    errors: dict[str, str] = {}
    if request.method == "POST":
        with app.uow() as uow:
            try:
                answer_report(
                    uow,
                    me,
                    report_id,
                    request.form.get("status", ""),
                    request.form.get("answer", ""),
                    app.now(),
                )
                uow.commit()
                return redirect(f"/console/signalements/{report_id}?fait=1", code=303)
            except RuleBroken as exc:
                if exc.code == "not_found":
                    abort(404)
                errors = exc.fields or {"form": exc.message}
    with app.uow() as uow:
        row = uow.reports.get(me.administration, report_id)
    if row is None:
        abort(404)
    return render_template(
        "appeals/console/report.html",
        agent=me,
        r=row,
        errors=errors,
        form=request.form,
        done=request.args.get("fait"),
        public_url=app.settings.public_url,
        **_context(),
    ), 400 if errors else 200
