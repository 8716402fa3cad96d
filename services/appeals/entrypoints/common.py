"""What every appeals view shares: the service, the signed-in agent, forms to commands."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, cast

from flask import current_app
from werkzeug.datastructures import FileStorage, MultiDict

from services.appeals.bootstrap import Appeals
from services.appeals.domain.filing import (
    MAX_ATTACHMENT_BYTES,
    Filing,
    FilingInvalid,
    Upload,
    disputed_from_form,
)
from services.appeals.domain.revision import parse_date
from services.appeals.domain.rules import Agent, Draft
from services.appeals.service_layer import ratelimit
from services.appeals.service_layer.agents import current_agent
from shared.auth.session import current_principal
from shared.decision_model import CriterionDef
from shared.web.security import client_address


def service() -> Appeals:
    return cast(Appeals, current_app.extensions["appeals"])


def signed_in_agent() -> Agent | None:
    principal = current_principal()
    if principal.kind != "agent":
        return None
    with service().uow() as uow:
        return current_agent(uow, principal)


def allow_filing(reference: str) -> bool:
    app = service()
    return (
        ratelimit.allow(
            app.uow,
            app.limiter,
            [
                (ratelimit.FILING_PER_DECISION, reference),
                (ratelimit.FILING_PER_ADDRESS, client_address()),
            ],
            app.now(),
        )
        is None
    )


def uploads(files: MultiDict[str, FileStorage]) -> list[Upload]:
    """Read each file up to one byte past the limit, so that a huge one is never held."""
    return [
        Upload(f.filename or "", f.stream.read(MAX_ATTACHMENT_BYTES + 1))
        for f in files.getlist("attachments")
        if f.filename
    ]


def form_date(value: str | None) -> date | None:
    """A date typed in a form (`2026-01-31` from a date field, or `31/01/2026`); None when
    empty or unreadable: the rule that needs it says what to type."""
    text = (value or "").strip()
    try:
        return parse_date(text) if text else None
    except ValueError:
        return None


def filing_from_form(
    reference: str,
    form: Mapping[str, str],
    files: MultiDict[str, FileStorage],
    criteria: Sequence[CriterionDef],
    channel: str = "online",
) -> Filing:
    postmark = form.get("postmarked_on", "").strip()
    postmarked_on = form_date(postmark)
    if postmark and postmarked_on is None:
        raise FilingInvalid({"postmarked_on": "Saisissez une date, par exemple 31/01/2026."})
    return Filing(
        reference=reference,
        kind=form.get("kind", ""),
        channel=channel,
        postmarked_on=postmarked_on,
        disputed=disputed_from_form(form, criteria),
        other=form.get("other", ""),
        account=form.get("account", ""),
        answer_by=form.get("answer_by", "email"),
        email=form.get("email", ""),
        postal_address=form.get("postal_address", ""),
        uploads=uploads(files),
    )


def draft_from_form(
    form: Mapping[str, str], grounds: Sequence[Any], corrections: dict[str, Any]
) -> Draft:
    return Draft(
        outcome=form.get("outcome", ""),
        facts=form.get("facts", ""),
        law=form.get("law", ""),
        answers={g.id: form.get(f"answer-{g.id}", "") for g in grounds},
        corrections=corrections if form.get("outcome") == "amended" else {},
        main_reason=form.get("main_reason", ""),
        body=form.get("body", ""),
        deliberated_on=form_date(form.get("deliberated_on")),
        reexamine_by=form_date(form.get("reexamine_by")),
    )


def typed_corrections(form: Mapping[str, str], codes: Sequence[str]) -> dict[str, str]:
    return {code: form.get(f"correct-{code}", "") for code in codes}
