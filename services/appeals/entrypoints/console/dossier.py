"""The dossier on one screen, and what an agent does with it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, abort, redirect, render_template, request

from services.appeals.domain import rules
from services.appeals.domain.revision import (
    CannotRecompute,
    corrections_from,
    load_model,
    recompute,
)
from services.appeals.entrypoints.common import draft_from_form, service, typed_corrections
from services.appeals.entrypoints.console import agent, bp
from services.appeals.entrypoints.letters import letter_response
from services.appeals.service_layer import review, timeliness
from services.appeals.service_layer.dossier import Dossier, open_dossier
from services.appeals.service_layer.unit_of_work import AppealsUnitOfWork

EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}
DONE = {
    "filed": "Le recours est enregistré. La personne reçoit son accusé de réception.",
    "claim": "Vous avez pris ce dossier en charge.",
    "release": "Le dossier est remis dans la file.",
    "assign": "Le dossier est attribué.",
    "decide": "La décision est enregistrée ; la personne va en être informée.",
    "submitted": "Votre décision attend la validation d'un second agent.",
    "targeted": "Avec les valeurs de la personne, le résultat serait différent : un "
    "superviseur doit confirmer votre décision, avec ses propres raisons.",
    "recompute": "Le résultat est recalculé avec les valeurs de la personne : comparez "
    "les deux colonnes.",
    "validate": "La décision est validée ; la personne va en être informée.",
    "send-back": "Le dossier est renvoyé à son instructeur.",
    "received": "La date de réception est enregistrée et le délai recalculé. Si la réponse "
    "a changé, la personne reçoit un accusé de réception corrigé.",
}


def _render(
    dossier: Dossier,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    preview: Any = None,
    form: Any = None,
) -> Any:
    return render_template(
        "appeals/console/dossier.html",
        agent=agent(),
        d=dossier,
        errors=errors or {},
        message=message,
        preview=preview,
        form=form if form is not None else {},
        done=DONE.get(request.args.get("fait", "")),
    ), status


def _dossier(uow: AppealsUnitOfWork, public_id: str, *, record: bool) -> Dossier:
    try:
        return open_dossier(uow, agent(), public_id, service().now(), record=record)
    except rules.NotVisible:
        abort(404)
    except rules.RuleBroken:
        abort(403)


@bp.get("/appeals/<string:public_id>")
def dossier(public_id: str) -> Any:
    with service().uow() as uow:
        found = _dossier(uow, public_id, record=True)
        uow.commit()
    return _render(found)


def _act(public_id: str, action: str, run: Callable[[AppealsUnitOfWork], Any]) -> Any:
    """Run an action in one transaction; a broken rule shows the dossier with the reason."""
    with service().uow() as uow:
        _dossier(uow, public_id, record=False)
        try:
            outcome = run(uow)
            uow.commit()
        except (rules.RuleBroken, CannotRecompute) as exc:
            uow.rollback()
            fields = exc.fields
            message = exc.message
            return _render(
                _dossier(uow, public_id, record=False),
                status=_status(exc),
                errors=fields,
                message=message,
                form=request.form,
            )
    done = action
    if outcome == rules.AWAITING_VALIDATION:
        with service().uow() as uow:
            found = _dossier(uow, public_id, record=False)
            done = "targeted" if found.targeted else "submitted"
    return redirect(f"/console/appeals/{public_id}?fait={done}", code=303)


def _status(exc: rules.RuleBroken | CannotRecompute) -> int:
    """Not visible: 404; not allowed by the agent's role: 403; a form to correct: 400."""
    if isinstance(exc, rules.NotVisible):
        return 404
    if getattr(exc, "code", None) == rules.FORBIDDEN:
        return 403
    return 400 if exc.fields else 409


@bp.post("/appeals/<string:public_id>/claim")
def claim(public_id: str) -> Any:
    return _act(
        public_id, "claim", lambda uow: review.claim(uow, agent(), public_id, service().now())
    )


@bp.post("/appeals/<string:public_id>/release")
def release(public_id: str) -> Any:
    return _act(
        public_id, "release", lambda uow: review.release(uow, agent(), public_id, service().now())
    )


@bp.post("/appeals/<string:public_id>/assign")
def assign(public_id: str) -> Any:
    assignee = request.form.get("assignee", "")
    return _act(
        public_id,
        "assign",
        lambda uow: review.assign(uow, agent(), public_id, assignee, service().now()),
    )


@bp.post("/appeals/<string:public_id>/validate")
def validate(public_id: str) -> Any:
    app = service()
    reasons = request.form.get("reasons", "")
    return _act(
        public_id,
        "validate",
        lambda uow: review.validate(
            uow, agent(), public_id, app.now(), app.settings.public_url, reasons
        ),
    )


@bp.post("/appeals/<string:public_id>/recompute")
def recompute_claimed(public_id: str) -> Any:
    """Run the registered model with the values the person claims (evidence of examination)."""
    return _act(
        public_id,
        "recompute",
        lambda uow: review.recompute_claimed(uow, agent(), public_id, service().now()),
    )


@bp.post("/appeals/<string:public_id>/received")
def decision_received(public_id: str) -> Any:
    """The day the person says they received the decision: the delay is counted again."""
    app = service()
    raw = request.form.get(timeliness.FIELD, "")
    return _act(
        public_id,
        "received",
        lambda uow: timeliness.record_decision_received(
            uow, agent(), public_id, raw, app.now(), app.settings.public_url
        ),
    )


@bp.post("/appeals/<string:public_id>/send-back")
def send_back(public_id: str) -> Any:
    comment = request.form.get("comment", "")
    return _act(
        public_id,
        "send-back",
        lambda uow: review.send_back(uow, agent(), public_id, comment, service().now()),
    )


@bp.post("/appeals/<string:public_id>/decide")
def decide(public_id: str) -> Any:
    """`action=preview` recomputes the corrected decision; `action=decide` records it."""
    app = service()

    def run(uow: AppealsUnitOfWork) -> Any:
        found = _dossier(uow, public_id, record=False)
        algorithm, decision = found.algorithm, found.decision
        criteria, _model = load_model(algorithm)
        corrections = corrections_from(
            criteria,
            {c["code"]: c["value"] for c in decision.body["criteria"]},
            typed_corrections(request.form, [c.code for c in criteria]),
        )
        if request.form.get("action") == "preview":
            return recompute(algorithm, decision.body, corrections)
        draft = draft_from_form(request.form, found.grounds, corrections)
        return review.decide(uow, agent(), public_id, draft, app.now(), app.settings.public_url)

    if request.form.get("action") != "preview":
        return _act(public_id, "decide", run)
    with app.uow() as uow:
        try:
            preview = run(uow)
        except CannotRecompute as exc:
            return _render(
                _dossier(uow, public_id, record=False),
                status=400,
                errors=exc.fields,
                message=exc.message,
                form=request.form,
            )
        return _render(_dossier(uow, public_id, record=False), preview=preview, form=request.form)


@bp.get("/appeals/<string:public_id>/attachments/<int:attachment_id>")
def attachment(public_id: str, attachment_id: int) -> Response:
    app = service()
    with app.uow() as uow:
        found = _dossier(uow, public_id, record=False)
        row = uow.appeals.attachment(found.appeal.id, attachment_id)
        if row is None:
            abort(404)
        if attachment_id not in uow.appeals.opened_attachments(found.appeal.id, agent().id):
            # The first opening by this agent goes in the history: evidence of examination.
            uow.appeals.record(
                found.appeal.id, app.now(), agent().id, "attachment_opened", filename=row.filename
            )
        uow.appeals.accessed(
            found.appeal.id,
            agent().id,
            agent().administration,
            f"attachment:{attachment_id}",
            app.now(),
        )
        uow.commit()
    response = Response(row.data, mimetype=row.content_type)
    extension = EXTENSIONS.get(row.content_type, "bin")
    response.headers["Content-Disposition"] = f'attachment; filename="piece-{row.id}.{extension}"'
    return response


@bp.get("/appeals/<string:public_id>/<string:which>.pdf")
def letter(public_id: str, which: str) -> Response:
    app = service()
    with app.uow() as uow:
        found = _dossier(uow, public_id, record=False)
        if not found.may["contact"]:  # a letter carries the person's address
            abort(403)
        uow.appeals.accessed(
            found.appeal.id, agent().id, agent().administration, f"letter:{which}", app.now()
        )
        response = letter_response(uow, found.appeal, which, app.settings.public_url)
        uow.commit()
    return response
