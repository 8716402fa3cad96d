"""Incoming events turned into commands, or refused with the reason a dead letter keeps."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, missing, validate

from services.explainer.domain.case import Algorithm
from services.explainer.domain.commands import RecordAlgorithm, RecordDecision
from shared.contracts.events import Event, InvalidMessage
from shared.contracts.fields import AwareDateTime
from shared.messaging import topology
from shared.messaging.message import Delivery

REFERENCE = r"^D-[0-9A-Z]{5}-[0-9A-Z]{5}$"


class _Loose(Schema):
    class Meta:
        unknown = EXCLUDE


class _AlgorithmKeySchema(_Loose):
    id = fields.String(required=True)
    version = fields.String(required=True)


class _ReplaySchema(_Loose):
    status = fields.String(required=True, validate=validate.OneOf(
        ["consistent", "divergent", "not_replayable"]))


class _LogSchema(_Loose):
    seq = fields.Integer(required=True, strict=True)
    hash = fields.String(required=True, validate=validate.Length(equal=64))


class _OutcomeSchema(_Loose):
    code = fields.String(required=True)
    label = fields.String(required=True, validate=validate.Length(min=1, max=300))
    favourable = fields.Boolean(required=True)
    amount = fields.Float(load_default=None, allow_none=True)


class _CriterionSchema(_Loose):
    code = fields.String(required=True)
    value = fields.Raw(required=True, allow_none=False)
    source = fields.String(load_default=None, allow_none=True)
    contribution = fields.Float(load_default=None, allow_none=True)


class DecisionBodySchema(_Loose):
    """What the explanation reads from the decision; decision_log validated it in full.

    Tolerant of fields it does not know, so that contract v1 can grow without sending
    valid decisions to the dead letters here.
    """

    decision_id = fields.String(required=True)
    administration = fields.String(required=True)
    algorithm = fields.Nested(_AlgorithmKeySchema, required=True)
    decided_at = AwareDateTime(required=True)
    automation = fields.String(required=True, validate=validate.OneOf(["full", "partial"]))
    outcome = fields.Nested(_OutcomeSchema, required=True)
    criteria = fields.List(fields.Nested(_CriterionSchema), required=True,
                           validate=validate.Length(min=1))
    score = fields.Float(load_default=None, allow_none=True)
    supersedes = fields.String(load_default=None, allow_none=True)


class DecisionLoggedSchema(_Loose):
    """The parts of `decision.logged` the explainer relies on; `contact` is not read."""

    decision = fields.Dict(required=True)
    reference = fields.String(required=True, validate=validate.Regexp(REFERENCE))
    access_code_hash = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]{64}$"))
    algorithm = fields.Nested(_AlgorithmKeySchema, required=True)
    replay = fields.Dict(required=True)
    log = fields.Nested(_LogSchema, load_default=None, allow_none=True)
    channel = fields.String(load_default="amqp", validate=validate.Length(max=10))


class _ServiceSchema(_Loose):
    name = fields.String(required=True)
    address = fields.String(required=True)
    email = fields.String(required=True)
    phone = fields.String(required=True)


class RegistryEntrySchema(_Loose):
    """What the explanation reads from a registry entry (decision_log validated the rest)."""

    id = fields.String(required=True)
    version = fields.String(required=True)
    administration = fields.String(required=True)
    name = fields.String(required=True)
    purpose = fields.String(required=True)
    legal_bases = fields.List(fields.Dict(), required=True)
    responsible_service = fields.Nested(_ServiceSchema, required=True)
    operations = fields.List(fields.String(), required=True)
    automation_allowed = fields.String(required=True)
    criteria = fields.List(fields.Dict(), required=True)
    model = fields.Dict(required=True)
    appeal = fields.Dict(load_default=dict)


# Built once: a schema is reusable, and building one costs more than loading a message.
_DECISION_LOGGED = DecisionLoggedSchema()
_REPLAY = _ReplaySchema()
_DECISION = DecisionBodySchema()
_REGISTRY_ENTRY = RegistryEntrySchema()


def _quick_load(schema: Schema, data: Any) -> dict[str, Any] | None:
    """What `schema.load(data)` returns, or None where it would raise (or might: then load()
    decides, and words the errors).

    For the schemas above only: unknown fields excluded, no hooks, no data_key or attribute,
    no validator on a Nested field (checked below). Each field deserializes as in load(); what
    is left out is load()'s own bookkeeping, which costs more than the fields themselves when
    a decision has a dozen criteria and the explainer reads 500 decisions a second.
    """
    if not isinstance(data, Mapping):
        return None
    loaded: dict[str, Any] = {}
    result: Any
    try:
        for name, field in schema.load_fields.items():
            value = data.get(name, missing)
            if isinstance(field, fields.Nested) and isinstance(value, Mapping):
                result = _quick_load(field.schema, value)
                if result is None:
                    return None
            elif isinstance(field, fields.List) and isinstance(field.inner, fields.Nested) \
                    and isinstance(value, list):
                items = [_quick_load(field.inner.schema, item) for item in value]
                if any(item is None for item in items):
                    return None
                field._validate(items)
                result = items
            else:
                result = field.deserialize(value, name, data)
            if result is not missing:
                loaded[name] = result
    except ValidationError:
        return None
    return loaded


def _quick_loadable(schema: Schema) -> bool:
    if schema.unknown != EXCLUDE or any(schema._hooks.values()):
        return False
    for name, field in schema.load_fields.items():
        if field.data_key not in (None, name) or field.attribute not in (None, name):
            return False
        inner = field.inner if isinstance(field, fields.List) else field
        if isinstance(inner, fields.Nested) and (
                inner.validators or inner.many or not _quick_loadable(inner.schema)):
            return False
    return True


def _reason(error: ValidationError) -> str:
    return json.dumps(error.messages, ensure_ascii=False, default=str)[:1000]


def algorithm_registered(delivery: Delivery) -> RecordAlgorithm:
    event = Event.from_delivery(delivery, topology.ALGORITHM_REGISTERED)
    revision = event.data.get("revision")
    if isinstance(revision, bool) or not isinstance(revision, int) or revision < 1:
        raise InvalidMessage("data.revision must be a positive integer")
    document = event.data.get("algorithm")
    try:
        _REGISTRY_ENTRY.load(document if isinstance(document, dict) else {})
        Algorithm.from_document(document, revision)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise InvalidMessage(f"data.algorithm is not a usable registry entry: {_reason(exc)}") \
            from exc
    assert isinstance(document, dict)
    if document["administration"] != event.administration:
        raise InvalidMessage("data.algorithm.administration differs from the event's")
    return RecordAlgorithm(document, revision)


def decision_logged(delivery: Delivery) -> RecordDecision:
    event = Event.from_delivery(delivery, topology.DECISION_LOGGED)
    quick = _quick_load(_DECISION_LOGGED, event.data)
    if quick is not None and _quick_load(_REPLAY, quick["replay"]) is not None \
            and _quick_load(_DECISION, quick["decision"]) is not None:
        data = quick
    else:
        try:
            data = _DECISION_LOGGED.load(event.data)
            _REPLAY.load(data["replay"])
            _DECISION.load(data["decision"])
        except ValidationError as exc:
            raise InvalidMessage(f"invalid decision.logged data: {_reason(exc)}") from exc
    decision = data["decision"]
    if decision["administration"] != event.administration:
        raise InvalidMessage("data.decision.administration differs from the event's")
    if (decision["algorithm"]["id"], decision["algorithm"]["version"]) != \
            (data["algorithm"]["id"], data["algorithm"]["version"]):
        raise InvalidMessage("data.algorithm differs from data.decision.algorithm")
    log = data.get("log") or {}
    return RecordDecision(
        administration=event.administration, decision=decision, reference=data["reference"],
        access_code_hash=data["access_code_hash"], replay=data["replay"],
        log_seq=log.get("seq"), log_hash=log.get("hash"), channel=data["channel"],
        logged_at=event.occurred_at)


# decision_logged() reads these with _quick_load().
if not all(map(_quick_loadable, (_DECISION_LOGGED, _REPLAY, _DECISION))):
    raise RuntimeError("a decision.logged schema uses what _quick_load() does not do")
