"""appeals' worker: read models from events, the deadline scheduler, and e-mail sending."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import timedelta
from typing import Any

from services.appeals.adapters.tables import messaging
from services.appeals.bootstrap import SERVICE, Appeals
from services.appeals.service_layer import read_model
from services.appeals.service_layer.alarms import fire_due_alarms
from services.appeals.service_layer.mailing import send_due_emails
from services.appeals.service_layer.register_reports import on_report_filed
from services.appeals.service_layer.retention import purge_personal_data
from services.appeals.service_layer.unit_of_work import AppealsUnitOfWork
from shared.contracts.events import Event
from shared.contracts.messages import AlgorithmRegistered, DecisionLogged, ExplanationGenerated
from shared.contracts.register import RegisterReportFiled
from shared.messaging import topology
from shared.messaging.consumer import (
    ManyRoute,
    MessageConsumer,
    Refusals,
    Route,
    one_at_a_time,
)
from shared.messaging.dead_letters import dead_letter_consumer
from shared.messaging.message import Delivery
from shared.messaging.runtime import batch_settings
from shared.messaging.transport import Transport
from shared.messaging.worker import Worker
from shared.ratelimit import KEPT

# parse → command → handler, one line per queue; every handler is given the time.
ROUTES: dict[str, tuple[Callable[[Delivery], Any], Callable[..., Any]]] = {
    topology.ALGORITHM_REGISTERED: (
        AlgorithmRegistered.from_delivery,
        read_model.on_algorithm_registered,
    ),
    topology.REGISTER_REPORT_FILED: (RegisterReportFiled.from_delivery, on_report_filed),
}
# The read models of decisions and explanations: many events to a message
# (shared/contracts/batches.py), a consumer batch's items handled at once.
MANY_ROUTES: dict[str, tuple[str, Callable[[Event], Any], Callable[..., Any]]] = {
    topology.DECISIONS_LOGGED: (
        topology.DECISION_LOGGED,
        DecisionLogged.from_event,
        read_model.on_decisions_logged,
    ),
    topology.EXPLANATIONS_GENERATED: (
        topology.EXPLANATION_GENERATED,
        ExplanationGenerated.from_event,
        read_model.on_explanations_generated,
    ),
}

PURGE_SECONDS = 3600


def run_scheduler(app: Appeals) -> int:
    """Fire the alarms due now; persisted, so a restarted worker picks up where it was."""
    with app.uow() as uow:
        fired = fire_due_alarms(uow, app.now(), app.settings.public_url)
        uow.commit()
    return fired


def send_emails(app: Appeals) -> int:
    return send_due_emails(app.uow, app.mailer(), app.now, app.config.mail_from)


def build_worker(app: Appeals, transport: Transport) -> Worker:
    batches = batch_settings(app.settings)
    # The read models wait longer for their batches: nobody waits for them (AppealsConfig).
    read_model_batches = replace(
        batches,
        batch_wait=max(batches.batch_wait, app.config.read_model_batch_wait_ms / 1000),
    )

    def consumer(event_name: str) -> MessageConsumer[Any, AppealsUnitOfWork]:
        parse, handle = ROUTES[event_name]

        def with_the_time(command: Any, uow: AppealsUnitOfWork) -> None:
            handle(command, uow, app.now())

        queue = topology.QueueSpec(SERVICE, event_name).name
        return MessageConsumer(
            Route(queue, parse, one_at_a_time(with_the_time)), app.uow, messaging, batches
        )

    def many_consumer(event_name: str) -> MessageConsumer[Any, AppealsUnitOfWork]:
        single, from_event, handle = MANY_ROUTES[event_name]

        def with_the_time(commands: Sequence[Any], uow: AppealsUnitOfWork) -> Refusals:
            return handle(commands, uow, app.now())  # type: ignore[no-any-return]

        queue = topology.QueueSpec(SERVICE, event_name).name
        route = ManyRoute(queue, single, from_event, with_the_time)
        return MessageConsumer(route, app.uow, messaging, read_model_batches)

    def scheduler() -> None:
        run_scheduler(app)

    def mail() -> None:
        send_emails(app)

    def purge() -> None:
        days, now = app.settings.personal_data_retention_days, app.now()
        with app.uow() as uow:
            if days:
                purge_personal_data(uow, now - timedelta(days=days), now)
            app.limiter.forget_before(uow.session, now - KEPT)  # failed sign-ins, filings
            uow.commit()

    consumers = [
        *(consumer(name) for name in ROUTES),
        *(many_consumer(name) for name in MANY_ROUTES),
    ]
    return Worker(
        SERVICE,
        transport,
        [*consumers, dead_letter_consumer(SERVICE, messaging, app.uow, batches)],
        app.relay,
        periodic=[
            (app.config.scheduler_seconds, scheduler),
            (app.config.mail_seconds, mail),
            (PURGE_SECONDS, purge),
        ],
    )
