"""`decision.v1`: what a back office sends for each decision (contract v1)."""

from __future__ import annotations

import json
import math
from typing import Any

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    validate,
    validates_schema,
)

from shared.contracts.fields import (
    AwareDateTime,
    Identifier,
    SafeText,
    Slug,
    Uuid,
    reject_control_characters,
)
from shared.messaging import topology
from shared.messaging.message import OutgoingMessage

SCHEMA = "decision.v1"
MAX_CRITERIA = 200


class JsonNumber(fields.Field):
    """A finite JSON number, kept as int or float as sent; booleans and strings refused."""

    default_error_messages = {"invalid": "must be a finite number"}  # noqa: RUF012

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.make_error("invalid")
        if isinstance(value, float) and not math.isfinite(value):
            raise self.make_error("invalid")
        # Beyond 10^15 JSON numbers stop round-tripping exactly through the database.
        if abs(value) > 10**15:
            raise ValidationError("is out of range (absolute value above 10^15)")
        return value


class StrictBoolean(fields.Field):
    """JSON true or false only: "yes", 1 or "true" are refused, not guessed."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise ValidationError("must be true or false")
        return value


class CriterionValue(fields.Field):
    """A criterion's value: a number, a boolean, or a string (ISO dates are strings)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float):
            return JsonNumber()._deserialize(value, attr, data)
        if isinstance(value, str):
            if len(value) > 500:
                raise ValidationError("is longer than 500 characters")
            reject_control_characters(value)
            return value
        raise ValidationError("must be a number, a boolean or a string")


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE


class ContactSchema(StrictSchema):
    email = fields.Email(allow_none=True, load_default=None, validate=validate.Length(max=254))
    postal_address = SafeText(max_length=500, allow_none=True, load_default=None)
    phone = SafeText(max_length=40, allow_none=True, load_default=None)


class SubjectSchema(StrictSchema):
    ref = SafeText(required=True, max_length=128, min_length=1)
    contact = fields.Nested(ContactSchema, allow_none=True, load_default=None)


class AlgorithmRefSchema(StrictSchema):
    id = Identifier(required=True)
    version = Identifier(required=True)


class OutcomeSchema(StrictSchema):
    code = Identifier(required=True)
    label = SafeText(required=True, max_length=300, min_length=1)
    favourable = StrictBoolean(required=True)
    amount = JsonNumber(allow_none=True, load_default=None)
    currency = fields.String(load_default="EUR", validate=validate.OneOf(["EUR"]))
    effective_from = fields.Date(allow_none=True, load_default=None)


class CriterionSchema(StrictSchema):
    code = Identifier(required=True)
    value = CriterionValue(required=True, allow_none=False)
    source = SafeText(max_length=300, allow_none=True, load_default=None)
    contribution = JsonNumber(allow_none=True, load_default=None)


class DecisionRecordedSchema(StrictSchema):
    """Validates and loads a `decision.v1` body; unknown fields are refused, not ignored."""

    schema = fields.String(required=True, validate=validate.Equal(SCHEMA))
    event_id = Uuid(required=True)
    decision_id = Identifier(required=True)
    administration = Slug(required=True)
    algorithm = fields.Nested(AlgorithmRefSchema, required=True)
    decided_at = AwareDateTime(required=True)
    automation = fields.String(required=True, validate=validate.OneOf(["full", "partial"]))
    decided_by = SafeText(max_length=128, allow_none=True, load_default=None)
    subject = fields.Nested(SubjectSchema, required=True)
    outcome = fields.Nested(OutcomeSchema, required=True)
    criteria = fields.List(fields.Nested(CriterionSchema), required=True,
                           validate=validate.Length(min=1, max=MAX_CRITERIA))
    score = JsonNumber(allow_none=True, load_default=None)
    supersedes = Identifier(allow_none=True, load_default=None)

    @validates_schema
    def _coherent(self, data: dict[str, Any], **_: Any) -> None:
        errors: dict[str, list[str]] = {}
        if data.get("automation") == "partial" and not data.get("decided_by"):
            errors["decided_by"] = ["is required when automation is partial: the agent who "
                                    "decided with the algorithm's support"]
        if data.get("supersedes") and data.get("supersedes") == data.get("decision_id"):
            errors["supersedes"] = ["cannot be the decision's own id"]
        codes = [c["code"] for c in data.get("criteria", ())]
        duplicates = sorted({c for c in codes if codes.count(c) > 1})
        if duplicates:
            errors["criteria"] = [f"criterion codes appear twice: {', '.join(duplicates)}"]
        if errors:
            raise ValidationError(errors)


def dump_decision(decision: dict[str, Any]) -> dict[str, Any]:
    """A loaded decision back to its JSON form (dates as ISO strings)."""
    out = dict(decision)
    out["decided_at"] = decision["decided_at"].isoformat()
    outcome = dict(decision["outcome"])
    if outcome.get("effective_from") is not None:
        outcome["effective_from"] = outcome["effective_from"].isoformat()
    out["outcome"] = outcome
    return out


def flatten_errors(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages as `{"criteria.0.value": ["must be ..."]}`."""
    if isinstance(messages, dict):
        flat: dict[str, list[str]] = {}
        for key, value in messages.items():
            name = "body" if key == "_schema" and not prefix else (
                prefix if key == "_schema" else f"{prefix}.{key}" if prefix else str(key))
            for path, errors in flatten_errors(value, name).items():
                flat.setdefault(path, []).extend(errors)
        return flat
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return {prefix or "body": [str(m) for m in messages]}
    if isinstance(messages, list):
        flat = {}
        for value in messages:
            for path, errors in flatten_errors(value, prefix).items():
                flat.setdefault(path, []).extend(errors)
        return flat
    return {prefix or "body": [str(messages)]}


def decision_message(decision: dict[str, Any]) -> OutgoingMessage:
    """A `decision.v1` body as a back office publishes it on `explicite.decisions`."""
    return OutgoingMessage(
        exchange=topology.DECISIONS_EXCHANGE,
        routing_key=topology.routing_key(topology.DECISION_RECORDED,
                                         str(decision["administration"])),
        body=json.dumps(decision, ensure_ascii=False, separators=(",", ":")).encode(),
        message_id=str(decision["event_id"]),
        type=topology.DECISION_RECORDED,
        schema=SCHEMA,
    )
