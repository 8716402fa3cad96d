"""decision_log's worker: decisions from back offices and revisions from appeals."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from services.decision_log.adapters.tables import agent_sessions, messaging
from services.decision_log.bootstrap import SERVICE, DecisionLog
from services.decision_log.domain.validation import Producer
from services.decision_log.service_layer import register
from services.decision_log.service_layer.ingest import Received, ingest_batch
from services.decision_log.service_layer.retention import purge_personal_data
from services.decision_log.service_layer.transparency import issue_checkpoints
from services.decision_log.service_layer.unit_of_work import DecisionLogUnitOfWork
from shared.auth.revocations import revocation_consumer
from shared.contracts.appeals import AppealAcknowledged, AppealDecided
from shared.contracts.events import InvalidMessage
from shared.contracts.messages import DecisionRevised
from shared.contracts.register import RegisterReportUpdated
from shared.messaging import topology
from shared.messaging.consumer import MessageConsumer, Refusals, Route, one_at_a_time
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
C = TypeVar("C")


@dataclass(frozen=True)
class Recorded:
    """A decision a back office sent, with the AMQP user RabbitMQ authenticated."""

    body: bytes
    user: str | None
    delivery_key: str  # this producer's message, however often delivered


def accountable(delivery: Delivery, own_user: str) -> str | None:
    """The AMQP user who answers for a decision message."""
    user = delivery.user_id
    if user is not None and user == own_user and delivery.headers.get(ORIGINAL_USER_HEADER):
        # A dead letter this service replayed: the original producer is accountable.
        return str(delivery.headers[ORIGINAL_USER_HEADER])
    return user


def delivery_key(own_user: str) -> Callable[[Delivery], str]:
    """A producer's message, however often delivered. Message ids are the producers' own:
    two back offices may both send a "1", and neither may shadow the other's; nor may a
    message sent again under the same id with another body (a correction) be taken for the
    first one: the body's digest is part of the key."""

    def key(delivery: Delivery) -> str:
        user = accountable(delivery, own_user) or ""
        body = hashlib.sha256(delivery.body).hexdigest()
        return f"amqp {user} {delivery.message_id or ''} {body}"

    return key


def recorded(own_user: str) -> Callable[[Delivery], Recorded]:
    key = delivery_key(own_user)

    def parse(delivery: Delivery) -> Recorded:
        return Recorded(delivery.body, accountable(delivery, own_user), key(delivery))

    return parse


def amqp_producer(user: str | None, uow: DecisionLogUnitOfWork) -> Producer:
    """The producer RabbitMQ authenticated through `user_id`, and its administration."""
    if user is None:
        return Producer("amqp", None, None)
    return Producer("amqp", user, uow.producers.administration_of(user) or NOT_A_PRODUCER)


def from_appeals(
    event_name: str, contract: Callable[[Delivery], C], appeals_user: str
) -> Callable[[Delivery], C]:
    """Events that only appeals may publish (RabbitMQ authenticated the user), parsed by
    their contract."""

    def parse(delivery: Delivery) -> C:
        if delivery.user_id != appeals_user:
            raise InvalidMessage(f"{event_name} not published by appeals ({delivery.user_id})")
        return contract(delivery)

    return parse


def build_worker(app: DecisionLog, transport: Transport) -> Worker:
    settings = app.settings
    own_user = settings.service_user(SERVICE)
    appeals_user = settings.service_user("appeals")

    def on_decisions_recorded(batch: Sequence[Recorded], uow: DecisionLogUnitOfWork) -> Refusals:
        uow.producers.prefetch(item.user for item in batch if item.user is not None)
        ingest_batch(
            uow,
            [
                Received(amqp_producer(item.user, uow), item.body, delivery_key=item.delivery_key)
                for item in batch
            ],
            app.context,
        )
        return {}  # what cannot be logged is quarantined with its reasons, not refused

    def revision(delivery: Delivery) -> Received:
        revised = DecisionRevised.from_delivery(delivery)
        trusted = delivery.user_id == appeals_user
        return Received(
            Producer("revision", delivery.user_id, None if trusted else NOT_A_PRODUCER),
            decoded=revised.decision,
        )

    def on_decisions_revised(batch: Sequence[Received], uow: DecisionLogUnitOfWork) -> Refusals:
        ingest_batch(uow, batch, app.context)
        return {}

    def queue(event_name: str, exchange: str = topology.EVENTS_EXCHANGE) -> str:
        return topology.QueueSpec(SERVICE, event_name, exchange).name

    # parse → command → handler, one line per queue.
    routes: list[Route[Any, DecisionLogUnitOfWork]] = [
        Route(
            queue(topology.DECISION_RECORDED, topology.DECISIONS_EXCHANGE),
            recorded(own_user),
            on_decisions_recorded,
            dedup_key=delivery_key(own_user),
            # No inbox: a redelivered decision is found logged (its administration and id are
            # unique) or found quarantined (its delivery key is unique), in the transaction.
            inbox=False,
        ),
        Route(queue(topology.DECISION_REVISED), revision, on_decisions_revised),
        # The register's read models, kept from appeals' events (and only theirs).
        Route(
            queue(topology.APPEAL_ACKNOWLEDGED),
            from_appeals(
                topology.APPEAL_ACKNOWLEDGED, AppealAcknowledged.from_delivery, appeals_user
            ),
            one_at_a_time(register.on_appeal_acknowledged),
        ),
        Route(
            queue(topology.APPEAL_DECIDED),
            from_appeals(topology.APPEAL_DECIDED, AppealDecided.from_delivery, appeals_user),
            one_at_a_time(register.on_appeal_decided),
        ),
        Route(
            queue(topology.REGISTER_REPORT_UPDATED),
            from_appeals(
                topology.REGISTER_REPORT_UPDATED, RegisterReportUpdated.from_delivery, appeals_user
            ),
            one_at_a_time(register.on_report_updated),
        ),
    ]
    batches = batch_settings(settings)
    consumers: list[MessageConsumer[Any, Any]] = [
        *(MessageConsumer(route, app.uow, messaging, batches) for route in routes),
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
            issue_checkpoints(uow, app.config, app.log_keys, datetime.now(UTC))
            uow.commit()

    periodic: list[tuple[float, Callable[[], None]]] = [(PURGE_SECONDS, purge)]
    if app.log_keys:
        periodic.append(
            (
                min(CHECKPOINT_POLL_SECONDS, app.config.log_checkpoint_seconds) or 0.1,
                sign_checkpoints,
            )
        )
    else:
        log.warning(
            "no log signing key (EXPLICITE_LOG_KEY_FILE): no checkpoint is issued, "
            "receipts cannot be given and witnesses have nothing to cosign"
        )
    return Worker(SERVICE, transport, consumers, app.relay, periodic=periodic)
