"""decision_log's worker: decisions from back offices and revisions from appeals."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from services.decision_log.adapters.tables import agent_sessions, messaging
from services.decision_log.bootstrap import SERVICE, DecisionLog
from services.decision_log.domain.validation import Producer
from services.decision_log.service_layer import register
from services.decision_log.service_layer.ingest import ingest
from services.decision_log.service_layer.retention import purge_personal_data
from services.decision_log.service_layer.transparency import issue_checkpoints
from services.decision_log.service_layer.unit_of_work import DecisionLogUnitOfWork
from shared.auth.revocations import revocation_consumer
from shared.contracts.events import Event, InvalidMessage
from shared.messaging import topology
from shared.messaging.consumer import MessageConsumer
from shared.messaging.dead_letters import ORIGINAL_USER_HEADER, dead_letter_consumer
from shared.messaging.message import Delivery
from shared.messaging.runtime import batch_settings
from shared.messaging.transport import Transport
from shared.messaging.worker import Worker

NOT_A_PRODUCER = ""
PURGE_SECONDS = 3600
# How often the worker looks for logs that grew; a checkpoint is still issued at most once per
# EXPLICITE_LOG_CHECKPOINT_SECONDS.
CHECKPOINT_POLL_SECONDS = 5.0

log = logging.getLogger(__name__)


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

    def from_appeals(event_name: str, handle: Callable[[DecisionLogUnitOfWork, Event], None]
                     ) -> MessageConsumer[Any]:
        """The register's read models, kept from appeals' events (and only theirs)."""
        def on_delivery(delivery: Delivery, uow: DecisionLogUnitOfWork) -> None:
            if delivery.user_id != appeals_user:
                raise InvalidMessage(f"{event_name} not published by appeals "
                                     f"({delivery.user_id})")
            handle(uow, Event.from_delivery(delivery, event_name))

        spec = topology.QueueSpec(SERVICE, event_name)
        return MessageConsumer(spec.name, on_delivery, app.uow, messaging, batches)

    batches = batch_settings(settings)
    recorded = topology.QueueSpec(SERVICE, topology.DECISION_RECORDED, topology.DECISIONS_EXCHANGE)
    revised = topology.QueueSpec(SERVICE, topology.DECISION_REVISED)
    consumers: list[MessageConsumer[Any]] = [
        MessageConsumer(recorded.name, on_decision_recorded, app.uow, messaging, batches),
        MessageConsumer(revised.name, on_decision_revised, app.uow, messaging, batches),
        from_appeals(topology.APPEAL_ACKNOWLEDGED, register.on_appeal_acknowledged),
        from_appeals(topology.APPEAL_DECIDED, register.on_appeal_decided),
        from_appeals(topology.REGISTER_REPORT_UPDATED, register.on_report_updated),
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

    def sign_checkpoints() -> None:
        with app.uow() as uow:
            issue_checkpoints(uow, settings, app.log_keys, datetime.now(UTC))
            uow.commit()

    periodic: list[tuple[float, Callable[[], None]]] = [(PURGE_SECONDS, purge)]
    if app.log_keys:
        periodic.append((min(CHECKPOINT_POLL_SECONDS, settings.log_checkpoint_seconds) or 0.1,
                         sign_checkpoints))
    else:
        log.warning("no log signing key (EXPLICITE_LOG_KEY_FILE): no checkpoint is issued, "
                    "receipts cannot be given and witnesses have nothing to cosign")
    return Worker(SERVICE, transport, consumers, app.relay, periodic=periodic)
