"""Incoming events turned into commands, or refused with the reason a dead letter keeps."""

from __future__ import annotations

from marshmallow import ValidationError

from services.explainer.domain.case import Algorithm
from services.explainer.domain.commands import RecordAlgorithm
from shared.contracts.events import InvalidMessage
from shared.contracts.messages import AlgorithmRegistered, reason
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
