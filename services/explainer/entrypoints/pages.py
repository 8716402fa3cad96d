"""The person's pages: open a decision with its code, read, print, download, request, sign out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from markupsafe import Markup, escape
from werkzeug.wrappers import Response as BaseResponse

from services.explainer.domain.document import ExplanationDocument
from services.explainer.domain.explanation import LEGAL_ONLY
from services.explainer.domain.readability import FORMULA
from services.explainer.entrypoints.api import service
from services.explainer.entrypoints.api.explanations import record_request
from services.explainer.entrypoints.pdf import explanation_pdf, retention
from services.explainer.service_layer.access import RateLimited, sign_in
from services.explainer.service_layer.reading import (
    ExplanationView,
    commit_reading,
    contest_label,
    document_at,
    read_explanation,
)
from shared.auth.session import current_principal, sign_in_usager, sign_out
from shared.auth.tokens import ALPHABET, normalize_code, normalize_reference
from shared.contracts.messages import REFERENCE
from shared.db import as_utc
from shared.french import PARIS, format_date, format_datetime
from shared.web.app import small_number
from shared.web.security import client_address

bp = Blueprint("pages", __name__)

WRONG = (
    "La référence ou le code d'accès ne correspond pas. Vérifiez les deux sur votre "
    "courrier, puis réessayez."
)
TOO_MANY = (
    "Vous avez fait trop d'essais. Par sécurité, attendez 15 minutes avant de "
    "réessayer. Vous pouvez aussi appeler le service indiqué sur votre courrier."
)
CODE_LENGTH = 12


def _check_form(reference: str, code: str) -> dict[str, str]:
    errors = {}
    if not re.match(REFERENCE, normalize_reference(reference)):
        errors["reference"] = (
            "Indiquez la référence de votre courrier. Elle a la forme "
            "D-XXXXX-XXXXX : la lettre D, puis 10 lettres ou chiffres."
        )
    cleaned = normalize_code(code)
    if len(cleaned) != CODE_LENGTH or any(ch not in ALPHABET for ch in cleaned):
        errors["code"] = (
            "Indiquez le code d'accès de votre courrier : 12 lettres ou "
            "chiffres, par exemple ABCD-EFGH-JKMN."
        )
    return errors


def _index(
    reference: str = "",
    errors: dict[str, str] | None = None,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    principal = current_principal()
    references = sorted(principal.references) if principal.kind == "usager" else []
    page = render_template(
        "explainer/index.html", reference=reference, errors=errors or {}, references=references
    )
    return Response(page, status=status, headers=headers)


@bp.get("/accessibilite")
def accessibility() -> str:
    """The accessibility statement (loi n° 2005-102, article 47; RGAA)."""
    return render_template(
        "explainer/accessibility.html",
        settings=current_app.config["EXPLICITE_SETTINGS"],
        statement=service().config,
    )


@bp.get("/")
def index() -> Response:
    prefill = normalize_reference(request.args.get("reference", ""))
    return _index(prefill if re.match(REFERENCE, prefill) else "")


@bp.post("/")
def open_decision() -> BaseResponse:
    reference = request.form.get("reference", "")[:100]
    code = request.form.get("code", "")[:100]
    errors = _check_form(reference, code)
    if errors:
        return _index(reference, errors, 400)
    app = service()
    try:
        with app.uow() as uow:
            opened = sign_in(uow, reference, code, client_address(), app.context, app.limiter)
            uow.commit()
    except RateLimited as exc:
        return _index(reference, {"form": TOO_MANY}, 429, {"Retry-After": str(exc.retry_after)})
    if opened is None:
        return _index(reference, {"form": WRONG}, 400)
    sign_in_usager(opened.reference)
    return redirect(url_for("pages.explanation", reference=opened.reference), 303)


@bp.post("/deconnexion")
def leave() -> BaseResponse:
    sign_out()
    return redirect(url_for("pages.index"), 303)


@dataclass(frozen=True)
class Reading:
    """An explanation as read today: its dated sections built for the reading date."""

    view: ExplanationView
    document: ExplanationDocument | None
    today: date
    contest_label: str = "Contester cette décision"


def _view(reference: str) -> Reading | BaseResponse:
    """The view for the caller; anonymous visitors are asked for their code, others get 404."""
    principal = current_principal()
    if not principal.authenticated:
        return redirect(url_for("pages.index", reference=reference))
    version = request.args.get("version", type=small_number)
    app = service()
    today = app.context.now().astimezone(PARIS).date()
    with app.uow() as uow:
        view = read_explanation(uow, reference, principal, app.context, version)
        document = None if view is None else document_at(uow, view, app.context, today)
        label = None if view is None else contest_label(uow, view)
        commit_reading(uow, principal)  # the audit trail's entry
    if view is None or label is None:
        abort(404)
    return Reading(view, document, today, label)


def _render(template: str, reading: Reading) -> str:
    principal = current_principal()
    view = reading.view
    # The readability score is for those who write the wording (agents, algorithm owners),
    # not for the person, to whom it means nothing.
    return render_template(
        template,
        view=view,
        d=view.decision,
        doc=reading.document,
        today=reading.today,
        request_=view.request,
        formula=FORMULA,
        usager=principal.kind == "usager",
        legal_only=LEGAL_ONLY,
        contest_label=reading.contest_label,
        # RGPD art. 13(2)(a) / 14(2)(a): Explicite's own retention, from the deployment's
        # settings (the same `personal_data_retention_days` the purges apply).
        retention=retention(),
    )


@bp.get("/d/<string:reference>")
def explanation(reference: str) -> Any:
    reading = _view(reference)
    if isinstance(reading, BaseResponse):
        return reading
    return _render("explainer/explanation.html", reading)


@bp.get("/d/<string:reference>/imprimer")
def printable(reference: str) -> Any:
    reading = _view(reference)
    if isinstance(reading, BaseResponse):
        return reading
    return _render("explainer/print.html", reading)


@bp.get("/d/<string:reference>/pdf")
def pdf(reference: str) -> Any:
    reading = _view(reference)
    if isinstance(reading, BaseResponse):
        return reading
    document, view = reading.document, reading.view
    if document is None or view.explanation is None:
        abort(404)
    body = explanation_pdf(
        document,
        view.decision.reference,
        int(view.explanation.version),
        view.explanation.generated_at,
        reading.today,
        view.request,
        view.decision.log_hash,
    )
    filename = f"explication-{view.decision.reference}-v{view.explanation.version}.pdf"
    return Response(
        body,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@bp.post("/d/<string:reference>/demande")
def formal_request(reference: str) -> Any:
    reading = _view(reference)
    if isinstance(reading, BaseResponse):
        return reading
    decision = reading.view.decision
    record_request(decision.reference, current_principal())
    return redirect(
        url_for("pages.explanation", reference=decision.reference, _anchor="demande"), 303
    )


_LINK = re.compile(
    r"(https?://[^\s<]*[^\s<.,;:)»]|www\.[^\s<]*[^\s<.,;:)»]"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
)
# Addresses never span a space or a tag: the text is cut into words in one pass, and _LINK,
# whose backtracking grows with the square of what it scans, only reads words short enough to
# be an address. Linear in the text, however hostile.
_WORD = re.compile(r"[^\s<]+")
MAX_ADDRESS = 300


@bp.app_template_filter("linkify")
def linkify(text: str) -> Markup:
    """Escape the text, then make its web addresses and e-mail addresses links."""
    # Most paragraphs of a page are the same for every reader (rights, recourse, legal
    # bases): a plain string's result is kept per process (a pure function of the string; a
    # Markup, already safe, is never answered from a plain string's entry or the reverse).
    if type(text) is str:
        return _linkified(text)
    return _linkify(text)


@lru_cache(maxsize=4096)
def _linkified(text: str) -> Markup:
    return _linkify(text)


def _linkify(text: str) -> Markup:
    def link(match: re.Match[str]) -> str:
        url = match.group(0)
        href = (
            url if url.startswith("http") else f"mailto:{url}" if "@" in url else f"https://{url}"
        )
        return f'<a href="{href}">{url}</a>'

    def word(match: re.Match[str]) -> str:
        found = match.group(0)
        return found if len(found) > MAX_ADDRESS else _LINK.sub(link, found)

    escaped = str(escape(text))
    # Every address _LINK finds holds one of these: most paragraphs hold none (a page has
    # about fifty), and are left without cutting them into words.
    if "@" not in escaped and "www." not in escaped and "http" not in escaped:
        return Markup(escaped)  # noqa: S704 - escaped just above
    return Markup(_WORD.sub(word, escaped))  # noqa: S704 - escaped just above


@bp.app_template_filter("date_fr")
def date_fr(value: Any) -> str:
    return format_date(value)


@bp.app_template_filter("datetime_fr")
def datetime_fr(value: datetime) -> str:
    return format_datetime(as_utc(value))
