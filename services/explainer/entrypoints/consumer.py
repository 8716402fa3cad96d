"""explainer's worker: the registry and the log's decisions in, explanations out."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from services.explainer.adapters.tables import agent_sessions, messaging
from services.explainer.bootstrap import SERVICE, Explainer
from services.explainer.domain.commands import RecordAlgorithm, RecordDecision
from services.explainer.entrypoints.events import algorithm_registered
from services.explainer.service_layer.handlers import (
    explain_parked,
    record_algorithm,
    record_decisions,
)
from services.explainer.service_layer.unit_of_work import ExplainerUnitOfWork
from shared.auth.revocations import revocation_consumer
from shared.contracts.messages import DecisionLogged
from shared.messaging import topology
from shared.messaging.consumer import (
    ManyRoute,
    MessageConsumer,
    Refusals,
    Route,
    one_at_a_time,
)
from shared.messaging.dead_letters import dead_letter_consumer
from shared.messaging.runtime import batch_settings
from shared.messaging.transport import Transport
from shared.messaging.worker import Worker
from shared.ratelimit import KEPT

log = logging.getLogger(__name__)

# A decision parked while its algorithm's event was being committed by the other consumer
# can miss that consumer's look for parked decisions: this sweep catches it.
SWEEP_SECONDS = 5.0
HOUSEKEEPING_SECONDS = 3600.0


def build_worker(app: Explainer, transport: Transport) -> Worker:
    def on_algorithm_registered(command: RecordAlgorithm, uow: ExplainerUnitOfWork) -> None:
        record_algorithm(uow, command, app.context)

    def on_decisions_logged(
        commands: Sequence[RecordDecision], uow: ExplainerUnitOfWork
    ) -> Refusals:
        return record_decisions(uow, commands, app.context)

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
    # parse → command → handler, one line per queue.
    routes: list[Route[Any, ExplainerUnitOfWork] | ManyRoute[Any, ExplainerUnitOfWork]] = [
        Route(
            topology.QueueSpec(SERVICE, topology.ALGORITHM_REGISTERED).name,
            algorithm_registered,
            one_at_a_time(on_algorithm_registered),
        ),
        # decisions.logged: the decisions decision_log logged in one transaction, one message.
        ManyRoute(
            topology.QueueSpec(SERVICE, topology.DECISIONS_LOGGED).name,
            topology.DECISION_LOGGED,
            DecisionLogged.from_event,
            on_decisions_logged,
        ),
    ]
    consumers: list[MessageConsumer[Any, Any]] = [
        *(MessageConsumer(route, app.uow, messaging, batches) for route in routes),
        revocation_consumer(
            SERVICE,
            messaging,
            app.uow,
            agent_sessions,
            app.settings.service_user("appeals"),
            batches,
        ),
        dead_letter_consumer(SERVICE, messaging, app.uow, batches),
    ]
    return Worker(
        SERVICE,
        transport,
        consumers,
        app.relay,
        periodic=(
            (SWEEP_SECONDS, sweep_parked),
            (HOUSEKEEPING_SECONDS, forget_old_sign_in_failures),
        ),
    )
