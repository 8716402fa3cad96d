"""Arguments and answers of the appeals API, for validation and the OpenAPI document."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.appeals.domain.filing import ANSWER_BY, CHANNELS, MAX_ATTACHMENTS, MAX_TEXT
from services.appeals.domain.routing import LEGACY_RECOURS
from services.appeals.domain.rules import OUTCOMES, STATUSES
from shared.contracts.fields import BoundedList, SafeText
from shared.routes import FILING_KINDS


class DisputedSchema(Schema):
    criterion = fields.String(required=True, validate=validate.Length(min=1, max=128))
    reason = SafeText(required=True, max_length=2000, min_length=1)
    claimed_value = fields.Raw(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "The value the person says is right (number, boolean, text or date)."
        },
    )


class AttachmentInSchema(Schema):
    filename = SafeText(required=True, max_length=200, min_length=1)
    content_base64 = fields.String(
        required=True, metadata={"description": "PDF, PNG or JPEG, 4 MB at most once decoded."}
    )


class AppealFilingSchema(Schema):
    """A contestation, by the person (session) or an agent on their behalf."""

    reference = fields.String(required=True, validate=validate.Length(min=1, max=32))
    kind = fields.String(
        load_default="",
        validate=validate.OneOf(["", *FILING_KINDS, LEGACY_RECOURS]),
        metadata={
            "description": "gracieux, hierarchique, prealable, observations or signalement, "
            "among those the decision's routes allow; empty (or the former "
            '"recours"): the first recours they offer.'
        },
    )
    channel = fields.String(
        load_default="online",
        validate=validate.OneOf(CHANNELS),
        metadata={"description": "Agents only: how the person came."},
    )
    postmarked_on = fields.Date(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "Agents only, channel letter: the postmark's date, which decides "
            "whether the filing is in time."
        },
    )
    disputed = BoundedList(fields.Nested(DisputedSchema), load_default=list, max_length=200)
    other = SafeText(load_default="", max_length=MAX_TEXT)
    account = SafeText(
        load_default="",
        max_length=MAX_TEXT,
        metadata={
            "description": "The person's own account: their point of view (GDPR art. 22(3))."
        },
    )
    answer_by = fields.String(required=True, validate=validate.OneOf(ANSWER_BY))
    email = fields.String(load_default="", validate=validate.Length(max=254))
    postal_address = SafeText(load_default="", max_length=500)
    attachments = BoundedList(
        fields.Nested(AttachmentInSchema), load_default=list, max_length=MAX_ATTACHMENTS
    )


class DeadlinesSchema(Schema):
    legal_due_at = fields.String(required=True)
    implicit_rejection_on = fields.String(allow_none=True)
    measure_final_on = fields.String(allow_none=True)
    internal_due_at = fields.String(allow_none=True)


class OutcomeSchema(Schema):
    result = fields.String(required=True, metadata={"enum": list(OUTCOMES)})
    facts = fields.String(required=True)
    law = fields.String(required=True)
    answers = fields.Dict(required=True)
    decided_at = fields.String(required=True)
    new_outcome_code = fields.String(allow_none=True)
    new_outcome_label = fields.String(allow_none=True)
    revised_reference = fields.String(allow_none=True)
    corrections = fields.Dict(allow_none=True)


class RouteSchema(Schema):
    authority = fields.String(allow_none=True)
    last_day = fields.String(
        allow_none=True,
        metadata={"description": "The route's last day, counted from the notification date."},
    )
    filed_on = fields.String(
        allow_none=True,
        metadata={"description": "The date that counts: the postmark for a letter, else receipt."},
    )
    in_time = fields.Boolean(
        allow_none=True,
        metadata={"description": "Whether the filing was within the delay (null: none applies)."},
    )
    written = fields.Boolean(allow_none=True)


class AppealSchema(Schema):
    id = fields.String(required=True)
    reference = fields.String(required=True)
    administration = fields.String(required=True)
    kind = fields.String(required=True)
    channel = fields.String(required=True)
    route = fields.Nested(RouteSchema, required=True)
    status = fields.String(required=True, metadata={"enum": list(STATUSES)})
    received_at = fields.String(required=True)
    deadlines = fields.Nested(DeadlinesSchema, required=True)
    grounds = fields.List(fields.Dict(), required=True)
    attachments = fields.List(fields.Dict(), required=True)
    assignee = fields.String(allow_none=True)
    outcome = fields.Nested(OutcomeSchema, allow_none=True)
    links = fields.Dict(required=True)


class AppealListQuerySchema(Schema):
    status = fields.String(validate=validate.OneOf(STATUSES))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))
