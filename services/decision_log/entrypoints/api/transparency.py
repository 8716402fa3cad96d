"""The transparency log over HTTP: checkpoints, proofs, receipts, witnesses' cosignatures.

Checkpoints, the log's public key and consistency proofs are open data: whoever watches the
log needs them, and they reveal nothing about anyone. An inclusion proof comes with its
decision's record, so it is for those who may read that decision: the person who opened it
with their code, the back office that sent it, the agents of its administration.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime
from typing import Any

from flask import Response, request
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from services.decision_log.adapters import tables as t
from services.decision_log.entrypoints.api import service
from services.decision_log.service_layer.transparency import (
    NotYetCheckpointed,
    log_key,
    receipt_for,
)
from shared import audit
from shared.audit import actor_of
from shared.auth.principal import AGENT_ROLES
from shared.auth.session import current_principal
from shared.contracts.fields import ADMINISTRATION_PATTERN
from shared.tlog.checkpoints import NotCosigned, StoredCheckpoint, UnknownCheckpoint
from shared.tlog.merkle import consistency_proof
from shared.tlog.note import NoteError
from shared.web.app import ApiBlueprint
from shared.web.errors import ApiError
from shared.web.limits import authenticated_by_body

blp = ApiBlueprint(
    "transparency",
    __name__,
    url_prefix="/api/v1/log/<string:administration>",
    description="Each administration's log as a transparency log (RFC 9162, "
    "C2SP checkpoints): signed heads, proofs, witnesses.",
)

TEXT = {"text/plain": {"schema": {"type": "string"}}}
MAX_CHECKPOINTS = 500


class CheckpointListQuery(Schema):
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=MAX_CHECKPOINTS))
    before_size = fields.Integer(validate=validate.Range(min=1, max=2**62))


class CosignatureSchema(Schema):
    witness = fields.String(required=True)
    signed_at = fields.String(required=True)


class CheckpointSchema(Schema):
    size = fields.Integer(required=True)
    root_hash = fields.String(required=True, metadata={"description": "base64"})
    issued_at = fields.String(required=True)
    note = fields.String(
        required=True,
        metadata={"description": "The signed checkpoint with the witnesses' cosignature lines."},
    )
    cosignatures = fields.List(fields.Nested(CosignatureSchema), required=True)


class ConsistencyQuery(Schema):
    old = fields.Integer(required=True, data_key="from", validate=validate.Range(min=0, max=2**62))
    new = fields.Integer(required=True, data_key="to", validate=validate.Range(min=0, max=2**62))


class ConsistencySchema(Schema):
    old = fields.Integer(required=True, data_key="from")
    new = fields.Integer(required=True, data_key="to")
    proof = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "RFC 9162 2.1.4 consistency proof, base64 hashes"},
    )


class AcceptedSchema(Schema):
    accepted = fields.List(fields.String(), required=True)


class ReceiptSchema(Schema):
    format = fields.String(required=True)
    about = fields.String(required=True)
    reference = fields.String(required=True)
    administration = fields.String(required=True)
    fingerprint = fields.String(required=True)
    log_key = fields.String(required=True)
    checkpoint_url = fields.String(required=True)
    entry = fields.String(required=True, metadata={"description": "The record, as hashed."})
    proof = fields.String(required=True, metadata={"description": "c2sp.org/tlog-proof@v1"})


def _known(administration: str) -> None:
    """404 for an administration whose log does not exist (or a malformed name)."""
    if re.match(ADMINISTRATION_PATTERN, administration) is None:
        raise ApiError(404, "No such log.")
    with service().uow() as uow:
        if uow.chain.stored_head(administration) is None:
            raise ApiError(404, "No such log.")


def _latest(administration: str) -> StoredCheckpoint:
    _known(administration)
    with service().uow() as uow:
        checkpoint = uow.checkpoints.latest(administration)
    if checkpoint is None:
        raise ApiError(404, "No checkpoint was issued for this log yet.", code="no_checkpoint")
    return checkpoint


def _text(body: str) -> Response:
    return Response(body, mimetype="text/plain", headers={"Cache-Control": "no-cache"})


@blp.route("/checkpoint")
class LatestCheckpoint(MethodView):
    @blp.doc(
        responses={
            200: {"description": "A signed note (c2sp.org/tlog-checkpoint)", "content": TEXT}
        }
    )
    @blp.alt_response(404, schema="Error")
    def get(self, administration: str) -> Response:
        """The log's latest checkpoint, with the cosignatures received so far."""
        return _text(_latest(administration).cosigned_note)


@blp.route("/key")
class PublicKey(MethodView):
    @blp.doc(
        responses={200: {"description": "The verifier key (c2sp.org/signed-note)", "content": TEXT}}
    )
    @blp.alt_response(404, schema="Error")
    def get(self, administration: str) -> Response:
        """The public key that signs this log's checkpoints. Check it against another source."""
        _known(administration)
        app = service()
        if not app.log_keys:
            raise ApiError(404, "This deployment signs no checkpoint.", code="no_checkpoint")
        return _text(log_key(app.config, app.log_keys, administration).vkey + "\n")


@blp.route("/checkpoints")
class Checkpoints(MethodView):
    @blp.arguments(CheckpointListQuery, location="query")
    @blp.response(200, CheckpointSchema(many=True))
    @blp.alt_response(404, schema="Error")
    def get(self, query: dict[str, Any], administration: str) -> list[dict[str, Any]]:
        """Every checkpoint issued, newest first, with their cosignatures (open data)."""
        _known(administration)
        with service().uow() as uow:
            found = uow.checkpoints.listing(
                administration, limit=query["limit"], before_size=query.get("before_size")
            )
        return [
            {
                "size": c.size,
                "root_hash": base64.b64encode(c.root).decode(),
                "issued_at": c.issued_at.isoformat(),
                "note": c.cosigned_note,
                "cosignatures": [
                    {"witness": w, "signed_at": at.isoformat()} for w, at, _ in c.cosignatures
                ],
            }
            for c in found
        ]


@blp.route("/consistency")
class Consistency(MethodView):
    @blp.arguments(ConsistencyQuery, location="query")
    @blp.response(200, ConsistencySchema)
    @blp.alt_response(404, schema="Error")
    def get(self, query: dict[str, Any], administration: str) -> dict[str, Any]:
        """RFC 9162 proof that the tree of `to` leaves extends the tree of `from` leaves;
        both at most the latest checkpoint's size."""
        latest = _latest(administration)
        old, new = query["old"], query["new"]
        if not old <= new <= latest.size:
            raise ApiError(
                400,
                f"from ≤ to ≤ {latest.size} (the latest checkpoint's size).",
                fields={"to": [f"between from and {latest.size}"]},
            )
        with service().uow() as uow:
            proof = consistency_proof(old, new, uow.tree.reader(administration))
        return {"old": old, "new": new, "proof": [base64.b64encode(h).decode() for h in proof]}


@blp.route("/cosignatures")
@authenticated_by_body(max_bytes=16 * 1024)  # the witness's signature is its credential
class Cosignatures(MethodView):
    @blp.doc(
        requestBody={
            "required": True,
            "content": TEXT,
            "description": (
                "A checkpoint of this log with the witness's cosignature lines "
                "(c2sp.org/tlog-cosignature). The witness must be registered."
            ),
        }
    )
    @blp.response(200, AcceptedSchema)
    @blp.alt_response(400, schema="Error")
    @blp.alt_response(403, schema="Error")
    @blp.alt_response(404, schema="Error")
    def post(self, administration: str) -> dict[str, Any]:
        """A witness gives back its cosignature of a checkpoint it verified."""
        _known(administration)
        try:
            message = request.get_data(cache=False).decode()
        except UnicodeDecodeError:
            raise ApiError(400, "The body is not UTF-8 text.") from None
        with service().uow() as uow:
            try:
                accepted = uow.checkpoints.accept_cosignatures(
                    administration, message, datetime.now(UTC)
                )
            except UnknownCheckpoint as exc:
                raise ApiError(404, str(exc), code="unknown_checkpoint") from None
            except NotCosigned as exc:
                raise ApiError(403, str(exc), code="not_cosigned") from None
            except NoteError as exc:
                raise ApiError(400, str(exc), code="malformed_checkpoint") from None
            uow.commit()
        return {"accepted": accepted}


@blp.route("/proof/<string:reference>")
class Proof(MethodView):
    @blp.doc(
        parameters=[
            {
                "in": "query",
                "name": "download",
                "schema": {"type": "string"},
                "description": "any value: served as a file to save",
            }
        ]
    )
    @blp.response(200, ReceiptSchema)
    @blp.alt_response(401, schema="Error")
    @blp.alt_response(
        404,
        schema="Error",
        description="Unknown, not yours, or not yet in a checkpoint (code not_yet_checkpointed)",
    )
    def get(self, administration: str, reference: str) -> Response:
        """The decision's receipt: its record, its inclusion proof and the latest checkpoint.

        For the person who opened the decision with their code, the back office that sent it
        and the agents of its administration.
        """
        principal = current_principal()
        if not principal.authenticated:
            raise ApiError(401, "Authentication is required.")
        if principal.kind == "usager":
            allowed = reference in principal.references
        else:
            allowed = (
                principal.kind in ("agent", "producer")
                and principal.belongs_to(administration)
                and (principal.kind == "producer" or principal.has_any_role(*AGENT_ROLES))
            )
        app = service()
        with app.uow() as uow:
            row = uow.decisions.by_reference(reference) if allowed else None
            if row is None or row.administration != administration:
                raise ApiError(404, "No such decision.")
            try:
                receipt = receipt_for(uow, row, app.config, app.log_keys, app.settings.public_url)
            except NotYetCheckpointed:
                raise ApiError(
                    404,
                    "The decision is logged; its receipt will be ready once "
                    "the next checkpoint is signed (within minutes).",
                    code="not_yet_checkpointed",
                ) from None
            audit.record(
                uow.session,
                t.audit,
                actor=actor_of(principal),
                administration=administration,
                action="read",
                subject=f"decision:{administration}/{row.decision_id}",
                purpose="reçu de journalisation (preuve d'inclusion)",
            )
            uow.commit()
        response = Response(
            json.dumps(receipt.to_json(), ensure_ascii=False, indent=1), mimetype="application/json"
        )
        if "download" in request.args:
            response.headers["Content-Disposition"] = (
                f'attachment; filename="recu-{reference}.json"'
            )
        return response
