"""Incoming events turned into commands, or refused with the reason a dead letter keeps."""

from __future__ import annotations

from marshmallow import ValidationError

from services.explainer.domain.case import Algorithm
from services.explainer.domain.commands import RecordAlgorithm, RecordDecision
from shared.contracts.events import InvalidMessage
from shared.contracts.messages import AlgorithmRegistered, DecisionLogged, reason
from shared.messaging.message import Delivery


def algorithm_registered(delivery: Delivery) -> RecordAlgorithm:
    registered = AlgorithmRegistered.from_delivery(delivery)
    try:
        Algorithm.from_document(registered.document, registered.revision)
    except ValidationError as exc:
        raise InvalidMessage(
            f"data.algorithm is not a usable registry entry: {reason(exc)}"
        ) from exc
    return RecordAlgorithm(registered.document, registered.revision)


def decision_logged(delivery: Delivery) -> RecordDecision:
    logged = DecisionLogged.from_delivery(delivery)
    assert logged.logged_at is not None
    return RecordDecision(
        administration=logged.administration,
        decision=logged.decision,
        reference=logged.reference,
        access_code_hash=logged.access_code_hash,
        replay=logged.replay,
        log_seq=logged.log_seq,
        log_hash=logged.log_hash,
        channel=logged.channel,
        logged_at=logged.logged_at,
    )
