"""Poison messages on a real RabbitMQ: dead-lettered after the delivery limit, visible with
their reason, replayable; valid traffic keeps flowing meanwhile."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select
from sqlalchemy.orm import sessionmaker

from shared.db import UnitOfWork, make_engine
from shared.messaging import topology
from shared.messaging.amqp import AmqpTransport
from shared.messaging.consumer import BatchSettings, MessageConsumer, Route, one_at_a_time
from shared.messaging.dead_letters import dead_letter_consumer, replay_dead_letter
from shared.messaging.message import Delivery, OutgoingMessage
from shared.messaging.outbox import OutboxRelay
from shared.messaging.tables import define_messaging_tables
from tests.faults.conftest import add_service_user
from tests.faults.harness import wait_until

pytestmark = [pytest.mark.infra, pytest.mark.faults]
QUEUE = "explainer.decisions-logged"
PASSWORD = "poison-password-0123"
metadata = MetaData()
tables = define_messaging_tables(metadata)
handled = Table(
    "handled",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("n", Integer, nullable=False),
    Column("message_id", String(64)),
)


class Service:
    """A service with the real consumer loop, dead-letter collector and relay on RabbitMQ."""

    def __init__(self, broker: Any, postgres: Any) -> None:
        user = f"svc-poison-{uuid.uuid4().hex[:6]}"
        add_service_user(broker, user, PASSWORD)
        self.transport = AmqpTransport(broker.amqp_url(user, PASSWORD))
        self.transport.declare_topology()
        database = f"poison_{uuid.uuid4().hex[:6]}"
        postgres.create_database(database)
        self.engine = make_engine(postgres.url(database))
        metadata.create_all(self.engine)
        self.sessions = sessionmaker(self.engine)
        self.relay = OutboxRelay(self.engine, tables, poll_interval=0.02)
        self.bug_fixed = False
        self.stop = threading.Event()
        settings = BatchSettings(batch_wait=0.005, idle_wait=0.2)
        route = Route(QUEUE, lambda delivery: delivery, one_at_a_time(self.handle))
        for consumer in (
            MessageConsumer(route, self.uow, tables, settings),
            dead_letter_consumer("explainer", tables, self.uow, settings),
        ):
            threading.Thread(
                target=consumer.run, args=(self.transport, self.stop), daemon=True
            ).start()
        threading.Thread(
            target=self.relay.run, args=(self.transport, self.stop), daemon=True
        ).start()

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessions, tables.outbox, after_commit=self.relay.wake.set)

    def handle(self, delivery: Delivery, uow: UnitOfWork) -> None:
        body = json.loads(delivery.body)
        if body.get("poison") and not self.bug_fixed:
            raise ZeroDivisionError("the explanation of this decision divides by zero")
        uow.session.execute(insert(handled).values(n=body["n"], message_id=delivery.message_id))

    def publish(self, bodies: list[dict[str, Any]]) -> None:
        with self.transport.publisher() as publisher:
            result = publisher.publish(
                [
                    OutgoingMessage(
                        exchange=topology.EVENTS_EXCHANGE,
                        routing_key="decisions.logged.ville-exemple",
                        body=json.dumps(body).encode(),
                        message_id=str(uuid.uuid4()),
                        type="decision.logged",
                        schema="decision.logged.v1",
                    )
                    for body in bodies
                ]
            )
        assert not result.failed

    def scalar(self, query: Any) -> Any:
        with self.engine.connect() as connection:
            return connection.scalar(query)

    def dead_letters(self) -> list[Any]:
        with self.engine.connect() as connection:
            return list(
                connection.execute(select(tables.dead_letters).order_by(tables.dead_letters.c.id))
            )


@pytest.fixture
def service(own_rabbitmq, own_postgres) -> Iterator[Service]:
    service = Service(own_rabbitmq, own_postgres)
    yield service
    service.stop.set()
    service.engine.dispose()


def test_a_poison_message_is_dead_lettered_visible_and_replayable(service: Service):
    service.publish(
        [{"n": n} for n in range(100)]
        + [{"n": 100, "poison": True}]
        + [{"n": n} for n in range(101, 200)]
    )
    assert wait_until(lambda: len(service.dead_letters()) == 1, timeout=60)
    assert service.scalar(select(func.count()).select_from(handled)) == 199
    [dead] = service.dead_letters()
    assert dead.queue == QUEUE and dead.status == "pending"
    assert "delivery_limit" in dead.reason and "divides by zero" in dead.reason
    assert json.loads(dead.body) == {"n": 100, "poison": True}

    # Replayed while the bug is still there: it dies again, as a new dead letter.
    with service.uow() as uow:
        assert replay_dead_letter(uow, tables, dead.id)
        uow.commit()
    assert wait_until(lambda: len(service.dead_letters()) == 2, timeout=60)
    first, second = service.dead_letters()
    assert first.status == "replayed" and second.status == "pending"

    # Once the bug is fixed, the replay goes through; valid traffic flowed all along.
    service.bug_fixed = True
    with service.uow() as uow:
        assert replay_dead_letter(uow, tables, second.id)
        uow.commit()
    service.publish([{"n": 300}])
    assert wait_until(
        lambda: service.scalar(select(func.count()).select_from(handled)) == 201, timeout=60
    )
    assert service.scalar(select(func.count()).select_from(handled).where(handled.c.n == 100)) == 1
