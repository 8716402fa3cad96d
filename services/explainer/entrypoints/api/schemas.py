"""Schemas of explainer's API, for validation and the OpenAPI document."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from services.explainer.domain.templates import TEMPLATE_KEYS


class BlockSchema(Schema):
    """A block of a section; read as a dict by key, since `items` is also a dict method."""

    kind = fields.String(required=True, metadata={
        "enum": ["paragraph", "notice", "list", "steps", "table"]})
    text = fields.String()
    items = fields.List(fields.String())
    header = fields.List(fields.String())
    rows = fields.List(fields.List(fields.String()))

    def get_attribute(self, obj: Any, attr: str, default: Any) -> Any:
        return obj.get(attr, default) if isinstance(obj, dict) else super().get_attribute(
            obj, attr, default)


class SectionSchema(Schema):
    key = fields.String(required=True, metadata={
        "description": "essential, contribution, divergence (only when the replay found one), "
                       "data, parameters, operations, what_if, protected, recourse, contest, "
                       "communication, data_protection, legal_bases"})
    title = fields.String(required=True)
    legal = fields.String(required=True, metadata={"description": "The texts it answers to."})
    blocks = fields.List(fields.Nested(BlockSchema), required=True, metadata={
        "description": "What the page shows in its main view."})
    details = fields.List(fields.Nested(BlockSchema), metadata={
        "description": "Only some sections: the full wording behind the short one of `blocks`, "
                       "which the page shows in its closed section of legal texts."})


class FactSchema(Schema):
    label = fields.String(required=True)
    value = fields.String(required=True)


class DocumentSchema(Schema):
    title = fields.String(required=True)
    outcome = fields.String(required=True, metadata={"description": "The outcome in one "
                                                                    "sentence."})
    facts = fields.List(fields.Nested(FactSchema), required=True)
    mention = fields.String(required=True)
    motif = fields.String(metadata={
        "description": "For an unfavourable decision: its motif, facts and law (L211-2, "
                       "L211-5)."})
    sections = fields.List(fields.Nested(SectionSchema), required=True)


class ReadabilitySchema(Schema):
    formula = fields.String(required=True, metadata={"example": "kandel-moles"})
    score = fields.Float(required=True, metadata={"description": "Higher is easier; 60 to 70 "
                                                                 "is standard prose."})


class VersionSchema(Schema):
    version = fields.Integer(required=True)
    generated_at = fields.String(required=True)
    reason = fields.String(required=True)
    template = fields.String(required=True)


class CommunicationRequestSchema(Schema):
    requested_at = fields.String(required=True)
    deadline = fields.String(required=True, metadata={
        "description": "After this date, the administration's silence is a refusal (R311-13)."})
    cada_deadline = fields.String(required=True, metadata={
        "description": "Last day to refer to the CADA after that refusal (R343-1)."})


class ExplanationSchema(Schema):
    """The explanation of one decision, as the person reads it."""

    reference = fields.String(required=True)
    decision_id = fields.String(required=True)
    administration = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": ["explained", "pending"]})
    public_url = fields.String(required=True)
    version = fields.Integer(allow_none=True)
    generated_at = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    template = fields.String(allow_none=True)
    readability = fields.Nested(ReadabilitySchema, allow_none=True)
    mention_explicite = fields.String(allow_none=True)
    motif = fields.String(allow_none=True, metadata={
        "description": "The motif of an unfavourable decision, for the notice; null otherwise."})
    read_on = fields.String(allow_none=True, metadata={
        "description": "The day the dated sections (essential, recourse, contest) were built "
                       "for: the day of the request."})
    document = fields.Nested(DocumentSchema, allow_none=True)
    text = fields.String(allow_none=True)
    replaces = fields.String(allow_none=True, metadata={
        "description": "Reference of the decision this one replaces."})
    replaced_by = fields.List(fields.String(), required=True)
    versions = fields.List(fields.Nested(VersionSchema), required=True)
    communication_request = fields.Nested(CommunicationRequestSchema, allow_none=True)


class ExplanationQuerySchema(Schema):
    version = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))


class RequestResultSchema(CommunicationRequestSchema):
    created = fields.Boolean(required=True, metadata={
        "description": "False when the request had already been recorded."})


class TemplateInSchema(Schema):
    sections = fields.Dict(keys=fields.String(), values=fields.String(), required=True,
                           metadata={"description": "Jinja2 source per section key: "
                                                    + ", ".join(TEMPLATE_KEYS)})
    note = fields.String(load_default="", validate=validate.Length(max=2000))


class TemplateSchema(Schema):
    template_id = fields.Integer(required=True)
    version = fields.Integer(required=True)
    label = fields.String(required=True)
    sections = fields.Dict(required=True)
    note = fields.String(required=True)
    registered_by = fields.String(required=True)
    registered_at = fields.String(required=True)


class TemplateRegisteredSchema(TemplateSchema):
    preview_readability = fields.Nested(ReadabilitySchema, required=True)
