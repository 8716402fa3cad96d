"""Auditors verify the log; administrators see and replay the quarantine."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from services.decision_log.entrypoints.api import service
from services.decision_log.entrypoints.api.schemas import (
    QuarantineItemSchema,
    QuarantineQuerySchema,
    ReplaySchema,
    VerifySchema,
)
from services.decision_log.service_layer.audit import report_json, verify_log
from services.decision_log.service_layer.quarantine import describe, replay_item
from shared.auth.session import require
from shared.web.app import ApiBlueprint
from shared.web.errors import ApiError

blp = ApiBlueprint(
    "log", __name__, url_prefix="/api/v1", description="Integrity of the log and the quarantine."
)


@blp.route("/log/verify")
class Verify(MethodView):
    @blp.response(200, VerifySchema)
    @blp.alt_response(401, schema="Error")
    @blp.alt_response(403, schema="Error")
    def get(self) -> dict[str, Any]:
        """Recompute the hash chain of the caller's administration."""
        principal = require(kinds=("agent",), roles=("auditor", "admin"))
        with service().uow() as uow:
            reports = verify_log(uow, [str(principal.administration)])
        return {
            "intact": all(r.intact for r in reports),
            "chains": [report_json(r) for r in reports],
        }


@blp.route("/quarantine")
class Quarantine(MethodView):
    @blp.arguments(QuarantineQuerySchema, location="query")
    @blp.response(200, QuarantineItemSchema(many=True))
    @blp.alt_response(401, schema="Error")
    @blp.alt_response(403, schema="Error")
    def get(self, query: dict[str, Any]) -> list[dict[str, Any]]:
        """Decisions of the caller's administration that were set aside, with their reasons."""
        principal = require(kinds=("agent",), roles=("auditor", "admin"))
        with service().uow() as uow:
            rows = uow.quarantine.listing(
                status=query["status"],
                administration=principal.administration,
                category=query.get("category"),
                limit=query["limit"],
            )
        return [describe(r) for r in rows]


@blp.route("/quarantine/<int:item_id>/replay")
class QuarantineReplay(MethodView):
    @blp.response(200, ReplaySchema)
    @blp.alt_response(401, schema="Error")
    @blp.alt_response(403, schema="Error")
    @blp.alt_response(404, schema="Error")
    def post(self, item_id: int) -> dict[str, Any]:
        """Ingest a quarantined decision again, once its cause is fixed."""
        principal = require(kinds=("agent",), roles=("admin",))
        app = service()
        with app.uow() as uow:
            item = uow.quarantine.get(item_id)
            if item is None or item.administration != principal.administration:
                raise ApiError(404, "No such quarantined item.")
            result = replay_item(uow, item_id, app.context)
            uow.commit()
        return {"item_id": result.item_id, "status": result.status, "detail": result.detail}
