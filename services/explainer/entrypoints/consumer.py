"""explainer's worker: the registry and the log's decisions in, explanations out."""

from __future__ import annotations

import gc
import logging
from typing import Any

from services.explainer.adapters.tables import agent_sessions, messaging
from services.explainer.bootstrap import SERVICE, Explainer
from services.explainer.domain.commands import RecordDecision
from services.explainer.entrypoints.events import algorithm_registered, decision_logged
from services.explainer.service_layer.handlers import (
    explain_parked,
    prefetch_decisions,
    record_algorithm,
    record_decision,
)
from services.explainer.service_layer.unit_of_work import ExplainerUnitOfWork
from shared.auth.revocations import revocation_consumer
from shared.contracts.events import InvalidMessage
from shared.db import batch_of
from shared.messaging import topology
from shared.messaging.consumer import MessageConsumer
from shared.messaging.dead_letters import dead_letter_consumer
from shared.messaging.message import Delivery
from shared.messaging.runtime import batch_settings
from shared.messaging.transport import Transport
from shared.messaging.worker import Worker
from shared.ratelimit import KEPT

log = logging.getLogger(__name__)

# A decision parked while its algorithm's event was being committed by the other consumer
# can miss that consumer's look for parked decisions: this sweep catches it.
SWEEP_SECONDS = 5.0
HOUSEKEEPING_SECONDS = 3600.0
# The worker allocates thousands of short-lived objects per explanation (commands, documents,
# rows, statements): with the cyclic collector's default first threshold (700) it collects
# every few messages, and over the whole heap every few hundred. In-process, 3,000
# explanations on PostgreSQL: 1,270-1,410 CPU µs each by default, 1,140-1,160 collecting every
# 10,000 allocations, 1,090-1,125 not collecting at all. Garbage waits a little longer: at most
# that many young objects.
GC_FIRST_THRESHOLD = 10_000


def _collect_less_often() -> None:
    """Raise the collector's first threshold for the process (never lower it)."""
    first, *older = gc.get_threshold()
    if first < GC_FIRST_THRESHOLD:
        gc.set_threshold(GC_FIRST_THRESHOLD, *older)


# Session.info key: the commands read from a consumer batch of decision.logged, by body.
_COMMANDS = "explainer.commands"


def batch_commands(uow: ExplainerUnitOfWork) -> dict[bytes, RecordDecision]:
    """The commands of the consumer batch this transaction handles, read once for the batch
    (bodies that are refused are left out: their handler refuses them again), its lookups
    prefetched and its writes staged. Empty outside a batch."""
    bodies = batch_of(uow.session)
    if bodies is None:
        return {}
    commands: dict[bytes, RecordDecision] | None = uow.session.info.get(_COMMANDS)
    if commands is None:
        commands = {}
        for body in bodies:
            try:  # decision.logged is read from its body alone
                commands[body] = decision_logged(
                    Delivery(queue="", delivery_tag=0, body=body, routing_key=""))
            except InvalidMessage:
                continue
        uow.session.info[_COMMANDS] = commands
        prefetch_decisions(uow, commands.values())
    return commands


def build_worker(app: Explainer, transport: Transport) -> Worker:
    _collect_less_often()

    def on_algorithm_registered(delivery: Delivery, uow: ExplainerUnitOfWork) -> None:
        record_algorithm(uow, algorithm_registered(delivery), app.context)

    def on_decision_logged(delivery: Delivery, uow: ExplainerUnitOfWork) -> None:
        command = batch_commands(uow).get(delivery.body)
        record_decision(uow, command or decision_logged(delivery), app.context)

    def sweep_parked() -> None:
        with app.uow() as uow:
            explained = explain_parked(uow, app.context)
            uow.commit()
        if explained:
            log.info("parked decisions explained", extra={"count": explained})

    def forget_old_sign_in_failures() -> None:
        with app.uow() as uow:
            app.limiter.forget_before(uow.session, app.context.now() - KEPT)
            uow.commit()

    batches = batch_settings(app.settings)
    registered = topology.QueueSpec(SERVICE, topology.ALGORITHM_REGISTERED)
    logged = topology.QueueSpec(SERVICE, topology.DECISION_LOGGED)
    consumers: list[MessageConsumer[Any]] = [
        MessageConsumer(registered.name, on_algorithm_registered, app.uow, messaging, batches),
        MessageConsumer(logged.name, on_decision_logged, app.uow, messaging, batches),
        revocation_consumer(SERVICE, messaging, app.uow, agent_sessions,
                            app.settings.service_user("appeals"), batches),
        dead_letter_consumer(SERVICE, messaging, app.uow, batches),
    ]
    return Worker(SERVICE, transport, consumers, app.relay,
                  periodic=((SWEEP_SECONDS, sweep_parked),
                            (HOUSEKEEPING_SECONDS, forget_old_sign_in_failures)))
