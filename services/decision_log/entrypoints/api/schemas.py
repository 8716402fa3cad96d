"""Response and argument schemas of decision_log's API, for validation and the OpenAPI document."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from shared.contracts.algorithm import STATUSES


class IngestAcceptedSchema(Schema):
    status = fields.String(required=True, metadata={"enum": ["logged", "duplicate"]})
    administration = fields.String(required=True)
    decision_id = fields.String(required=True)
    reference = fields.String(required=True)
    access_code = fields.String(
        metadata={"description": "Only when the decision is logged now; print it on the notice."}
    )
    public_url = fields.String(required=True)
    replay_status = fields.String()


class DecisionSchema(Schema):
    administration = fields.String(required=True)
    decision_id = fields.String(required=True)
    reference = fields.String(required=True)
    algorithm = fields.Dict(required=True)
    decided_at = fields.String(required=True)
    received_at = fields.String(required=True)
    channel = fields.String(required=True)
    body = fields.Dict(required=True)
    contact = fields.Dict(allow_none=True)
    replay = fields.Dict(required=True)
    log = fields.Dict(required=True)


class AlgorithmListQuerySchema(Schema):
    administration = fields.String(validate=validate.Length(max=64))
    status = fields.String(validate=validate.OneOf(STATUSES))


class AlgorithmSummarySchema(Schema):
    id = fields.String(required=True)
    version = fields.String(required=True)
    administration = fields.String(required=True)
    name = fields.String(required=True)
    purpose = fields.String(required=True)
    status = fields.String(required=True)
    automation_allowed = fields.String(required=True)
    url = fields.String(required=True)


class AlgorithmSchema(Schema):
    """A registry entry as registered, with its publication metadata."""

    algorithm = fields.Dict(required=True)
    revision = fields.Integer(required=True)
    registered_at = fields.String(required=True)
    first_used_at = fields.String(allow_none=True)
    # null for the public when 1 to 10 (small counts are not published).
    decisions_logged = fields.Integer(required=True, allow_none=True)


class StatusChangeSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))


class ChainReportSchema(Schema):
    administration = fields.String(required=True)
    intact = fields.Boolean(required=True)
    records = fields.Integer(required=True)
    head_seq = fields.Integer(required=True)
    breaks = fields.List(fields.Dict(), required=True)


class VerifySchema(Schema):
    intact = fields.Boolean(required=True)
    chains = fields.List(fields.Nested(ChainReportSchema), required=True)


class QuarantineQuerySchema(Schema):
    status = fields.String(
        load_default="pending", validate=validate.OneOf(["pending", "replayed", "dismissed"])
    )
    category = fields.String(validate=validate.Length(max=30))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


class QuarantineItemSchema(Schema):
    id = fields.Integer(required=True)
    received_at = fields.String(required=True)
    channel = fields.String(required=True)
    producer = fields.String(allow_none=True)
    administration = fields.String(allow_none=True)
    decision_id = fields.String(allow_none=True)
    category = fields.String(required=True)
    reasons = fields.Dict(required=True)
    status = fields.String(required=True)
    attempts = fields.Integer(required=True)
    resolution = fields.String(allow_none=True)
    replayable = fields.Boolean(required=True)


class ReplaySchema(Schema):
    item_id = fields.Integer(required=True)
    status = fields.String(required=True)
    detail = fields.String(required=True)
