"""Letters as PDF downloads, for the person and for agents."""

from __future__ import annotations

from typing import Any

from flask import Response, abort

from services.appeals.adapters.pdf import letter_pdf
from services.appeals.service_layer.letters import FILE_NAMES, letter_for
from services.appeals.service_layer.unit_of_work import AppealsUnitOfWork

PUBLIC_NAMES = {"accuse-de-reception": "acknowledgement", "decision": "decision"}


def letter_response(uow: AppealsUnitOfWork, appeal: Any, which: str, public_url: str) -> Response:
    kind = PUBLIC_NAMES.get(which)
    if kind is None or (kind == "decision" and not appeal.outcome):
        abort(404)
    pdf = letter_pdf(letter_for(uow, appeal, kind, public_url))
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{FILE_NAMES[kind]}-{appeal.public_id}.pdf"'
    )
    return response
