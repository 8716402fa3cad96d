"""`POST /api/v1/decisions` for back offices; `GET …/{administration}/{decision_id}` for agents."""

from __future__ import annotations

from typing import Any

from flask import request
from flask.views import MethodView

from services.decision_log.domain.validation import CONFLICT, UNAUTHORISED, Producer
from services.decision_log.entrypoints.api import service
from services.decision_log.entrypoints.api.schemas import DecisionSchema, IngestAcceptedSchema
from services.decision_log.service_layer.ingest import Duplicate, Logged, Quarantined, ingest
from shared.auth.principal import CONTACT_ROLES
from shared.auth.session import require
from shared.web.app import ApiBlueprint
from shared.web.audit import reading
from shared.web.errors import ApiError

blp = ApiBlueprint(
    "decisions",
    __name__,
    url_prefix="/api/v1/decisions",
    description="Decisions sent by back offices, logged and hash-chained.",
)

_STATUS_OF = {UNAUTHORISED: 403, CONFLICT: 409}


@blp.route("")
class Decisions(MethodView):
    @blp.doc(
        requestBody={
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/DecisionRecorded"}}
            },
        },
        security=[{"apiKey": []}],
    )
    @blp.response(202, IngestAcceptedSchema)
    @blp.alt_response(400, schema="Error", description="Invalid; kept in quarantine")
    @blp.alt_response(401, schema="Error")
    @blp.alt_response(403, schema="Error")
    @blp.alt_response(409, schema="Error", description="Same id, different content")
    @blp.alt_response(413, schema="Error")
    def post(self) -> dict[str, Any]:
        """Log one decision (the body of `decision.v1`); answer with its access reference."""
        principal = require(kinds=("producer",), roles=("decisions:write",))
        app = service()
        producer = Producer("http", principal.id, principal.administration)
        with app.uow() as uow:
            outcome = ingest(uow, request.get_data(cache=False), producer, app.context)
            uow.commit()
        if isinstance(outcome, Quarantined):
            raise ApiError(
                _STATUS_OF.get(outcome.category, 400),
                f"The decision was not logged ({outcome.category}); it is kept in "
                f"quarantine as item {outcome.quarantine_id}.",
                code=outcome.category,
                fields=outcome.reasons,
            )
        with app.uow() as uow:
            row = uow.decisions.by_reference(outcome.reference)
        assert row is not None
        answer = {
            "status": "logged" if isinstance(outcome, Logged) else "duplicate",
            "administration": row.administration,
            "decision_id": row.decision_id,
            "reference": row.reference,
            "replay_status": row.replay_status,
            "public_url": f"{app.settings.public_url}/d/{row.reference}",
        }
        if isinstance(outcome, Logged):
            answer["access_code"] = outcome.access_code
        else:
            assert isinstance(outcome, Duplicate)
        return answer


@blp.route("/<string:administration>/<string:decision_id>")
class Decision(MethodView):
    @blp.response(200, DecisionSchema)
    @blp.alt_response(401, schema="Error")
    @blp.alt_response(403, schema="Error")
    @blp.alt_response(404, schema="Error")
    def get(self, administration: str, decision_id: str) -> dict[str, Any]:
        """A logged decision, for agents and auditors of its administration."""
        principal = require(
            kinds=("agent",),
            roles=("reviewer", "supervisor", "auditor", "admin", "algorithm_owner"),
        )
        if not principal.belongs_to(administration):
            raise ApiError(404, "No such decision.")
        with service().uow() as uow:
            row = uow.decisions.find(administration, decision_id)
            if row is None:
                raise ApiError(404, "No such decision.")
            # Contact details are for the agents who write to the person, not for auditors.
            contact = (
                uow.decisions.contact(row.id) if principal.has_any_role(*CONTACT_ROLES) else None
            )
        reading(
            f"decision:{administration}/{decision_id}",
            administration,
            "lecture de la décision" + (" et des coordonnées" if contact else ""),
        )
        return {
            "administration": row.administration,
            "decision_id": row.decision_id,
            "reference": row.reference,
            "algorithm": {"id": row.algorithm_id, "version": row.algorithm_version},
            "decided_at": row.body["decided_at"],
            "received_at": row.received_at.isoformat(),
            "channel": row.channel,
            "body": row.body,
            "contact": contact,
            "replay": {"status": row.replay_status, **row.replay_detail},
            "log": {"seq": row.seq, "hash": row.hash, "prev_hash": row.prev_hash},
        }
