"""decision_log end to end, the same assertions on both stacks: RabbitMQ and PostgreSQL, and
the embedded in-process broker and SQLite. Nothing lost, nothing twice, nothing bad let in."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pika
import pytest
from sqlalchemy import func, select, text

from services.decision_log.adapters import tables as t
from services.decision_log.bootstrap import DecisionLog, bootstrap
from services.decision_log.entrypoints.consumer import build_worker
from services.decision_log.service_layer.audit import verify_log
from services.decision_log.service_layer.producers import register_amqp_producer
from services.decision_log.service_layer.registry import register_algorithm
from shared.config import Settings
from shared.contracts.decision import decision_message
from shared.messaging import topology
from shared.messaging.amqp import AmqpTransport
from shared.messaging.memory import MemoryBroker, MemoryTransport
from shared.messaging.transport import Transport
from shared.migrations import upgrade
from tests.support import builders

PASSWORD = "test-password"
N = 400
# The broker is shared by the whole session: this module's users get names of their own.
SUFFIX = uuid.uuid4().hex[:6]
SERVICE_USER, PRODUCER, INTRUDER = (
    f"{name}-{SUFFIX}" for name in ("svc-decision-log", "bo-ville-test", "bo-intrus")
)


@dataclass
class Stack:
    service: DecisionLog
    transport_as: Callable[[str], Transport]
    observe: Callable[[str], Callable[[], dict[str, Any] | None]]

    def publish_as(self, user: str, bodies: list[Any]) -> Any:
        messages = [decision_message(b) if isinstance(b, dict) else b for b in bodies]
        with self.transport_as(user).publisher() as publisher:
            return publisher.publish(messages)


def _settings(database_url: str, **overrides: Any) -> Settings:
    return Settings(
        secret_key="e2e-secret-key-that-is-long-enough-0123456789",
        database_urls={"decision_log": database_url},
        service_users={"decision_log": SERVICE_USER},
        public_url="http://explicite.test",
        outbox_poll_ms=20,
        **overrides,
    )


def _start(settings: Settings, transport: Transport) -> Iterator[DecisionLog]:
    service = bootstrap(settings)
    upgrade("decision_log", service.engine)
    with service.uow() as uow:
        register_algorithm(
            uow, builders.algorithm(), administration=builders.ADMINISTRATION, by="test"
        )
        register_amqp_producer(uow, PRODUCER, builders.ADMINISTRATION)
        uow.commit()
    worker = build_worker(service, transport)
    worker.start()
    yield service
    worker.stop.set()
    worker.join(10)
    service.engine.dispose()


@pytest.fixture(scope="module")
def amqp_stack(rabbitmq: Any, postgres: Any) -> Iterator[Stack]:
    for user in (SERVICE_USER, PRODUCER, INTRUDER):
        rabbitmq.add_user(user, PASSWORD)
    rabbitmq.set_permissions(SERVICE_USER, ".*", ".*", ".*")
    for user in (PRODUCER, INTRUDER):  # back offices may only publish decisions
        rabbitmq.set_permissions(user, "^$", "^explicite\\.decisions$", "^$")
    database = f"decision_log_{SUFFIX}"
    postgres.create_database(database)
    settings = _settings(postgres.url(database), amqp_url=rabbitmq.amqp_url(SERVICE_USER, PASSWORD))

    def observe(pattern: str) -> Callable[[], dict[str, Any] | None]:
        connection = pika.BlockingConnection(pika.URLParameters(settings.amqp_url))
        channel = connection.channel()
        queue = channel.queue_declare("", exclusive=True).method.queue
        channel.queue_bind(queue, topology.EVENTS_EXCHANGE, pattern)

        def next_event() -> dict[str, Any] | None:
            method, _properties, body = channel.basic_get(queue, auto_ack=True)
            connection.process_data_events(0)
            return json.loads(body) if method else None

        return next_event

    def transport_as(user: str) -> Transport:
        return AmqpTransport(rabbitmq.amqp_url(user, PASSWORD))

    for service in _start(settings, transport_as(SERVICE_USER)):
        yield Stack(service, transport_as, observe)


@pytest.fixture(scope="module")
def embedded_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    broker = MemoryBroker()
    broker.declare_topology()
    path = Path(tmp_path_factory.mktemp("embedded")) / "decision_log.db"
    settings = _settings(f"sqlite:///{path}", transport="memory")

    def observe(pattern: str) -> Callable[[], dict[str, Any] | None]:
        queue = f"observer-{uuid.uuid4().hex[:6]}"
        broker.declare_queue(queue)
        broker.bind(queue, topology.EVENTS_EXCHANGE, pattern)

        def next_event() -> dict[str, Any] | None:
            taken = broker.take(queue, 1, 0.05)
            return json.loads(taken[0].body) if taken else None

        return next_event

    def transport_as(user: str) -> Transport:
        return MemoryTransport(broker, user)

    for service in _start(settings, transport_as(SERVICE_USER)):
        yield Stack(service, transport_as, observe)


@pytest.fixture(params=[pytest.param("amqp", marks=pytest.mark.infra), "embedded"], scope="module")
def stack(request: pytest.FixtureRequest) -> Stack:
    return request.getfixturevalue(f"{request.param}_stack")


def wait_until(predicate: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


def count(service: DecisionLog, table: Any, *where: Any) -> int:
    with service.engine.connect() as connection:
        query = select(func.count()).select_from(table)
        for clause in where:
            query = query.where(clause)
        return int(connection.scalar(query) or 0)


def test_every_published_decision_is_stored_exactly_once(stack: Stack):
    service = stack.service
    bodies = [builders.decision(n, revenu=500 + n) for n in range(1, N + 1)]
    result = stack.publish_as(PRODUCER, bodies)
    assert len(result.confirmed) == N and not result.failed and not result.returned
    wait_until(lambda: count(service, t.decisions) == N)
    # A resend of the same events, and of the same decisions under new event ids.
    stack.publish_as(PRODUCER, bodies[:50])
    stack.publish_as(PRODUCER, [{**b, "event_id": str(uuid.uuid4())} for b in bodies[50:100]])
    stack.publish_as(PRODUCER, [builders.decision(N + 1)])
    wait_until(lambda: count(service, t.decisions) == N + 1)
    time.sleep(0.5)
    assert count(service, t.decisions) == N + 1
    assert count(service, t.quarantine) == 0
    with service.uow() as uow:
        [report] = verify_log(uow)
    assert report.intact and report.records == N + 1


def test_bad_events_are_quarantined_with_their_reason_while_valid_ones_pass(stack: Stack):
    service = stack.service
    before = count(service, t.decisions)
    raw = decision_message(builders.decision(9001))
    not_json = type(raw)(**{**raw.__dict__, "body": b"{oops", "message_id": "bad-json"})
    stack.publish_as(
        PRODUCER,
        [
            builders.decision(9002),
            not_json,
            builders.spoiled(builders.decision(9003), "algorithm.id", "inconnu"),
            builders.spoiled(builders.decision(9004), "criteria.0.code", "age"),
            builders.decision(9005),
        ],
    )
    stack.publish_as(INTRUDER, [builders.decision(9006)])
    wait_until(lambda: count(service, t.quarantine) >= 4)
    wait_until(lambda: count(service, t.decisions) == before + 2)
    with service.uow() as uow:
        items = {item.category: item for item in uow.quarantine.listing(status="pending")}
    assert set(items) == {"malformed", "unknown_algorithm", "invalid", "unauthorised"}
    assert "criteria.age" in items["invalid"].reasons
    assert INTRUDER in items["unauthorised"].reasons["producer"][0]


def test_a_bad_message_delivered_again_is_quarantined_once(stack: Stack):
    """The worker keeps no inbox for decisions: a message delivered again (here sent again
    with its id) finds its quarantine item; another producer's message with the same id, or
    another body under the same id, is a message of its own."""
    service = stack.service
    recorded = topology.QueueSpec(
        "decision_log", topology.DECISION_RECORDED, topology.DECISIONS_EXCHANGE
    ).name
    spoiled = decision_message(builders.spoiled(builders.decision(9200), "algorithm.id", "inconnu"))
    before, logged = count(service, t.quarantine), count(service, t.decisions)
    stack.publish_as(PRODUCER, [spoiled])
    wait_until(lambda: count(service, t.quarantine) == before + 1)
    # Sent again under the same id with another body: a message of its own, not a repeat.
    other = builders.spoiled(builders.decision(9200), "algorithm.id", "autre")
    respoiled = replace(spoiled, body=decision_message(other).body)
    stack.publish_as(PRODUCER, [spoiled, builders.decision(9201), spoiled, respoiled])
    stack.publish_as(INTRUDER, [spoiled])
    wait_until(lambda: count(service, t.decisions) == logged + 1)
    wait_until(lambda: count(service, t.quarantine) == before + 3)
    time.sleep(0.5)
    assert count(service, t.quarantine) == before + 3
    with service.uow() as uow:
        items = [
            i for i in uow.quarantine.listing(status="pending") if i.decision_id == "TEST-009200"
        ]
    assert sorted(item.producer for item in items) == sorted([PRODUCER, PRODUCER, INTRUDER])
    assert count(service, t.messaging.inbox, t.messaging.inbox.c.queue == recorded) == 0


def test_a_forged_user_id_is_refused_by_the_broker(stack: Stack):
    message = decision_message(builders.decision(9100))
    forged = type(message)(**{**message.__dict__, "user_id": PRODUCER})
    result = stack.publish_as(INTRUDER, [forged])
    assert result.failed == [message.message_id] and not result.confirmed


def test_a_divergent_outcome_is_flagged_and_announced(stack: Stack):
    next_event = stack.observe("decision.divergent.*")
    body = builders.decision(9200, revenu=1200, parent_isole=False)
    body["outcome"].update(code="attribution", label="Place attribuée", favourable=True)
    stack.publish_as(PRODUCER, [body])
    event = None
    deadline = time.monotonic() + 30
    while event is None and time.monotonic() < deadline:
        event = next_event()
        if event is None:
            time.sleep(0.05)
    assert event is not None and event["data"]["decision_id"] == "TEST-009200"
    assert event["data"]["expected_outcome"] == "refus"
    assert count(stack.service, t.decisions, t.decisions.c.replay_status == "divergent") == 1


def test_a_tampered_row_fails_verification(stack: Stack):
    service = stack.service
    # What someone with write access to the database might do: bump a score in place.
    bump = (
        "jsonb_set(body, '{score}', '99')"
        if service.engine.dialect.name == "postgresql"
        else "json_set(body, '$.score', 99)"
    )
    with service.engine.begin() as connection:
        connection.execute(
            text(
                f"UPDATE decisions SET body = {bump} "  # noqa: S608
                "WHERE decision_id = 'TEST-000007'"
            )
        )
    with service.uow() as uow:
        [report] = verify_log(uow)
    assert not report.intact
    assert any(b.label == "TEST-000007" for b in report.breaks)
