"""Events that back offices and operators bind, and no service consumes:
`decision.quarantined` and `decision.divergent` (decision_log), `explanation.requested`
(the explainer). One typed definition each, like every other event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Self

from marshmallow import fields

from shared.contracts.base import Contract, Loose, expect, load_data
from shared.contracts.events import Event
from shared.contracts.fields import AwareDateTime
from shared.messaging import topology
from shared.messaging.message import Delivery


class DecisionQuarantinedSchema(Loose):
    quarantine_id = fields.Integer(required=True, strict=True)
    category = fields.String(required=True)
    decision_id = fields.String(required=True, allow_none=True)
    event_id = fields.String(required=True, allow_none=True)
    reasons = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), required=True)


class DecisionDivergentSchema(Loose):
    decision_id = fields.String(required=True)
    reference = fields.String(required=True)
    algorithm = fields.Dict(required=True)
    declared_outcome = fields.String(required=True)
    differences = fields.List(fields.String(), required=True)
    expected_outcome = fields.String(load_default=None)
    expected_score = fields.String(load_default=None)
    expected_amount = fields.String(load_default=None)


class ExplanationRequestedSchema(Loose):
    reference = fields.String(required=True)
    decision_id = fields.String(required=True)
    requested_at = AwareDateTime(required=True)
    deadline = fields.Date(required=True)
    requested_by = fields.String(required=True)
    explanation_id = fields.Integer(required=True, strict=True)
    explanation_version = fields.Integer(required=True, strict=True)


_QUARANTINED, _DIVERGENT = DecisionQuarantinedSchema(), DecisionDivergentSchema()
_REQUESTED = ExplanationRequestedSchema()


@dataclass(frozen=True, kw_only=True)
class DecisionQuarantined(Contract):
    """`decision.quarantined`: decision_log could not log a decision; it keeps it with the
    reasons (field → rules broken) for its producer to fix and the operators to replay."""

    administration: str  # the authenticated producer's, never what the body claims
    quarantine_id: int
    category: str
    decision_id: str | None
    event_id: str | None
    reasons: dict[str, list[str]]

    def to_event(self) -> Event:
        return Event(
            topology.DECISION_QUARANTINED,
            self.administration,
            {
                "quarantine_id": self.quarantine_id,
                "category": self.category,
                "decision_id": self.decision_id,
                "event_id": self.event_id,
                "reasons": self.reasons,
            },
        )

    @classmethod
    def from_delivery(cls, delivery: Delivery) -> Self:
        return cls.from_event(Event.from_delivery(delivery, topology.DECISION_QUARANTINED))

    @classmethod
    def from_event(cls, event: Event) -> Self:
        data = load_data(expect(event, topology.DECISION_QUARANTINED), _QUARANTINED)
        return cls(administration=event.administration, **data)


@dataclass(frozen=True, kw_only=True)
class DecisionDivergent(Contract):
    """`decision.divergent`: the registered model, replayed on the decision's criteria, does
    not give the declared result. The decision is logged all the same (what was decided is what
    the person received); the administration is told, with the differences."""

    administration: str
    decision_id: str
    reference: str
    algorithm: dict[str, Any]  # as the decision names it: {"id", "version"}
    declared_outcome: str
    differences: tuple[str, ...]
    # What the model gives; absent from the event when the replay has no evaluation.
    expected_outcome: str | None = None
    expected_score: str | None = None
    expected_amount: str | None = None

    @classmethod
    def of(
        cls,
        administration: str,
        body: dict[str, Any],
        reference: str,
        replay_detail: dict[str, Any],
    ) -> Self:
        """From the decision's body and the replay's detail, as decision_log stores them."""
        return cls(
            administration=administration,
            decision_id=str(body["decision_id"]),
            reference=reference,
            algorithm=body["algorithm"],
            declared_outcome=body["outcome"]["code"],
            differences=tuple(replay_detail.get("differences", ())),
            expected_outcome=replay_detail.get("expected_outcome"),
            expected_score=replay_detail.get("expected_score"),
            expected_amount=replay_detail.get("expected_amount"),
        )

    def to_event(self) -> Event:
        expected = {
            "expected_outcome": self.expected_outcome,
            "expected_score": self.expected_score,
            "expected_amount": self.expected_amount,
        }
        return Event(
            topology.DECISION_DIVERGENT,
            self.administration,
            {
                "decision_id": self.decision_id,
                "reference": self.reference,
                "algorithm": self.algorithm,
                "declared_outcome": self.declared_outcome,
                "differences": list(self.differences),
                **{key: value for key, value in expected.items() if value is not None},
            },
        )

    @classmethod
    def from_delivery(cls, delivery: Delivery) -> Self:
        return cls.from_event(Event.from_delivery(delivery, topology.DECISION_DIVERGENT))

    @classmethod
    def from_event(cls, event: Event) -> Self:
        data = load_data(expect(event, topology.DECISION_DIVERGENT), _DIVERGENT)
        data["differences"] = tuple(data["differences"])
        return cls(administration=event.administration, **data)


@dataclass(frozen=True, kw_only=True)
class ExplanationRequested(Contract):
    """`explanation.requested`: a formal request for communication of the rules (R311-3-1-2
    CRPA) was recorded; silence after `deadline` is a refusal."""

    administration: str
    reference: str
    decision_id: str
    requested_at: datetime
    deadline: date
    requested_by: str  # "usager" or "agent:<id>"
    explanation_id: int
    explanation_version: int

    def to_event(self) -> Event:
        return Event(
            topology.EXPLANATION_REQUESTED,
            self.administration,
            {
                "reference": self.reference,
                "decision_id": self.decision_id,
                "administration": self.administration,
                "requested_at": self.requested_at.isoformat(),
                "deadline": self.deadline.isoformat(),
                "requested_by": self.requested_by,
                "explanation_id": self.explanation_id,
                "explanation_version": self.explanation_version,
            },
        )

    @classmethod
    def from_delivery(cls, delivery: Delivery) -> Self:
        return cls.from_event(Event.from_delivery(delivery, topology.EXPLANATION_REQUESTED))

    @classmethod
    def from_event(cls, event: Event) -> Self:
        data = load_data(expect(event, topology.EXPLANATION_REQUESTED), _REQUESTED)
        return cls(administration=event.administration, **data)
