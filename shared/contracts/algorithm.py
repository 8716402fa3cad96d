"""The algorithm registry entry of contract v1: one per algorithm version.

decision_log validates registrations with it; every service reading `algorithm.registered`
can check what it receives against the same rules.
"""

from __future__ import annotations

from typing import Any

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    pre_load,
    validate,
    validates_schema,
)

from shared.contracts.fields import BoundedList, EmailAddress, Identifier, SafeText, Slug
from shared.decision_model import load_algorithm_model
from shared.routes.model import (
    ADMINISTRATIVE,
    AUTHOR_KINDS,
    COURT_MONTHS,
    COURT_ORDERS,
    CRPA,
    DECISION,
    GRACIEUX,
    HIERARCHIQUE,
    LOCAL_EXECUTIVE,
    MEASURES,
    OBSERVATIONS,
    PREALABLE,
    PREPARATORY,
    RECOURS_KINDS,
    REGIMES,
    ROUTE_KINDS,
    SOCIAL_SECURITY,
    legacy_recourse,
)

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
    email = EmailAddress(required=True)
    phone = SafeText(required=True, max_length=40, min_length=1)


class DataProtectionOfficerSchema(_Strict):
    """The data protection officer whose contact every explanation gives (RGPD art. 13(1)(b),
    14(1)(b) and 37(1)(a): a public body must designate one)."""

    email = EmailAddress(required=True)
    address = SafeText(max_length=500, load_default=None, allow_none=True)
    url = fields.Url(load_default=None, allow_none=True, schemes={"https", "http"})


class DataSourceSchema(_Strict):
    name = SafeText(required=True, max_length=200, min_length=1)
    source = SafeText(required=True, max_length=300, min_length=1)
    # How the person has a wrong datum corrected where it comes from (RGPD art. 16): the
    # explanation repeats it, since correcting it here alone would not last.
    correction = SafeText(max_length=500, load_default=None, allow_none=True)


class AuthorSchema(_Strict):
    """Who takes the decisions: their kind decides which routes the law allows."""

    name = SafeText(required=True, max_length=300, min_length=1)
    kind = fields.String(required=True, validate=validate.OneOf(AUTHOR_KINDS))


class RouteSchema(_Strict):
    """One way to contest, with its authority, its delay and the texts beyond the general ones.
    Authorities are written with their article (« le maire de Ville-Exemple »)."""

    kind = fields.String(required=True, validate=validate.OneOf(ROUTE_KINDS))
    authority = SafeText(required=True, max_length=300, min_length=1)
    address = SafeText(max_length=500, load_default=None, allow_none=True)
    months = fields.Integer(load_default=None, allow_none=True,
                            validate=validate.Range(min=1, max=12))
    days = fields.Integer(load_default=None, allow_none=True,
                          validate=validate.Range(min=1, max=60))
    regime = fields.String(load_default=CRPA, validate=validate.OneOf(REGIMES))
    collegial = fields.Boolean(load_default=False)
    sanction = fields.Boolean(load_default=False)
    texts = fields.List(SafeText(max_length=300, min_length=1), load_default=list,
                        validate=validate.Length(max=10))


class CourtSchema(_Strict):
    name = SafeText(required=True, max_length=300, min_length=1)
    order = fields.String(load_default=ADMINISTRATIVE, validate=validate.OneOf(COURT_ORDERS))
    months = fields.Integer(load_default=COURT_MONTHS, validate=validate.Range(min=1, max=12))
    texts = fields.List(SafeText(max_length=300, min_length=1), load_default=list,
                        validate=validate.Length(max=10))


class PreparatorySchema(_Strict):
    """A measure that only prepares a decision: what follows it, what refusing it costs, and
    which decision the person will be able to contest."""

    follows = SafeText(required=True, max_length=300, min_length=1)
    refusal = SafeText(required=True, max_length=1000, min_length=1)
    refusal_reference = SafeText(max_length=300, load_default=None, allow_none=True)
    result = SafeText(required=True, max_length=300, min_length=1)


class RecourseSchema(_Strict):
    """How a decision of this algorithm is contested (docs/appeals.md, « Legal bases »)."""

    measure = fields.String(load_default=DECISION, validate=validate.OneOf(MEASURES))
    author = fields.Nested(AuthorSchema, required=True)
    routes = fields.List(fields.Nested(RouteSchema), required=True,
                         validate=validate.Length(max=len(ROUTE_KINDS)))
    court = fields.Nested(CourtSchema, required=True)
    preparatory = fields.Nested(PreparatorySchema, load_default=None, allow_none=True)
    # The administration's own deadline for a human to examine a contestation, e.g. 48 hours
    # for a suspension of benefits; the legal deadline (L231-4) applies in any case.
    internal_deadline_hours = fields.Integer(load_default=None, allow_none=True,
                                             validate=validate.Range(min=1, max=24 * 60))
    # True only where a text makes an oral recours count as a written one.
    oral_filing_counts = fields.Boolean(load_default=False)

    @validates_schema
    def _lawful(self, data: dict[str, Any], **_: Any) -> None:
        problems = recourse_problems(data)
        if problems:
            raise ValidationError(problems)


def recourse_problems(data: dict[str, Any]) -> dict[str, list[str]]:
    """The rules of law a `recourse` block must follow, by field."""
    problems: dict[str, list[str]] = {}
    routes = data.get("routes") or []
    kinds = [r["kind"] for r in routes]
    author = data.get("author") or {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    if len(set(kinds)) != len(kinds):
        add("routes", "each kind of route appears once")
    preparatory = data.get("measure") == PREPARATORY
    if preparatory != bool(data.get("preparatory")):
        add("preparatory", "is required for a preparatory measure, and only for one")
    if not any(k in RECOURS_KINDS for k in kinds):
        add("routes", "name at least one recours (gracieux, hierarchique or prealable)")
    if PREALABLE in kinds and (GRACIEUX in kinds or HIERARCHIQUE in kinds):
        # L412-4 CRPA: a recours gracieux or hiérarchique keeps neither the delay of the
        # mandatory prior appeal nor the court's: offering one would mislead.
        add("routes", "a mandatory prior appeal excludes a recours gracieux or hiérarchique")
    for route in routes:
        kind = route["kind"]
        if kind in RECOURS_KINDS and not route.get("months"):
            add("routes", f"{kind}: give its delay in months")
        if kind == OBSERVATIONS and not route.get("days"):
            add("routes", "observations: give their period in days")
        if kind == HIERARCHIQUE and author.get("kind") == LOCAL_EXECUTIVE:
            # A mayor or a regional president has no hierarchical superior: the préfet's
            # control is a contrôle de légalité, not a hierarchy.
            add("routes", "hierarchique: a local executive has no hierarchical superior")
        if kind == HIERARCHIQUE and route["authority"] == author.get("name"):
            add("routes", "hierarchique: the superior cannot be the author of the decision")
        if kind == OBSERVATIONS and preparatory:
            add("routes", "observations: a preparatory measure is not a measure taken "
                          "because of the person")
        if kind == OBSERVATIONS and author.get("kind") == SOCIAL_SECURITY \
                and not route.get("sanction"):
            # L121-2 4° CRPA: no contradictoire for social-security bodies' decisions,
            # except measures that are sanctions.
            add("routes", "observations: L121-2 4° CRPA excludes them for a social-security "
                          "body's decisions that are not sanctions")
        if route.get("collegial") and kind != PREALABLE:
            add("routes", f"{kind}: only a mandatory prior appeal is decided by a body")
    return problems


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
    legal_bases = BoundedList(fields.Nested(LegalBasisSchema), required=True, min_length=1,
                              max_length=20)
    responsible_service = fields.Nested(ServiceContactSchema, required=True)
    data_protection_officer = fields.Nested(DataProtectionOfficerSchema, load_default=None,
                                            allow_none=True)
    data_sources = BoundedList(fields.Nested(DataSourceSchema), load_default=list,
                               max_length=50)
    operations = BoundedList(SafeText(max_length=500, min_length=1), required=True,
                             min_length=1, max_length=30)
    automation_allowed = fields.String(required=True, validate=validate.OneOf(["full", "partial"]))
    human_role = SafeText(max_length=200, load_default=None, allow_none=True)
    status = fields.String(load_default="in_use", validate=validate.OneOf(STATUSES))
    public = fields.Boolean(load_default=True)
    criteria = BoundedList(fields.Dict(), required=True, min_length=1, max_length=200)
    model = fields.Dict(required=True)
    recourse = fields.Nested(RecourseSchema, required=True)
    evaluation = fields.Nested(EvaluationSchema, load_default=None, allow_none=True)
    organisation = fields.Nested(OrganisationSchema, load_default=None, allow_none=True)
    inventory = fields.Nested(InventorySchema, load_default=None, allow_none=True)

    @pre_load
    def _legacy_appeal(self, data: Any, **_: Any) -> Any:
        """Registrations written before the route model carry an `appeal` block (or none):
        it is translated, and the version is stored with its `recourse` block."""
        if not isinstance(data, dict) or "recourse" in data:
            return data
        data = dict(data)
        appeal = data.pop("appeal", None)
        service = data.get("responsible_service")
        data["recourse"] = legacy_recourse(appeal if isinstance(appeal, dict) else {},
                                           service if isinstance(service, dict) else {})
        return data

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
