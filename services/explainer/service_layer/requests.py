"""The formal request for communication (R311-3-1-2): recorded once, with its deadline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.engine import Row

from services.explainer.domain.communication import cada_deadline, request_deadline
from services.explainer.service_layer.context import ExplainerContext
from services.explainer.service_layer.generation import paris_day
from services.explainer.service_layer.unit_of_work import ExplainerUnitOfWork
from shared.contracts.notices import ExplanationRequested


class NotExplainedYet(Exception):
    """The decision has no explanation yet: the request cannot be answered at once."""


@dataclass(frozen=True)
class CommunicationRequest:
    requested_at: datetime
    deadline: date
    cada_by: date
    created: bool

    @classmethod
    def of(cls, row: Row[Any], created: bool) -> CommunicationRequest:
        return cls.recorded(row.requested_at, row.deadline, created)

    @classmethod
    def recorded(
        cls, requested_at: datetime, deadline: date, created: bool = False
    ) -> CommunicationRequest:
        """A request recorded at `requested_at` (earlier, as a reading finds it, unless
        `created`): the CADA deadline follows from its day in Paris."""
        return cls(requested_at, deadline, cada_deadline(paris_day(requested_at)), created)


def request_communication(
    uow: ExplainerUnitOfWork, decision: Row[Any], requested_by: str, context: ExplainerContext
) -> CommunicationRequest:
    """Record the request and announce it, or return the one already recorded."""
    existing = uow.requests.of(decision.id)
    if existing is not None:
        return CommunicationRequest.of(existing, created=False)
    explanation = uow.explanations.latest(decision.id)
    if explanation is None:
        raise NotExplainedYet(decision.reference)
    now = context.now()
    deadline = request_deadline(paris_day(now))
    uow.requests.add(
        decision_pk=decision.id,
        reference=decision.reference,
        requested_at=now,
        deadline=deadline,
        requested_by=requested_by,
        explanation_id=explanation.id,
    )
    uow.publish(
        ExplanationRequested(
            administration=decision.administration,
            reference=decision.reference,
            decision_id=decision.decision_id,
            requested_at=now,
            deadline=deadline,
            requested_by=requested_by,
            explanation_id=explanation.id,
            explanation_version=explanation.version,
        ).to_message()
    )
    return CommunicationRequest.recorded(now, deadline, created=True)
