"""appeals' events about a contestation (`appeal.filed`, `appeal.acknowledged`,
`appeal.assigned`, `appeal.decided`), one typed definition each.

appeals builds them; back offices bind them, and decision_log's register reads
`appeal.acknowledged` and `appeal.decided` to publish how each version fares. Dates are ISO 8601
on the wire: timestamps with their offset, days as `YYYY-MM-DD`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Self

from marshmallow import fields, validate

from shared.contracts.base import AlgorithmKeySchema, Contract, Loose, expect, iso, load_data
from shared.contracts.events import Event
from shared.contracts.fields import AwareDateTime
from shared.messaging import topology
from shared.messaging.message import Delivery

OUTCOMES = ("maintained", "amended", "annulled")


def _appeal_id() -> fields.String:
    return fields.String(required=True, validate=validate.Length(min=1, max=16))


class _AppealSchema(Loose):
    """What every appeal.* event but appeal.assigned says of the appeal and its decision."""

    appeal_id = _appeal_id()
    reference = fields.String(required=True)
    decision_id = fields.String(required=True)
    algorithm = fields.Nested(AlgorithmKeySchema, required=True)


class AppealFiledSchema(_AppealSchema):
    kind = fields.String(required=True)
    channel = fields.String(required=True)
    received_at = AwareDateTime(required=True)
    in_time = fields.Boolean(required=True, allow_none=True)
    disputed_criteria = fields.List(fields.String(), required=True)
    grounds = fields.Integer(required=True, strict=True)


class AppealAcknowledgedSchema(_AppealSchema):
    received_at = AwareDateTime(required=True)
    implicit_rejection_on = fields.Date(load_default=None, allow_none=True)
    measure_final_on = fields.Date(load_default=None, allow_none=True)
    internal_due_at = AwareDateTime(load_default=None, allow_none=True)
    legal_due_at = AwareDateTime(required=True)


class AppealAssignedSchema(Loose):
    appeal_id = _appeal_id()
    reference = fields.String(required=True)
    assignee = fields.String(required=True)
    assigned_by = fields.String(required=True)
    team = fields.String(load_default=None, allow_none=True)
    assigned_at = AwareDateTime(required=True)


class AppealDecidedSchema(_AppealSchema):
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    # Set by appeals, which owns the rule (annulled, or amended to another result).
    overturned = fields.Boolean(load_default=None, allow_none=True)
    revised_decision_id = fields.String(load_default=None, allow_none=True)
    new_outcome_code = fields.String(load_default=None, allow_none=True)
    decided_by = fields.String(required=True)
    validated_by = fields.String(load_default=None, allow_none=True)
    decided_at = AwareDateTime(required=True)


_FILED, _ACKNOWLEDGED = AppealFiledSchema(), AppealAcknowledgedSchema()
_ASSIGNED, _DECIDED = AppealAssignedSchema(), AppealDecidedSchema()


def _common(appeal: _Appeal) -> dict[str, Any]:
    return {
        "appeal_id": appeal.appeal_id,
        "reference": appeal.reference,
        "decision_id": appeal.decision_id,
        "algorithm": {"id": appeal.algorithm_id, "version": appeal.algorithm_version},
    }


def _read_common(data: dict[str, Any]) -> dict[str, Any]:
    algorithm = data.pop("algorithm")
    return {**data, "algorithm_id": algorithm["id"], "algorithm_version": algorithm["version"]}


@dataclass(frozen=True, kw_only=True)
class _Appeal(Contract):
    administration: str
    appeal_id: str  # its public id, e.g. R-… (what the person and the agents quote)
    reference: str  # the contested decision's
    decision_id: str
    algorithm_id: str
    algorithm_version: str


@dataclass(frozen=True, kw_only=True)
class AppealFiled(_Appeal):
    """`appeal.filed`: a person (or an agent for them) contested a decision."""

    kind: str
    channel: str
    received_at: datetime
    in_time: bool | None  # None: no deadline applies to this kind
    disputed_criteria: tuple[str, ...]
    grounds: int

    def to_event(self) -> Event:
        return Event(
            topology.APPEAL_FILED,
            self.administration,
            {
                **_common(self),
                "kind": self.kind,
                "channel": self.channel,
                "received_at": self.received_at.isoformat(),
                "in_time": self.in_time,
                "disputed_criteria": list(self.disputed_criteria),
                "grounds": self.grounds,
            },
        )

    @classmethod
    def from_delivery(cls, delivery: Delivery) -> Self:
        return cls.from_event(Event.from_delivery(delivery, topology.APPEAL_FILED))

    @classmethod
    def from_event(cls, event: Event) -> Self:
        data = _read_common(load_data(expect(event, topology.APPEAL_FILED), _FILED))
        data["disputed_criteria"] = tuple(data["disputed_criteria"])
        return cls(administration=event.administration, **data)


@dataclass(frozen=True, kw_only=True)
class AppealAcknowledged(_Appeal):
    """`appeal.acknowledged`: the receipt, with the deadlines it states."""

    received_at: datetime
    legal_due_at: datetime  # when a human decision must exist at the latest
    implicit_rejection_on: date | None = None  # recours only (L231-4 CRPA)
    measure_final_on: date | None = None  # observations only (L121-1 CRPA)
    internal_due_at: datetime | None = None

    def to_event(self) -> Event:
        return Event(
            topology.APPEAL_ACKNOWLEDGED,
            self.administration,
            {
                **_common(self),
                "received_at": self.received_at.isoformat(),
                "implicit_rejection_on": iso(self.implicit_rejection_on),
                "measure_final_on": iso(self.measure_final_on),
                "internal_due_at": iso(self.internal_due_at),
                "legal_due_at": self.legal_due_at.isoformat(),
            },
        )

    @classmethod
    def from_delivery(cls, delivery: Delivery) -> Self:
        return cls.from_event(Event.from_delivery(delivery, topology.APPEAL_ACKNOWLEDGED))

    @classmethod
    def from_event(cls, event: Event) -> Self:
        data = load_data(expect(event, topology.APPEAL_ACKNOWLEDGED), _ACKNOWLEDGED)
        return cls(administration=event.administration, **_read_common(data))


@dataclass(frozen=True, kw_only=True)
class AppealAssigned(Contract):
    """`appeal.assigned`: an agent took the appeal, or was given it."""

    administration: str
    appeal_id: str
    reference: str
    assignee: str
    assigned_by: str
    team: str | None
    assigned_at: datetime

    def to_event(self) -> Event:
        return Event(
            topology.APPEAL_ASSIGNED,
            self.administration,
            {
                "appeal_id": self.appeal_id,
                "reference": self.reference,
                "assignee": self.assignee,
                "assigned_by": self.assigned_by,
                "team": self.team,
                "assigned_at": self.assigned_at.isoformat(),
            },
        )

    @classmethod
    def from_delivery(cls, delivery: Delivery) -> Self:
        return cls.from_event(Event.from_delivery(delivery, topology.APPEAL_ASSIGNED))

    @classmethod
    def from_event(cls, event: Event) -> Self:
        data = load_data(expect(event, topology.APPEAL_ASSIGNED), _ASSIGNED)
        return cls(administration=event.administration, **data)


@dataclass(frozen=True, kw_only=True)
class AppealDecided(_Appeal):
    """`appeal.decided`: the human decision on the appeal; an amended decision is logged anew
    through `decision.revised` (its id in `revised_decision_id`)."""

    outcome: str  # maintained, amended or annulled
    overturned: bool | None  # annulled, or amended to another result; None from older events
    revised_decision_id: str | None
    new_outcome_code: str | None
    decided_by: str
    validated_by: str | None
    decided_at: datetime

    def to_event(self) -> Event:
        common = _common(self)
        return Event(
            topology.APPEAL_DECIDED,
            self.administration,
            {
                "appeal_id": common["appeal_id"],
                "reference": common["reference"],
                "decision_id": common["decision_id"],
                "outcome": self.outcome,
                # For the public register's figures per version (decision_log reads them).
                "algorithm": common["algorithm"],
                "overturned": self.overturned,
                "revised_decision_id": self.revised_decision_id,
                "new_outcome_code": self.new_outcome_code,
                "decided_by": self.decided_by,
                "validated_by": self.validated_by,
                "decided_at": self.decided_at.isoformat(),
            },
        )

    @classmethod
    def from_delivery(cls, delivery: Delivery) -> Self:
        return cls.from_event(Event.from_delivery(delivery, topology.APPEAL_DECIDED))

    @classmethod
    def from_event(cls, event: Event) -> Self:
        data = load_data(expect(event, topology.APPEAL_DECIDED), _DECIDED)
        return cls(administration=event.administration, **_read_common(data))
