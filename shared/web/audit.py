"""`GET /api/v1/audit/<service>`: auditors read their administration's trail and its check."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from shared import audit
from shared.auth.session import require
from shared.db import UnitOfWork
from shared.web.app import ApiBlueprint


class AuditQuerySchema(Schema):
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))
    before_seq = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1))


class AuditEntrySchema(Schema):
    seq = fields.Integer(required=True)
    at = fields.String(required=True)
    actor = fields.String(required=True)
    action = fields.String(required=True)
    subject = fields.String(required=True)
    purpose = fields.String(required=True)


class AuditTrailSchema(Schema):
    service = fields.String(required=True)
    intact = fields.Boolean(required=True, metadata={
        "description": "Whether the whole trail (every administration's) verifies."})
    entries = fields.List(fields.Nested(AuditEntrySchema), required=True)


def audit_blueprint(service: str, uow: Callable[[], UnitOfWork],
                    tables: audit.AuditTables) -> ApiBlueprint:
    blp = ApiBlueprint(f"audit_{service}", __name__, url_prefix=f"/api/v1/audit/{service}",
                       description=f"Who read what in {service}, hash-chained.")

    @blp.route("")
    class Trail(MethodView):
        @blp.arguments(AuditQuerySchema, location="query")
        @blp.response(200, AuditTrailSchema)
        @blp.alt_response(401, schema="Error")
        @blp.alt_response(403, schema="Error")
        def get(self, query: dict[str, Any]) -> dict[str, Any]:
            """The latest accesses to personal data of the caller's administration."""
            principal = require(kinds=("agent",), roles=("auditor", "admin"))
            with uow() as work:
                audit.seal_all(work.session, tables)
                found = audit.entries(work.session, tables, str(principal.administration),
                                      limit=query["limit"], before_seq=query["before_seq"])
                report = audit.verify(work.session, tables, service)
            return {"service": service, "intact": report.intact, "entries": found}

    return blp
