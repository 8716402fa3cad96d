"""The algorithm registry entry of contract v1: one per algorithm version.

decision_log validates registrations with it; every service reading `algorithm.registered`
can check what it receives against the same rules.
"""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from shared.contracts.fields import Identifier, SafeText, Slug
from shared.decision_model import load_algorithm_model

STATUSES = ("in_use", "retired")


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class LegalBasisSchema(_Strict):
    title = SafeText(required=True, max_length=300, min_length=1)
    article = SafeText(max_length=100, load_default=None, allow_none=True)
    url = fields.Url(load_default=None, allow_none=True, schemes={"https", "http"})


class ServiceContactSchema(_Strict):
    """Who answers for the algorithm; the acknowledgement of an appeal prints it (R112-5)."""

    name = SafeText(required=True, max_length=200, min_length=1)
    address = SafeText(required=True, max_length=500, min_length=1)
    email = fields.Email(required=True)
    phone = SafeText(required=True, max_length=40, min_length=1)


class DataProtectionOfficerSchema(_Strict):
    """The data protection officer whose contact every explanation gives (RGPD art. 13(1)(b),
    14(1)(b) and 37(1)(a): a public body must designate one)."""

    email = fields.Email(required=True)
    address = SafeText(max_length=500, load_default=None, allow_none=True)
    url = fields.Url(load_default=None, allow_none=True, schemes={"https", "http"})


class DataSourceSchema(_Strict):
    name = SafeText(required=True, max_length=200, min_length=1)
    source = SafeText(required=True, max_length=300, min_length=1)
    # How the person has a wrong datum corrected where it comes from (RGPD art. 16): the
    # explanation repeats it, since correcting it here alone would not last.
    correction = SafeText(max_length=500, load_default=None, allow_none=True)


class AppealSchema(_Strict):
    """How a decision of this algorithm is contested (RAPO when the prior appeal is mandatory)."""

    mandatory_prior_appeal = fields.Boolean(load_default=False)
    authority = SafeText(max_length=300, load_default=None, allow_none=True)
    court = SafeText(max_length=300, load_default=None, allow_none=True)
    legal_reference = SafeText(max_length=300, load_default=None, allow_none=True)
    # The administration's own deadline for a human to examine a contestation, e.g. 48 hours
    # for a suspension of benefits; the legal deadline (L231-4) applies in any case.
    internal_deadline_hours = fields.Integer(load_default=None, allow_none=True,
                                             validate=validate.Range(min=1, max=24 * 60))
    # Set when an unfavourable outcome is a measure taken because of the person (suspension,
    # recovery): they may present observations within this many days (L121-1, L122-1).
    observations_days = fields.Integer(load_default=None, allow_none=True,
                                       validate=validate.Range(min=1, max=60))


class EvaluationSchema(_Strict):
    summary = SafeText(max_length=2000, required=True, min_length=1)
    url = fields.Url(load_default=None, allow_none=True)
    published_on = fields.Date(load_default=None, allow_none=True)


class AlgorithmVersionSchema(_Strict):
    """A registry entry: one per algorithm version (contract v1)."""

    id = Identifier(required=True)
    version = Identifier(required=True)
    administration = Slug(required=True)
    name = SafeText(required=True, max_length=200, min_length=1)
    purpose = SafeText(required=True, max_length=2000, min_length=1)
    legal_bases = fields.List(fields.Nested(LegalBasisSchema), required=True,
                              validate=validate.Length(min=1, max=20))
    responsible_service = fields.Nested(ServiceContactSchema, required=True)
    data_protection_officer = fields.Nested(DataProtectionOfficerSchema, load_default=None,
                                            allow_none=True)
    data_sources = fields.List(fields.Nested(DataSourceSchema), load_default=list,
                               validate=validate.Length(max=50))
    operations = fields.List(SafeText(max_length=500, min_length=1), required=True,
                             validate=validate.Length(min=1, max=30))
    automation_allowed = fields.String(required=True, validate=validate.OneOf(["full", "partial"]))
    human_role = SafeText(max_length=200, load_default=None, allow_none=True)
    status = fields.String(load_default="in_use", validate=validate.OneOf(STATUSES))
    public = fields.Boolean(load_default=True)
    criteria = fields.List(fields.Dict(), required=True, validate=validate.Length(min=1, max=200))
    model = fields.Dict(required=True)
    appeal = fields.Nested(AppealSchema, load_default=lambda: AppealSchema().load({}))
    evaluation = fields.Nested(EvaluationSchema, load_default=None, allow_none=True)

    @validates_schema
    def _model(self, data: dict[str, Any], **_: Any) -> None:
        if "criteria" not in data or "model" not in data:
            return
        try:
            _criteria, model = load_algorithm_model(data["criteria"], data["model"])
        except ValidationError as exc:
            raise ValidationError(exc.messages if isinstance(exc.messages, dict)
                                  else {"model": exc.messages}) from exc
        if model.kind == "opaque" and data.get("automation_allowed") == "full":
            raise ValidationError("an opaque model is not fully explainable: it may only "
                                  "support an agent (partial)", "automation_allowed")
        if data.get("automation_allowed") == "partial" and not data.get("human_role"):
            raise ValidationError("name the role of the agent who decides with the "
                                  "algorithm's support", "human_role")


def load_registration(payload: dict[str, Any]) -> dict[str, Any]:
    """Validate a registration and return its JSON document (raises ValidationError)."""
    loaded = AlgorithmVersionSchema().load(payload)
    document = AlgorithmVersionSchema().dump(loaded)
    return dict(document)
