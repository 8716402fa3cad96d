"""`POST /api/v1/appeals` and `GET /api/v1/appeals/{id}`: file and follow a contestation."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from flask.views import MethodView

from services.appeals.domain import rules
from services.appeals.domain.filing import Disputed, Filing, FilingInvalid, Upload
from services.appeals.entrypoints.api.schemas import (
    AppealFilingSchema,
    AppealListQuerySchema,
    AppealSchema,
)
from services.appeals.entrypoints.common import allow_filing, service, signed_in_agent
from services.appeals.service_layer.filing import CannotFile, Filer, file_appeal
from services.appeals.service_layer.unit_of_work import AppealsUnitOfWork
from shared.auth.session import current_principal, require
from shared.web.app import ApiBlueprint
from shared.web.audit import reading
from shared.web.errors import ApiError

blp = ApiBlueprint(
    "appeals",
    __name__,
    url_prefix="/api/v1/appeals",
    description="Contestations reviewed by a person, with their deadlines.",
)
FILING_ROLES = ("reviewer", "supervisor", "admin")


def _filer(reference: str) -> Filer:
    principal = require(kinds=("usager", "agent"), roles=FILING_ROLES)
    if principal.kind == "usager":
        if reference not in principal.references:
            raise ApiError(403, "Open this decision with its access code first.")
        return Filer("usager")
    agent = signed_in_agent()
    if agent is None or not agent.has_any(*FILING_ROLES):
        raise ApiError(403, "You are not allowed to do this.")
    return Filer(agent.id, agent.administration)


def _uploads(items: list[dict[str, str]]) -> list[Upload]:
    try:
        return [
            Upload(item["filename"], base64.b64decode(item["content_base64"], validate=True))
            for item in items
        ]
    except (binascii.Error, ValueError) as exc:
        raise ApiError(
            400, "An attachment is not valid base64.", fields={"attachments": ["must be base64"]}
        ) from exc


def describe(
    uow: AppealsUnitOfWork, appeal: Any, public_url: str, *, for_agent: bool
) -> dict[str, Any]:
    page = f"{public_url}/d/{appeal.reference}/recours/{appeal.public_id}"
    outcome = None
    if appeal.outcome:
        outcome = {
            "result": appeal.outcome,
            "facts": appeal.facts,
            "law": appeal.law,
            "answers": appeal.answers,
            "decided_at": appeal.decided_at.isoformat(),
            "new_outcome_code": appeal.new_outcome_code,
            "new_outcome_label": appeal.new_outcome_label,
            "revised_reference": appeal.revised_reference,
            "corrections": appeal.corrections,
        }
    policy = appeal.policy or {}
    return {
        "id": appeal.public_id,
        "reference": appeal.reference,
        "administration": appeal.administration,
        "kind": appeal.kind,
        "channel": appeal.channel,
        "status": appeal.status,
        "route": {
            "authority": (policy.get("route") or {}).get("authority"),
            "last_day": policy.get("last_day"),
            "filed_on": _iso(appeal.filed_on),
            "in_time": appeal.in_time,
            "written": appeal.written,
        },
        "received_at": appeal.received_at.isoformat(),
        "deadlines": {
            "legal_due_at": appeal.legal_due_at.isoformat(),
            "implicit_rejection_on": _iso(appeal.implicit_rejection_on),
            "measure_final_on": _iso(appeal.measure_final_on),
            "internal_due_at": _iso(appeal.internal_due_at),
        },
        "grounds": appeal.grounds,
        "attachments": [
            {"filename": a.filename, "content_type": a.content_type, "size": a.size}
            for a in uow.appeals.attachments(appeal.id)
        ],
        "assignee": appeal.assignee if for_agent else None,
        "outcome": outcome,
        "links": {
            "page": page,
            "acknowledgement_pdf": f"{page}/accuse-de-reception.pdf",
            "decision_pdf": f"{page}/decision.pdf" if appeal.outcome else None,
        },
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


@blp.route("")
class Appeals(MethodView):
    @blp.arguments(AppealFilingSchema)
    @blp.response(201, AppealSchema)
    @blp.alt_response(400, schema="Error")
    @blp.alt_response(401, schema="Error")
    @blp.alt_response(403, schema="Error")
    @blp.alt_response(404, schema="Error")
    @blp.alt_response(409, schema="Error", description="An appeal is already open")
    @blp.alt_response(429, schema="Error")
    def post(self, body: dict[str, Any]) -> tuple[dict[str, Any], int]:
        """File a contestation, acknowledged at once (R112-5) and routed to a reviewer."""
        filer = _filer(body["reference"])
        if not allow_filing(body["reference"]):
            raise ApiError(429, "Too many contestations for this decision; try again later.")
        filing = Filing(
            reference=body["reference"],
            kind=body["kind"],
            channel=body["channel"],
            postmarked_on=body["postmarked_on"],
            disputed=[
                Disputed(d["criterion"], d["reason"], d["claimed_value"]) for d in body["disputed"]
            ],
            other=body["other"],
            account=body["account"],
            answer_by=body["answer_by"],
            email=body["email"],
            postal_address=body["postal_address"],
            uploads=_uploads(body["attachments"]),
        )
        app = service()
        with app.uow() as uow:
            try:
                public_id = file_appeal(uow, filing, filer, app.now(), app.settings.public_url)
                uow.commit()
            except FilingInvalid as exc:
                raise ApiError(
                    400,
                    "The contestation is not valid.",
                    fields={k: [v] for k, v in exc.fields.items()},
                ) from exc
            except CannotFile as exc:
                raise ApiError(exc.status, exc.message, code=exc.code) from exc
            appeal = uow.appeals.get(public_id)
            return describe(uow, appeal, app.settings.public_url, for_agent=filer.is_agent), 201

    @blp.arguments(AppealListQuerySchema, location="query")
    @blp.response(200, AppealSchema(many=True))
    @blp.alt_response(401, schema="Error")
    @blp.alt_response(403, schema="Error")
    def get(self, query: dict[str, Any]) -> list[dict[str, Any]]:
        """The appeals of the agent's administration, nearest deadline first."""
        require(kinds=("agent",), roles=rules.READING_ROLES)
        agent = signed_in_agent()
        if agent is None:
            raise ApiError(403, "You are not allowed to do this.")
        app = service()
        with app.uow() as uow:
            rows = uow.appeals.listing(
                agent.administration,
                statuses=[query["status"]] if "status" in query else None,
                hidden_teams=agent.kept_out_of,
                limit=query["limit"],
            )
            for row in rows:  # grounds, the person's own account, the values they claim
                reading(
                    f"appeal:{row.public_id}",
                    row.administration,
                    "liste des recours (API)",
                    action="list",
                )
            return [describe(uow, r, app.settings.public_url, for_agent=True) for r in rows]


@blp.route("/<string:appeal_id>")
class Appeal(MethodView):
    @blp.response(200, AppealSchema)
    @blp.alt_response(401, schema="Error")
    @blp.alt_response(404, schema="Error")
    def get(self, appeal_id: str) -> dict[str, Any]:
        """Status, deadlines and outcome: for the person, and agents of the administration."""
        principal = current_principal()
        if not principal.authenticated:
            raise ApiError(401, "Authentication is required.")
        app = service()
        agent = signed_in_agent() if principal.kind == "agent" else None
        with app.uow() as uow:
            appeal = uow.appeals.get(appeal_id)
            visible = appeal is not None and (
                (principal.kind == "usager" and appeal.reference in principal.references)
                or (
                    agent is not None
                    and agent.administration == appeal.administration
                    and agent.has_any(*rules.READING_ROLES)
                    and appeal.team not in agent.kept_out_of
                )
            )
            if not visible or appeal is None:
                raise ApiError(404, "No such appeal.")
            if agent is not None:
                uow.appeals.accessed(appeal.id, agent.id, agent.administration, "api", app.now())
                uow.commit()
            return describe(uow, appeal, app.settings.public_url, for_agent=agent is not None)
