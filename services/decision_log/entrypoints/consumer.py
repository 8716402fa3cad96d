"""decision_log's worker: decisions from back offices and revisions from appeals."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from services.decision_log.adapters.tables import agent_sessions, messaging
from services.decision_log.bootstrap import SERVICE, DecisionLog
from services.decision_log.domain.validation import Producer
from services.decision_log.service_layer.ingest import ingest
from services.decision_log.service_layer.retention import purge_personal_data
from services.decision_log.service_layer.unit_of_work import DecisionLogUnitOfWork
from shared.auth.revocations import revocation_consumer
from shared.contracts.events import Event
from shared.messaging import topology
from shared.messaging.consumer import MessageConsumer
from shared.messaging.dead_letters import ORIGINAL_USER_HEADER, dead_letter_consumer
from shared.messaging.message import Delivery
from shared.messaging.runtime import batch_settings
from shared.messaging.transport import Transport
from shared.messaging.worker import Worker

NOT_A_PRODUCER = ""
PURGE_SECONDS = 3600


def amqp_producer(delivery: Delivery, uow: DecisionLogUnitOfWork, own_user: str) -> Producer:
    """The producer RabbitMQ authenticated through `user_id`, and its administration."""
    user = delivery.user_id
    if user is not None and user == own_user and delivery.headers.get(ORIGINAL_USER_HEADER):
        # A dead letter this service replayed: the original producer is accountable.
        user = str(delivery.headers[ORIGINAL_USER_HEADER])
    if user is None:
        return Producer("amqp", None, None)
    return Producer("amqp", user, uow.producers.administration_of(user) or NOT_A_PRODUCER)


def build_worker(app: DecisionLog, transport: Transport) -> Worker:
    settings = app.settings
    own_user = settings.service_user(SERVICE)
    appeals_user = settings.service_user("appeals")

    def on_decision_recorded(delivery: Delivery, uow: DecisionLogUnitOfWork) -> None:
        ingest(uow, delivery.body, amqp_producer(delivery, uow, own_user), app.context)

    def on_decision_revised(delivery: Delivery, uow: DecisionLogUnitOfWork) -> None:
        event = Event.from_delivery(delivery, topology.DECISION_REVISED)
        trusted = delivery.user_id == appeals_user
        producer = Producer("revision", delivery.user_id,
                            None if trusted else NOT_A_PRODUCER)
        raw = json.dumps(event.data.get("decision"), ensure_ascii=False).encode()
        ingest(uow, raw, producer, app.context)

    batches = batch_settings(settings)
    recorded = topology.QueueSpec(SERVICE, topology.DECISION_RECORDED, topology.DECISIONS_EXCHANGE)
    revised = topology.QueueSpec(SERVICE, topology.DECISION_REVISED)
    consumers: list[MessageConsumer[Any]] = [
        MessageConsumer(recorded.name, on_decision_recorded, app.uow, messaging, batches),
        MessageConsumer(revised.name, on_decision_revised, app.uow, messaging, batches),
        revocation_consumer(SERVICE, messaging, app.uow, agent_sessions, appeals_user, batches),
        dead_letter_consumer(SERVICE, messaging, app.uow, batches),
    ]
    def purge() -> None:
        days = settings.personal_data_retention_days
        if days:
            now = datetime.now(UTC)
            with app.uow() as uow:
                purge_personal_data(uow, now - timedelta(days=days), now)
                uow.commit()

    return Worker(SERVICE, transport, consumers, app.relay, periodic=[(PURGE_SECONDS, purge)])
