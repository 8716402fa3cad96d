"""The whole system on real RabbitMQ and PostgreSQL, as back offices and browsers see it."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pika
import pytest
from werkzeug.test import Client

from services.demo import register_samples
from services.embedded import Embedded, start_services
from shared.config import SERVICES, Settings
from shared.contracts.decision import decision_message
from shared.messaging import definitions, topology
from shared.messaging.amqp import AmqpTransport
from shared.samples import SAMPLE_PRODUCERS

PASSWORD = "e2e-password-0123456789"


class BackOffice:
    """A back office of one administration: publishes decisions, listens to its events."""

    def __init__(self, broker: Any, user: str, administration: str) -> None:
        self.url = broker.amqp_url(user, PASSWORD)
        self.administration = administration
        self._connection = pika.BlockingConnection(pika.URLParameters(self.url))
        self._channel = self._connection.channel()
        # A back office may declare and bind its own queues to its own administration's events.
        self.queue = f"backoffice.{administration}.e2e-{uuid.uuid4().hex[:8]}"
        self._channel.queue_declare(self.queue, exclusive=True)
        for event in (
            topology.DECISION_LOGGED,
            topology.EXPLANATION_GENERATED,
            topology.DECISION_QUARANTINED,
            topology.APPEAL_DECIDED,
        ):
            self._channel.queue_bind(
                self.queue, topology.EVENTS_EXCHANGE, topology.routing_key(event, administration)
            )
        self.events: list[dict[str, Any]] = []

    def publish(self, decisions: list[dict[str, Any]]) -> Any:
        with AmqpTransport(self.url).publisher() as publisher:
            return publisher.publish([decision_message(d) for d in decisions])

    def wait_event(
        self, name: str, match: Callable[[dict[str, Any]], bool], timeout: float = 30
    ) -> dict[str, Any]:
        """The first event `name` whose data matches, received now or before."""
        deadline = time.monotonic() + timeout
        while True:
            for event in self.events:
                if event["event"] == name and match(event["data"]):
                    return event["data"]
            if time.monotonic() > deadline:
                raise AssertionError(f"no {name} event matched within {timeout} s")
            method, _properties, body = self._channel.basic_get(self.queue, auto_ack=True)
            if method is None:
                self._connection.sleep(0.05)
            else:
                self.events.append(json.loads(body))

    def close(self) -> None:
        if self._connection.is_open:
            self._connection.close()


class RunningSystem:
    """The three services' workers on RabbitMQ and PostgreSQL, their apps behind one origin."""

    def __init__(self, system: Embedded, broker: Any) -> None:
        self.system = system
        self.broker = broker
        self.back_offices = {
            adm: BackOffice(broker, user, adm) for user, adm in SAMPLE_PRODUCERS.items()
        }

    def browser(self) -> Client:
        """A client with its own cookie jar, like one person's browser."""
        return Client(self.system.wsgi)

    def container(self, service: str) -> Any:
        return self.system.containers[service]

    def close(self) -> None:
        for back_office in self.back_offices.values():
            back_office.close()
        self.system.stop()
        for container in self.system.containers.values():
            container.engine.dispose()


@pytest.fixture(scope="session")
def broker_with_definitions(rabbitmq: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The broker loaded with the same definitions as production: users, rights, topology."""
    settings = Settings(secret_key="x" * 32)
    service_users = {name: settings.service_user(name) for name in SERVICES}
    users = [*service_users.values(), *SAMPLE_PRODUCERS]
    rendered = definitions.render(service_users, SAMPLE_PRODUCERS, dict.fromkeys(users, PASSWORD))
    path = Path(tmp_path_factory.mktemp("definitions")) / "definitions.json"
    path.write_text(json.dumps(rendered))
    rabbitmq.import_definitions(path)
    return rabbitmq


@pytest.fixture(scope="module")
def running_system(
    broker_with_definitions: Any, postgres: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningSystem]:
    suffix = uuid.uuid4().hex[:8]
    urls = {}
    for name in SERVICES:
        database = f"e2e_{suffix}_{name}"
        postgres.create_database(database)
        urls[name] = postgres.url(database)
    settings = Settings(
        secret_key="e2e-secret-key-that-is-long-enough-0123456789",
        database_urls=urls,
        public_url="http://explicite.test",
        outbox_poll_ms=20,
        consumer_batch_wait_ms=5,
    )
    system = Embedded(settings, broker=None)
    start_services(
        system,
        lambda name: AmqpTransport(
            broker_with_definitions.amqp_url(settings.service_user(name), PASSWORD)
        ),
    )
    register_samples(system)
    running = RunningSystem(system, broker_with_definitions)
    yield running
    running.close()
