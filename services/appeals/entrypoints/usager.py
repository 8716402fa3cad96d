"""The person's pages, under their decision: contest it, then follow the appeal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request
from werkzeug.wrappers import Response as BaseResponse

from services.appeals.domain import letters
from services.appeals.domain.filing import FilingInvalid, contact_notice
from services.appeals.domain.revision import load_model
from services.appeals.entrypoints.common import allow_filing, filing_from_form, service
from services.appeals.entrypoints.letters import letter_response
from services.appeals.service_layer.dossier import criterion_lines
from services.appeals.service_layer.filing import (
    CannotFile,
    Filer,
    decision_to_contest,
    file_appeal,
    kinds_for,
    start_of,
)
from services.appeals.service_layer.letters import case_of, outcome_of
from services.appeals.service_layer.unit_of_work import AppealsUnitOfWork
from shared.auth.session import current_principal, sign_in_usager
from shared.french import PARIS
from shared.routes import SIGNALEMENT, load_recourse, plan
from shared.routes.wording import (
    PURPOSES,
    filing_sentence,
    preparatory_sentences,
    signalement_sentence,
    start_sentence,
)
from shared.web.errors import ApiError

bp = Blueprint("usager", __name__)
USAGER = Filer("usager")


def _holds(reference: str) -> bool:
    principal = current_principal()
    return principal.kind == "usager" and reference in principal.references


def _sign_in_first(reference: str) -> tuple[str, int]:
    return render_template("appeals/usager/sign_in_first.html", reference=reference), 401


@dataclass(frozen=True)
class Choice:
    """One thing the person can file, said as the form says it."""

    kind: str
    sentence: str  # what, to whom, by when
    purpose: str | None


def form_context(
    uow: AppealsUnitOfWork, decision: Any, algorithm: dict[str, Any]
) -> dict[str, Any]:
    """What the filing form shows: what the person files (the route model's first choice on
    top), the decision's criteria, the contact."""
    recourse = load_recourse(algorithm)
    today = service().now().astimezone(PARIS).date()
    start = start_of(decision)
    dated = plan(recourse, start)
    choices = []
    for kind in kinds_for(decision, recourse, today):
        if kind == SIGNALEMENT:
            assert recourse.preparatory is not None
            sentence = signalement_sentence(
                algorithm["responsible_service"]["name"], recourse.preparatory
            )
        else:
            route = dated.dated(kind)
            assert route is not None
            sentence = filing_sentence(route, today)
        choices.append(Choice(kind, sentence, PURPOSES.get(kind)))
    return {
        "decision": decision,
        "algorithm": algorithm,
        "criteria": criterion_lines(algorithm, decision, [], {}),
        "contact": decision.contact or {},
        "contact_notice": contact_notice(
            algorithm, service().settings.personal_data_retention_days
        ),
        "choices": choices,
        "lead": choices[0].sentence if choices else None,
        # Against a preparatory measure the person reports a wrong datum: the form says
        # so in its title and button, never « contester » (the selection is not
        # contestable, as the page says).
        "report_only": bool(choices) and all(c.kind == SIGNALEMENT for c in choices),
        "start_note": start_sentence(start) if recourse.contestable else None,
        "preparatory": (
            preparatory_sentences(recourse.preparatory) if recourse.preparatory else []
        ),
    }


@bp.route("/d/<string:reference>/contester", methods=["GET", "POST"])
def contest(reference: str) -> Any:
    if not _holds(reference):
        return _sign_in_first(reference)
    app = service()
    with app.uow() as uow:
        try:
            decision, algorithm = decision_to_contest(uow, reference, USAGER)
        except CannotFile as exc:
            return render_template(
                "appeals/usager/cannot_file.html", reference=reference, error=exc
            ), exc.status
        context = form_context(uow, decision, algorithm)
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not allow_filing(reference):
            raise ApiError(429, "Trop de demandes pour cette décision. Réessayez plus tard.")
        criteria, _model = load_model(algorithm)
        filing = filing_from_form(reference, request.form, request.files, criteria)
        with app.uow() as uow:
            try:
                public_id = file_appeal(uow, filing, USAGER, app.now(), app.settings.public_url)
                uow.commit()
            except FilingInvalid as exc:
                errors = exc.fields
            except CannotFile as exc:
                return render_template(
                    "appeals/usager/cannot_file.html", reference=reference, error=exc
                ), exc.status
        if not errors:
            return redirect(f"/d/{reference}/recours/{public_id}?depose=1", code=303)
    status = 400 if errors else 200
    return render_template(
        "appeals/usager/contest.html",
        reference=reference,
        errors=errors,
        form=request.form,
        **context,
    ), status


@bp.get("/d/<string:reference>/recours")
def appeals_of(reference: str) -> Any:
    if not _holds(reference):
        return _sign_in_first(reference)
    with service().uow() as uow:
        appeals = uow.appeals.of_reference(reference)
    if len(appeals) == 1:
        return redirect(f"/d/{reference}/recours/{appeals[0].public_id}", code=303)
    return render_template("appeals/usager/list.html", reference=reference, appeals=appeals)


def _appeal_of(uow: AppealsUnitOfWork, reference: str, public_id: str) -> Any:
    appeal = uow.appeals.get(public_id)
    if appeal is None or appeal.reference != reference:
        abort(404)
    return appeal


@bp.get("/d/<string:reference>/recours/<string:public_id>")
def appeal_page(reference: str, public_id: str) -> Any:
    if not _holds(reference):
        return _sign_in_first(reference)
    app = service()
    with app.uow() as uow:
        appeal = _appeal_of(uow, reference, public_id)
        case = case_of(uow, appeal, app.settings.public_url)
        outcome = outcome_of(uow, appeal) if appeal.outcome else None
        # Once decided, the page shows the outcome; the acknowledgement stays as a PDF.
        acknowledgement = None if outcome else letters.acknowledgement(case)
        decision_letter = letters.decision_letter(case, outcome) if outcome else None
    if appeal.revised_reference:
        # Whoever holds the code of the contested decision may read the one replacing it,
        # for as long as their session on the contested one lasts.
        sign_in_usager(appeal.revised_reference, opened_with=reference)
    return render_template(
        "appeals/usager/appeal.html",
        appeal=appeal,
        case=case,
        acknowledgement=acknowledgement,
        decision_letter=decision_letter,
        just_filed=request.args.get("depose") == "1",
    )


@bp.get("/d/<string:reference>/recours/<string:public_id>/<string:which>.pdf")
def appeal_letter(reference: str, public_id: str, which: str) -> Response | BaseResponse:
    if not _holds(reference):
        abort(401)
    app = service()
    with app.uow() as uow:
        appeal = _appeal_of(uow, reference, public_id)
        return letter_response(uow, appeal, which, app.settings.public_url)
