"""`GET /api/v1/explanations/{reference}` and the formal request, for the usager or an agent."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from sqlalchemy.exc import IntegrityError

from services.explainer.domain.document import ExplanationDocument
from services.explainer.domain.readability import FORMULA
from services.explainer.entrypoints.api import service
from services.explainer.entrypoints.api.schemas import (
    ExplanationQuerySchema,
    ExplanationSchema,
    RequestResultSchema,
)
from services.explainer.service_layer.reading import (
    ExplanationView,
    commit_reading,
    document_at,
    read_explanation,
)
from services.explainer.service_layer.requests import (
    CommunicationRequest,
    NotExplainedYet,
    request_communication,
)
from shared.auth.principal import Principal
from shared.auth.session import require
from shared.french import PARIS
from shared.web.app import ApiBlueprint
from shared.web.errors import ApiError

blp = ApiBlueprint(
    "explanations",
    __name__,
    url_prefix="/api/v1/explanations",
    description="Explanations of decisions, for the people concerned and agents.",
)

READERS = ("usager", "agent")
# Agents who may record a formal request the person made by letter, phone or at a counter;
# auditors and algorithm owners only read.
ON_BEHALF = ("reviewer", "supervisor", "admin")
NOT_FOUND = "No such explanation."


def request_json(request: CommunicationRequest | None) -> dict[str, Any] | None:
    if request is None:
        return None
    return {
        "requested_at": request.requested_at.isoformat(),
        "deadline": request.deadline.isoformat(),
        "cada_deadline": request.cada_by.isoformat(),
    }


def explanation_json(
    view: ExplanationView, public_url: str, document: ExplanationDocument | None
) -> dict[str, Any]:
    """`document`: the explanation as read today (its dated sections for the reading date)."""
    decision, explanation = view.decision, view.explanation
    body: dict[str, Any] = {
        "reference": decision.reference,
        "decision_id": decision.decision_id,
        "administration": decision.administration,
        "status": "pending" if explanation is None else "explained",
        "public_url": f"{public_url}/d/{decision.reference}",
        "replaces": view.replaces.reference if view.replaces is not None else None,
        "replaced_by": [r.reference for r in view.replaced_by],
        "versions": [
            {
                "version": h.version,
                "generated_at": h.generated_at.isoformat(),
                "reason": h.reason,
                "template": h.template,
            }
            for h in view.history
        ],
        "communication_request": request_json(view.request),
    }
    if explanation is not None and document is not None:
        body.update(
            {
                "version": explanation.version,
                "generated_at": explanation.generated_at.isoformat(),
                "reason": explanation.reason,
                "template": explanation.template,
                "readability": {"formula": FORMULA, "score": explanation.readability},
                "mention_explicite": explanation.mention,
                "motif": document.motif,
                "read_on": document.read_on,
                "document": document.to_json(),
                "text": document.plain_text(),
            }
        )
    return body


def requested_by(principal: Principal) -> str:
    return f"agent:{principal.id}" if principal.kind == "agent" else "usager"


@blp.route("/<string:reference>")
class Explanation(MethodView):
    @blp.arguments(ExplanationQuerySchema, location="query")
    @blp.response(200, ExplanationSchema)
    @blp.alt_response(401, schema="Error")
    @blp.alt_response(
        404, schema="Error", description="Unknown, or not yours: the two are not told apart"
    )
    def get(self, query: dict[str, Any], reference: str) -> dict[str, Any]:
        """The explanation of a decision: its latest version, or `?version=n`."""
        principal = require(kinds=READERS)
        app = service()
        today = app.context.now().astimezone(PARIS).date()
        with app.uow() as uow:
            view = read_explanation(uow, reference, principal, app.context, query.get("version"))
            document = None if view is None else document_at(uow, view, app.context, today)
            commit_reading(uow, principal)  # the audit trail's entry
        if view is None:
            raise ApiError(404, NOT_FOUND)
        return explanation_json(view, app.settings.public_url, document)


@blp.route("/<string:reference>/communication-request")
class FormalRequest(MethodView):
    @blp.response(200, RequestResultSchema)
    @blp.alt_response(401, schema="Error")
    @blp.alt_response(404, schema="Error")
    @blp.alt_response(409, schema="Error", description="The explanation is not ready yet")
    def post(self, reference: str) -> dict[str, Any]:
        """Make the formal request for communication (R311-3-1-2); recorded once."""
        principal = require(kinds=READERS)
        return {**record_request(reference, principal)}


def record_request(reference: str, principal: Principal) -> dict[str, Any]:
    """Shared by the page's button and the API: 404 alike for unknown and not allowed."""
    if principal.kind == "agent" and not principal.has_any_role(*ON_BEHALF):
        raise ApiError(403, "Your role does not allow recording a request for someone.")
    app = service()
    for _attempt in range(2):  # a concurrent identical request wins the race: read it back
        with app.uow() as uow:
            view = read_explanation(uow, reference, principal, app.context)
            if view is None:
                raise ApiError(404, NOT_FOUND)
            try:
                recorded = request_communication(
                    uow, view.decision, requested_by(principal), app.context
                )
                uow.commit()
            except NotExplainedYet as exc:
                raise ApiError(
                    409, "The explanation is not ready yet; try again in a few minutes."
                ) from exc
            except IntegrityError:
                continue
        return {**(request_json(recorded) or {}), "created": recorded.created}
    raise ApiError(409, "The request could not be recorded; try again.")
