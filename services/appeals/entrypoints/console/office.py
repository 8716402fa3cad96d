"""Filing on a person's behalf (counter, phone, letter), and the mail room."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, redirect, render_template, request

from services.appeals.domain.filing import FilingInvalid
from services.appeals.domain.revision import load_model
from services.appeals.entrypoints.common import filing_from_form, service
from services.appeals.entrypoints.console import agent, bp
from services.appeals.entrypoints.usager import form_context
from services.appeals.service_layer import mailing
from services.appeals.service_layer.filing import (
    CannotFile,
    Filer,
    decision_to_contest,
    file_appeal,
)
from shared.auth.tokens import normalize_reference
from shared.web.audit import reading

FILING_ROLES = ("reviewer", "supervisor", "admin")
MAIL_ROLES = ("reviewer", "supervisor", "admin")
CHANNEL_LABELS = {
    "counter": "Au guichet, à l'oral",
    "phone": "Par téléphone",
    "letter": "Par écrit : un courrier, ou une lettre remise au guichet",
}


@bp.route("/deposer", methods=["GET", "POST"])
def file_for_someone() -> Any:
    me, app = agent(), service()
    if not me.has_any(*FILING_ROLES):
        abort(403)
    raw = request.values.get("reference", "")
    if not raw:
        return render_template("appeals/console/file_lookup.html", agent=me, error=None)
    reference = normalize_reference(raw)
    filer = Filer(me.id, me.administration)
    with app.uow() as uow:
        try:
            decision, algorithm = decision_to_contest(uow, reference, filer)
        except CannotFile as exc:
            return render_template(
                "appeals/console/file_lookup.html",
                agent=me,
                error=exc.message,
                existing=exc.existing,
            ), exc.status
        context = form_context(uow, decision, algorithm)
    # The form shows the decision's criteria and the person's contact details.
    reading(f"decision:{reference}", me.administration, "dépôt d'un recours pour la personne")
    errors: dict[str, str] = {}
    if request.method == "POST" and request.form.get("step") == "file":
        criteria, _model = load_model(algorithm)
        filing = filing_from_form(
            reference,
            request.form,
            request.files,
            criteria,
            channel=request.form.get("channel", ""),
        )
        with app.uow() as uow:
            try:
                public_id = file_appeal(uow, filing, filer, app.now(), app.settings.public_url)
                uow.commit()
                return redirect(f"/console/appeals/{public_id}?fait=filed", code=303)
            except FilingInvalid as exc:
                errors = exc.fields
            except CannotFile as exc:
                errors = {"reference": exc.message}
    return render_template(
        "appeals/console/file_form.html",
        agent=me,
        reference=reference,
        errors=errors,
        form=request.form if errors else {},
        channels=CHANNEL_LABELS,
        **context,
    ), 400 if errors else 200


@bp.get("/courrier")
def mail_room() -> Any:
    me = agent()
    if not me.has_any(*MAIL_ROLES):
        abort(403)
    with service().uow() as uow:
        rows = uow.office.dispatches(me.administration, hidden_teams=me.kept_out_of)
    for row in rows:  # each recipient's address
        reading(
            f"dispatch:{row.id}", me.administration, "courrier : liste des envois", action="list"
        )
    return render_template("appeals/console/mail_room.html", agent=me, rows=rows)


@bp.get("/courrier/<int:dispatch_id>")
def mail_item(dispatch_id: int) -> Any:
    me = agent()
    if not me.has_any(*MAIL_ROLES):
        abort(403)
    with service().uow() as uow:
        row = uow.office.dispatch_by_id(me.administration, dispatch_id, me.kept_out_of)
    if row is None:
        abort(404)
    reading(f"dispatch:{row.id}", me.administration, "courrier : lecture d'un envoi")
    return render_template("appeals/console/mail_item.html", agent=me, row=row)


@bp.get("/courrier/<int:dispatch_id>.pdf")
def mail_pdf(dispatch_id: int) -> Response:
    me = agent()
    if not me.has_any(*MAIL_ROLES):
        abort(403)
    with service().uow() as uow:
        row = uow.office.dispatch_by_id(me.administration, dispatch_id, me.kept_out_of)
    if row is None or not row.attachment:
        abort(404)
    reading(
        f"dispatch:{row.id}",
        me.administration,
        "courrier : impression d'une lettre",
        action="print",
    )
    response = Response(row.attachment, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{row.attachment_name}"'
    return response


@bp.post("/courrier/<int:dispatch_id>/<string:action>")
def mail_action(dispatch_id: int, action: str) -> Any:
    me, app = agent(), service()
    if not me.has_any(*MAIL_ROLES) or action not in ("retry", "posted"):
        abort(403 if action in ("retry", "posted") else 404)
    with app.uow() as uow:
        if uow.office.dispatch_by_id(me.administration, dispatch_id, me.kept_out_of) is None:
            abort(404)
        change = mailing.retry if action == "retry" else mailing.mark_posted
        if not change(uow, me.administration, dispatch_id, app.now()):
            abort(409)
        uow.commit()
    return redirect("/console/courrier", code=303)
