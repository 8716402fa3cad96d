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


# Légifrance identifiers: an article's version (LEGIARTI), a consolidated text (LEGITEXT) or a
# text as published in the Journal officiel (JORFTEXT), twelve digits each.
LEGIFRANCE_ID_PATTERN = r"^(LEGIARTI|LEGITEXT|JORFTEXT)\d{12}$"


class LegalBasisSchema(_Strict):
    title = SafeText(required=True, max_length=300, min_length=1)
    article = SafeText(max_length=100, load_default=None, allow_none=True)
    url = fields.Url(load_default=None, allow_none=True, schemes={"https", "http"})
    # Which text, and which version of it: the register links to the text as it read on that
    # date, since the law moves under a registered version.
    legifrance_id = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(
        LEGIFRANCE_ID_PATTERN, error="must be LEGIARTI, LEGITEXT or JORFTEXT and 12 digits"))
    version_date = fields.Date(load_default=None, allow_none=True)

    @validates_schema
    def _dated(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("legifrance_id") and not data.get("version_date"):
            raise ValidationError("give the date of the version of the text", "version_date")


class ServiceContactSchema(_Strict):
    """Who answers for the algorithm; the acknowledgement of an appeal prints it (R112-5)."""

    name = SafeText(required=True, max_length=200, min_length=1)
    address = SafeText(required=True, max_length=500, min_length=1)
    email = fields.Email(required=True)
    phone = SafeText(required=True, max_length=40, min_length=1)


class DataSourceSchema(_Strict):
    name = SafeText(required=True, max_length=200, min_length=1)
    source = SafeText(required=True, max_length=300, min_length=1)


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


class OrganisationSchema(_Strict):
    """The administration by its name, and its SIREN when it has one (stable identifier)."""

    name = SafeText(required=True, max_length=200, min_length=1)
    siren = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(
        r"^\d{9}$", error="must be 9 digits"))

    @validates_schema
    def _siren(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("siren") and not luhn_valid(data["siren"]):
            raise ValidationError("is not a valid SIREN (its check digit is wrong)", "siren")


class ResourceSchema(_Strict):
    title = SafeText(required=True, max_length=200, min_length=1)
    url = fields.Url(required=True, schemes={"https", "http"})


class InventorySchema(_Strict):
    """The fields of the State's guide to public algorithms (Etalab, « Fiche pratique :
    l'inventaire des principaux traitements algorithmiques ») that the rest of the entry does
    not already carry."""

    context = SafeText(max_length=2000, load_default=None, allow_none=True)
    # « Comment et quand l'algorithme intervient-il dans la prise de décision ? »
    procedure_step = SafeText(max_length=2000, load_default=None, allow_none=True)
    # « Portée de la décision » : for the public (external) or an internal procedure.
    scope = fields.String(load_default=None, allow_none=True,
                          validate=validate.OneOf(["external", "internal"]))
    public_concerned = SafeText(max_length=1000, load_default=None, allow_none=True)
    data_collection = SafeText(max_length=2000, load_default=None, allow_none=True)
    in_service_since = fields.Date(load_default=None, allow_none=True)
    related_resources = fields.List(fields.Nested(ResourceSchema), load_default=list,
                                    validate=validate.Length(max=20))


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
    organisation = fields.Nested(OrganisationSchema, load_default=None, allow_none=True)
    inventory = fields.Nested(InventorySchema, load_default=None, allow_none=True)

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


def luhn_valid(digits: str) -> bool:
    """The SIREN's ninth digit is a Luhn check digit (INSEE)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def load_registration(payload: dict[str, Any]) -> dict[str, Any]:
    """Validate a registration and return its JSON document (raises ValidationError)."""
    loaded = AlgorithmVersionSchema().load(payload)
    document = AlgorithmVersionSchema().dump(loaded)
    return dict(document)
