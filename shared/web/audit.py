"""The audit trail on the web: what a request reads is recorded, and auditors read the trail.

A view that shows personal data names each item with `reading()` (a list of 500 dossiers: 500
readings); once the view has answered without error, the readings are recorded together, in
one transaction, with who read them. `GET /api/v1/audit/<service>` shows auditors their
administration's trail and its check.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, Response, g
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from shared import audit
from shared.audit import actor_of
from shared.auth.session import current_principal, require
from shared.db import UnitOfWork
from shared.web.app import ApiBlueprint
from shared.web.errors import ExpliciteApi

_READINGS = "explicite_audit_readings"


def reading(subject: str, administration: str, purpose: str, action: str = "read") -> None:
    """This request shows personal data of `subject`: recorded once the view has answered."""
    g.setdefault(_READINGS, []).append(audit.Reading(administration, action, subject, purpose))


def install_audit(
    app: Flask,
    api: ExpliciteApi,
    service: str,
    uow: Callable[[], UnitOfWork],
    tables: audit.AuditTables,
) -> None:
    """Record each request's readings in the service's trail; serve the trail to auditors."""

    @app.after_request
    def _record_readings(response: Response) -> Response:
        readings = g.pop(_READINGS, None)
        if readings and response.status_code < 400:
            with uow() as work:
                audit.record_many(work.session, tables, actor_of(current_principal()), readings)
                work.commit()
        return response

    api.register_blueprint(audit_blueprint(service, uow, tables))


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
    intact = fields.Boolean(
        required=True,
        metadata={"description": "Whether the whole trail (every administration's) verifies."},
    )
    entries = fields.List(fields.Nested(AuditEntrySchema), required=True)


def audit_blueprint(
    service: str, uow: Callable[[], UnitOfWork], tables: audit.AuditTables
) -> ApiBlueprint:
    blp = ApiBlueprint(
        f"audit_{service}",
        __name__,
        url_prefix=f"/api/v1/audit/{service}",
        description=f"Who read what in {service}, hash-chained.",
    )

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
                found = audit.entries(
                    work.session,
                    tables,
                    str(principal.administration),
                    limit=query["limit"],
                    before_seq=query["before_seq"],
                )
                report = audit.verify(work.session, tables, service)
            return {"service": service, "intact": report.intact, "entries": found}

    return blp
