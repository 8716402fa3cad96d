"""decision_log end to end on a real RabbitMQ and a real PostgreSQL: nothing lost, nothing twice."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
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
from shared.migrations import upgrade
from shared.testing import builders

pytestmark = pytest.mark.infra
PASSWORD = "test-password"
N = 400
# The broker is shared by the whole session: this module's users get names of their own.
SUFFIX = uuid.uuid4().hex[:6]
SERVICE_USER, PRODUCER, INTRUDER = (f"{name}-{SUFFIX}" for name in
                                    ("svc-decision-log", "bo-ville-test", "bo-intrus"))


@pytest.fixture(scope="module")
def broker(rabbitmq) -> Any:
    for user in (SERVICE_USER, PRODUCER, INTRUDER):
        rabbitmq.add_user(user, PASSWORD)
    rabbitmq.set_permissions(SERVICE_USER, ".*", ".*", ".*")
    # Back offices may only publish decisions; the observer queue below is the test's own.
    for user in (PRODUCER, INTRUDER):
        rabbitmq.set_permissions(user, "^$", "^explicite\\.decisions$", "^$")
    return rabbitmq


@pytest.fixture(scope="module")
def system(broker, postgres) -> Iterator[tuple[DecisionLog, Any]]:
    postgres.create_database("decision_log_e2e")
    settings = Settings(
        secret_key="e2e-secret-key-that-is-long-enough-0123456789",
        database_urls={"decision_log": postgres.url("decision_log_e2e")},
        amqp_url=broker.amqp_url(SERVICE_USER, PASSWORD),
        service_users={"decision_log": SERVICE_USER},
        public_url="http://explicite.test", outbox_poll_ms=20)
    service = bootstrap(settings)
    upgrade("decision_log", service.engine)
    with service.uow() as uow:
        register_algorithm(uow, builders.algorithm(), administration=builders.ADMINISTRATION,
                           by="test")
        register_amqp_producer(uow, PRODUCER, builders.ADMINISTRATION)
        uow.commit()
    worker = build_worker(service, AmqpTransport(settings.amqp_url))
    worker.start()
    yield service, broker
    worker.stop.set()
    worker.join(10)
    service.engine.dispose()


def publish_as(broker: Any, user: str, bodies: list[Any]) -> Any:
    messages = [decision_message(b) if isinstance(b, dict) else b for b in bodies]
    with AmqpTransport(broker.amqp_url(user, PASSWORD)).publisher() as publisher:
        return publisher.publish(messages)


def wait_until(predicate: Any, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.1)


def count(service: DecisionLog, table: Any, *where: Any) -> int:
    with service.engine.connect() as connection:
        query = select(func.count()).select_from(table)
        for clause in where:
            query = query.where(clause)
        return int(connection.scalar(query) or 0)


def test_every_published_decision_is_stored_exactly_once(system):
    service, broker = system
    bodies = [builders.decision(n, revenu=500 + n) for n in range(1, N + 1)]
    result = publish_as(broker, PRODUCER, bodies)
    assert len(result.confirmed) == N and not result.failed and not result.returned
    wait_until(lambda: count(service, t.decisions) == N)
    # A resend of the same events, and of the same decisions under new event ids.
    publish_as(broker, PRODUCER, bodies[:50])
    publish_as(broker, PRODUCER, [{**b, "event_id": str(uuid.uuid4())}
                                         for b in bodies[50:100]])
    marker = builders.decision(N + 1)
    publish_as(broker, PRODUCER, [marker])
    wait_until(lambda: count(service, t.decisions) == N + 1)
    time.sleep(0.5)
    assert count(service, t.decisions) == N + 1
    assert count(service, t.quarantine) == 0
    with service.uow() as uow:
        [report] = verify_log(uow)
    assert report.intact and report.records == N + 1


def test_bad_events_are_quarantined_with_their_reason_while_valid_ones_pass(system):
    service, broker = system
    before = count(service, t.decisions)
    raw = decision_message(builders.decision(9001))
    not_json = type(raw)(**{**raw.__dict__, "body": b"{oops", "message_id": "bad-json"})
    bodies: list[Any] = [
        builders.decision(9002),
        not_json,
        builders.spoiled(builders.decision(9003), "algorithm.id", "inconnu"),
        builders.spoiled(builders.decision(9004), "criteria.0.code", "age"),
        builders.decision(9005),
    ]
    publish_as(broker, PRODUCER, bodies)
    publish_as(broker, INTRUDER, [builders.decision(9006)])
    wait_until(lambda: count(service, t.quarantine) >= 4)
    wait_until(lambda: count(service, t.decisions) == before + 2)
    with service.uow() as uow:
        items = {item.category: item for item in uow.quarantine.listing(status="pending")}
    assert set(items) == {"malformed", "unknown_algorithm", "invalid", "unauthorised"}
    assert "criteria.age" in items["invalid"].reasons
    assert INTRUDER in items["unauthorised"].reasons["producer"][0]


def test_a_forged_user_id_is_refused_by_rabbitmq(system):
    _service, broker = system
    message = decision_message(builders.decision(9100))
    forged = type(message)(**{**message.__dict__, "user_id": PRODUCER})
    result = publish_as(broker, INTRUDER, [forged])
    assert result.failed == [message.message_id] and not result.confirmed


def test_a_divergent_outcome_is_flagged_and_announced(system):
    service, broker = system
    connection = pika.BlockingConnection(pika.URLParameters(
        broker.amqp_url(SERVICE_USER, PASSWORD)))
    channel = connection.channel()
    observer = channel.queue_declare("", exclusive=True).method.queue
    channel.queue_bind(observer, topology.EVENTS_EXCHANGE, "decision.divergent.*")
    body = builders.decision(9200, revenu=1200, parent_isole=False)
    body["outcome"].update(code="attribution", label="Place attribuée", favourable=True)
    publish_as(broker, PRODUCER, [body])
    event = None
    deadline = time.monotonic() + 30
    while event is None and time.monotonic() < deadline:
        method, _properties, payload = channel.basic_get(observer, auto_ack=True)
        event = json.loads(payload) if method else None
        if event is None:
            connection.sleep(0.1)
    connection.close()
    assert event is not None and event["data"]["decision_id"] == "TEST-009200"
    assert event["data"]["expected_outcome"] == "refus"
    assert count(service, t.decisions, t.decisions.c.replay_status == "divergent") == 1


def test_a_tampered_row_fails_verification(system):
    service, _broker = system
    with service.engine.begin() as connection:
        # What someone with write access to the database might do: bump a score in place.
        connection.execute(text("UPDATE decisions SET body = jsonb_set(body, '{score}', '99') "
                                "WHERE decision_id = 'TEST-000007'"))
    with service.uow() as uow:
        [report] = verify_log(uow)
    assert not report.intact
    assert any(b.decision_id == "TEST-000007" for b in report.breaks)
