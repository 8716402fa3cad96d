"""The events between the services, one typed definition each.

A producer builds its event with the class, every consumer parses it with the same class: what
travels is what both read. Parsing is tolerant of fields it does not know, so that an event can
grow without sending valid messages to the dead letters; it refuses, with InvalidMessage and
the reason, what no consumer could use.
"""

from __future__ import annotations

import abc
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Self

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from shared.contracts import quickload
from shared.contracts.events import Event, InvalidMessage
from shared.contracts.fields import AwareDateTime
from shared.messaging import topology
from shared.messaging.message import Delivery, OutgoingMessage

REFERENCE = r"^D-[0-9A-Z]{5}-[0-9A-Z]{5}$"
REPLAY_STATUSES = ("consistent", "divergent", "not_replayable")


class _Loose(Schema):
    class Meta:
        unknown = EXCLUDE


class _AlgorithmKeySchema(_Loose):
    id = fields.String(required=True)
    version = fields.String(required=True)


class _ReplaySchema(_Loose):
    status = fields.String(required=True, validate=validate.OneOf(REPLAY_STATUSES))


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


class _SubjectSchema(_Loose):
    ref = fields.String(required=True, validate=validate.Length(min=1))


class LoggedDecisionSchema(_Loose):
    """What consumers read of the decision that decision_log validated in full (contract v1)."""

    decision_id = fields.String(required=True, validate=validate.Length(min=1))
    administration = fields.String(required=True)
    algorithm = fields.Nested(_AlgorithmKeySchema, required=True)
    decided_at = AwareDateTime(required=True)
    decided_by = fields.String(load_default=None, allow_none=True)
    automation = fields.String(required=True, validate=validate.OneOf(["full", "partial"]))
    outcome = fields.Nested(_OutcomeSchema, required=True)
    criteria = fields.List(
        fields.Nested(_CriterionSchema), required=True, validate=validate.Length(min=1)
    )
    subject = fields.Nested(_SubjectSchema, required=True)
    score = fields.Float(load_default=None, allow_none=True)
    supersedes = fields.String(load_default=None, allow_none=True)


class DecisionLoggedSchema(_Loose):
    """`decision.logged` data; `decision` is read as a dict and checked on its own."""

    decision = fields.Dict(required=True)
    contact = fields.Dict(load_default=None, allow_none=True)
    reference = fields.String(required=True, validate=validate.Regexp(REFERENCE))
    access_code_hash = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]{64}$"))
    public_url = fields.String(required=True, validate=validate.Length(min=1))
    algorithm = fields.Nested(_AlgorithmKeySchema, required=True)
    replay = fields.Dict(required=True)
    log = fields.Nested(_LogSchema, load_default=None, allow_none=True)
    channel = fields.String(load_default="amqp", validate=validate.Length(max=10))


# Built once: a schema is reusable, and building one costs more than loading a message.
_DECISION_LOGGED = DecisionLoggedSchema()
_REPLAY = _ReplaySchema()
_DECISION = LoggedDecisionSchema()
# Their load() compiled for the common case (shared/contracts/quickload.py): None where load()
# must decide.
_READ_DECISION_LOGGED = quickload.reader(_DECISION_LOGGED)
_READ_REPLAY = quickload.reader(_REPLAY)
_READ_DECISION = quickload.reader(_DECISION)


def reason(error: ValidationError) -> str:
    """A schema's errors, as a dead letter keeps them."""
    return json.dumps(error.messages, ensure_ascii=False, default=str)[:1000]


class _Contract(abc.ABC):
    """What every event's definition gives its producer."""

    @abc.abstractmethod
    def to_event(self) -> Event: ...

    def to_message(self) -> OutgoingMessage:
        return self.to_event().to_message()


@dataclass(frozen=True)
class DecisionLogged(_Contract):
    """`decision.logged`: decision_log logged a decision in its administration's chain.

    `decision` is the body as the producer sent it (contract v1), kept whole: the explainer
    and appeals read what they need of it, and the back office finds its own fields again.
    `access_code` is never stored: decision_log's relay derives it as the message leaves the
    outbox (AccessCodes.deliver).
    """

    administration: str
    decision: dict[str, Any]
    reference: str
    access_code_hash: str
    public_url: str
    replay: dict[str, Any]
    log_seq: int | None
    log_hash: str | None
    channel: str
    contact: dict[str, Any] | None = None
    logged_at: datetime | None = None

    @property
    def decision_id(self) -> str:
        return str(self.decision["decision_id"])

    @property
    def algorithm_key(self) -> tuple[str, str, str]:
        """(administration, id, version): the version of the decision's own administration."""
        algorithm = self.decision["algorithm"]
        return self.administration, str(algorithm["id"]), str(algorithm["version"])

    def to_event(self) -> Event:
        algorithm = self.decision["algorithm"]
        return Event(
            topology.DECISION_LOGGED,
            self.administration,
            {
                "decision": self.decision,
                "contact": self.contact,
                "reference": self.reference,
                "access_code": None,  # derived as the message leaves the outbox
                "access_code_hash": self.access_code_hash,
                "public_url": self.public_url,
                "algorithm": {"id": algorithm["id"], "version": algorithm["version"]},
                "replay": self.replay,
                "log": {"seq": self.log_seq, "hash": self.log_hash},
                "channel": self.channel,
            },
        )

    @classmethod
    def from_delivery(cls, delivery: Delivery) -> Self:
        return cls.from_event(Event.from_delivery(delivery, topology.DECISION_LOGGED))

    @classmethod
    def from_event(cls, event: Event) -> Self:
        """The event's data checked; InvalidMessage with the reason otherwise."""
        quick = _READ_DECISION_LOGGED(event.data)
        if (
            quick is not None
            and _READ_REPLAY(quick["replay"]) is not None
            and _READ_DECISION(quick["decision"]) is not None
        ):
            data = quick
        else:
            try:
                data = _DECISION_LOGGED.load(event.data)
                _REPLAY.load(data["replay"])
                _DECISION.load(data["decision"])
            except ValidationError as exc:
                raise InvalidMessage(f"invalid decision.logged data: {reason(exc)}") from exc
        decision = data["decision"]
        if decision["administration"] != event.administration:
            raise InvalidMessage("data.decision.administration differs from the event's")
        if (decision["algorithm"]["id"], decision["algorithm"]["version"]) != (
            data["algorithm"]["id"],
            data["algorithm"]["version"],
        ):
            raise InvalidMessage("data.algorithm differs from data.decision.algorithm")
        log = data.get("log") or {}
        return cls(
            administration=event.administration,
            decision=decision,
            reference=data["reference"],
            access_code_hash=data["access_code_hash"],
            public_url=data["public_url"],
            replay=data["replay"],
            log_seq=log.get("seq"),
            log_hash=log.get("hash"),
            channel=data["channel"],
            contact=data.get("contact"),
            logged_at=event.occurred_at,
        )


class _ServiceSchema(_Loose):
    name = fields.String(required=True)
    address = fields.String(required=True)
    email = fields.String(required=True)
    phone = fields.String(required=True)


class RegistryEntrySchema(_Loose):
    """What consumers read of a registry entry (decision_log validated the rest)."""

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


_REGISTRY_ENTRY = RegistryEntrySchema()


@dataclass(frozen=True)
class AlgorithmRegistered(_Contract):
    """`algorithm.registered`: a revision of a registry entry (the whole document)."""

    administration: str
    document: dict[str, Any]
    revision: int

    def to_event(self) -> Event:
        return Event(
            topology.ALGORITHM_REGISTERED,
            self.administration,
            {"algorithm": self.document, "revision": self.revision},
        )

    @classmethod
    def from_delivery(cls, delivery: Delivery) -> Self:
        event = Event.from_delivery(delivery, topology.ALGORITHM_REGISTERED)
        revision = event.data.get("revision")
        if isinstance(revision, bool) or not isinstance(revision, int) or revision < 1:
            raise InvalidMessage("data.revision must be a positive integer")
        document = event.data.get("algorithm")
        if not isinstance(document, dict):
            raise InvalidMessage("data.algorithm must be a registry entry")
        try:
            _REGISTRY_ENTRY.load(document)
        except ValidationError as exc:
            raise InvalidMessage(
                f"data.algorithm is not a usable registry entry: {reason(exc)}"
            ) from exc
        if document["administration"] != event.administration:
            raise InvalidMessage("data.algorithm.administration differs from the event's")
        return cls(event.administration, document, revision)


@dataclass(frozen=True)
class DecisionRevised(_Contract):
    """`decision.revised`: appeals' review changed a decision; decision_log logs the new one
    (its `decision` is a contract v1 body, checked there like any other)."""

    administration: str
    decision: dict[str, Any]
    appeal_id: str

    def to_event(self) -> Event:
        return Event(
            topology.DECISION_REVISED,
            self.administration,
            {"decision": self.decision, "appeal_id": self.appeal_id},
        )

    @classmethod
    def from_delivery(cls, delivery: Delivery) -> Self:
        event = Event.from_delivery(delivery, topology.DECISION_REVISED)
        decision, appeal_id = event.data.get("decision"), event.data.get("appeal_id")
        if not isinstance(decision, dict):
            raise InvalidMessage("decision.revised without a decision object")
        return cls(event.administration, decision, str(appeal_id or ""))


@dataclass(frozen=True)
class Readability:
    formula: str
    score: float

    def __str__(self) -> str:
        return f"{self.score:g} {self.formula}".strip()


class _ReadabilitySchema(_Loose):
    formula = fields.String(required=True)
    score = fields.Float(required=True)


class ExplanationGeneratedSchema(_Loose):
    reference = fields.String(required=True, validate=validate.Regexp(REFERENCE))
    explanation_id = fields.Integer(required=True)
    version = fields.Integer(required=True, strict=True)
    readability = fields.Nested(_ReadabilitySchema, load_default=None, allow_none=True)


_EXPLANATION_GENERATED = ExplanationGeneratedSchema()
_READ_EXPLANATION_GENERATED = quickload.reader(_EXPLANATION_GENERATED)


@dataclass(frozen=True)
class ExplanationGenerated(_Contract):
    """`explanation.generated`: what the back office prints on the notice (mention, motif,
    public URL), bound by `explanation.generated.<administration>`; appeals keeps it too."""

    administration: str
    reference: str
    decision_id: str
    explanation_id: int
    version: int
    reason: str
    mention_explicite: str
    motif: str | None
    public_url: str
    readability: Readability
    template: str
    algorithm: dict[str, Any]
    supersedes: dict[str, Any] | None
    data: Mapping[str, Any] | None = None  # as received, kept whole by appeals' read model

    def to_event(self) -> Event:
        return Event(
            topology.EXPLANATION_GENERATED,
            self.administration,
            {
                "reference": self.reference,
                "decision_id": self.decision_id,
                "administration": self.administration,
                "explanation_id": self.explanation_id,
                "version": self.version,
                "reason": self.reason,
                "mention_explicite": self.mention_explicite,
                # The motif of an unfavourable decision, to print on the notice (L211-2, L211-5).
                "motif": self.motif,
                "public_url": self.public_url,
                "readability": {
                    "formula": self.readability.formula,
                    "score": self.readability.score,
                },
                "template": self.template,
                "algorithm": self.algorithm,
                "supersedes": self.supersedes,
            },
        )

    @classmethod
    def from_delivery(cls, delivery: Delivery) -> Self:
        return cls.from_event(Event.from_delivery(delivery, topology.EXPLANATION_GENERATED))

    @classmethod
    def from_event(cls, event: Event) -> Self:
        """The event's data checked; InvalidMessage with the reason otherwise."""
        loaded = _READ_EXPLANATION_GENERATED(event.data)
        if loaded is None:
            try:
                loaded = _EXPLANATION_GENERATED.load(event.data)
            except ValidationError as exc:
                raise InvalidMessage(f"invalid explanation.generated data: {reason(exc)}") from exc
        data = event.data
        score = loaded.get("readability")
        return cls(
            administration=event.administration,
            reference=loaded["reference"],
            decision_id=str(data.get("decision_id") or ""),
            explanation_id=loaded["explanation_id"],
            version=loaded["version"],
            reason=str(data.get("reason") or ""),
            mention_explicite=str(data.get("mention_explicite") or ""),
            motif=data.get("motif"),
            public_url=str(data.get("public_url") or ""),
            readability=Readability(score["formula"], score["score"])
            if score
            else Readability("", 0.0),
            template=str(data.get("template") or ""),
            algorithm=dict(data.get("algorithm") or {}),
            supersedes=data.get("supersedes"),
            data=data,
        )
