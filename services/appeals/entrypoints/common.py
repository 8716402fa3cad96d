"""What every appeals view shares: the service, the signed-in agent, forms to commands."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from flask import current_app
from werkzeug.datastructures import FileStorage, MultiDict

from services.appeals.bootstrap import Appeals
from services.appeals.domain.filing import (
    MAX_ATTACHMENT_BYTES,
    Filing,
    Upload,
    disputed_from_form,
)
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
    return ratelimit.allow(app.uow, app.limiter, [
        (ratelimit.FILING_PER_DECISION, reference),
        (ratelimit.FILING_PER_ADDRESS, client_address())], app.now()) is None


def uploads(files: MultiDict[str, FileStorage]) -> list[Upload]:
    """Read each file up to one byte past the limit, so that a huge one is never held."""
    return [Upload(f.filename or "", f.stream.read(MAX_ATTACHMENT_BYTES + 1))
            for f in files.getlist("attachments") if f.filename]


def filing_from_form(reference: str, form: Mapping[str, str],
                     files: MultiDict[str, FileStorage], criteria: Sequence[CriterionDef],
                     channel: str = "online") -> Filing:
    return Filing(reference=reference, kind=form.get("kind", "recours"), channel=channel,
                  disputed=disputed_from_form(form, criteria), other=form.get("other", ""),
                  account=form.get("account", ""), answer_by=form.get("answer_by", "email"),
                  email=form.get("email", ""), postal_address=form.get("postal_address", ""),
                  uploads=uploads(files))


def draft_from_form(form: Mapping[str, str], grounds: Sequence[Any],
                    corrections: dict[str, Any]) -> Draft:
    return Draft(outcome=form.get("outcome", ""), facts=form.get("facts", ""),
                 law=form.get("law", ""),
                 answers={g.id: form.get(f"answer-{g.id}", "") for g in grounds},
                 corrections=corrections if form.get("outcome") == "amended" else {})


def typed_corrections(form: Mapping[str, str], codes: Sequence[str]) -> dict[str, str]:
    return {code: form.get(f"correct-{code}", "") for code in codes}
