"""`agent.sessions-revoked` (appeals → decision_log and the explainer): an agent's sessions
signed in before `generation` end everywhere (shared/auth/revocations.py keeps them)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Self

from marshmallow import fields, validate

from shared.contracts.base import Contract, Loose, expect, load_data
from shared.contracts.events import Event
from shared.messaging import topology
from shared.messaging.message import Delivery

# Why the sessions end: signing out, a new password, a disabled account. Read as any text, so
# that a new reason never sends a revocation to the dead letters.
REASONS = ("sign_out", "password", "disabled")
GENERATION_LIMIT = 2**31  # the generation is kept in an INTEGER column


class AgentSessionsRevokedSchema(Loose):
    agent_id = fields.String(required=True, validate=validate.Length(min=1, max=128))
    generation = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=GENERATION_LIMIT - 1)
    )
    reason = fields.String(load_default="")


_REVOKED = AgentSessionsRevokedSchema()


@dataclass(frozen=True, kw_only=True)
class AgentSessionsRevoked(Contract):
    administration: str
    agent_id: str
    generation: int  # sessions signed in with an older one are refused
    reason: str
    revoked_at: datetime | None = None  # the event's time: set when parsed, now when built

    def to_event(self) -> Event:
        event = Event(
            topology.AGENT_SESSIONS_REVOKED,
            self.administration,
            {"agent_id": self.agent_id, "generation": self.generation, "reason": self.reason},
        )
        return event if self.revoked_at is None else replace(event, occurred_at=self.revoked_at)

    @classmethod
    def from_delivery(cls, delivery: Delivery) -> Self:
        return cls.from_event(Event.from_delivery(delivery, topology.AGENT_SESSIONS_REVOKED))

    @classmethod
    def from_event(cls, event: Event) -> Self:
        data = load_data(expect(event, topology.AGENT_SESSIONS_REVOKED), _REVOKED)
        return cls(administration=event.administration, revoked_at=event.occurred_at, **data)
