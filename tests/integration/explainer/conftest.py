"""explainer over a real SQLite database migrated by Alembic, fed through its own consumers."""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from services.explainer.adapters import tables as t
from services.explainer.bootstrap import Explainer, bootstrap
from services.explainer.entrypoints.consumer import build_worker
from services.explainer.entrypoints.web import create_app
from services.explainer.service_layer.generation import materialize
from shared.auth.tokens import hash_access_code, new_access_code, new_reference
from shared.config import Settings
from shared.contracts.events import Event
from shared.contracts.messages import AlgorithmRegistered, DecisionLogged
from shared.messaging import topology
from shared.messaging.memory import MemoryBroker, MemoryTransport
from shared.migrations import upgrade
from shared.samples import SAMPLE_ALGORITHMS, generate_decisions
from shared.web.security import CSRF_FIELD
from tests.support.builders import published

SECRET = "test-secret-key-that-is-long-enough-0123456789"
OBSERVER = "observer.explanations"


def sample(algorithm_id: str) -> dict[str, Any]:
    return copy.deepcopy(next(d for d in SAMPLE_ALGORITHMS if d["id"] == algorithm_id))


def decision_of(
    algorithm_id: str, *, favourable: bool | None = None, seed: int = 3, **changes: Any
) -> dict[str, Any]:
    """A sample decision of that algorithm (refused unless said otherwise), without contact.

    The generator's draws depend on the hour it runs (agents decide on weekdays from 8 h to
    18 h), so one seed may hold no decision of the kind asked at some hours: the next seeds
    are tried, as appeals' `sample_decision` does."""
    for offset in range(200):
        for candidate in generate_decisions(60, seed=seed + offset):
            if candidate["algorithm"]["id"] != algorithm_id:
                continue
            if favourable is not None and candidate["outcome"]["favourable"] != favourable:
                continue
            body = {**candidate, **changes}
            body["subject"] = {"ref": candidate["subject"]["ref"]}
            return body
    raise AssertionError(f"no such sample decision of {algorithm_id}")


class Logged:
    """What decision_log announces for one decision, and what the back office prints."""

    def __init__(self, decision: dict[str, Any], replay: dict[str, Any] | None = None) -> None:
        self.decision = decision
        self.reference = new_reference()
        self.access_code = new_access_code()
        self.replay = replay or {"status": "consistent", "differences": []}

    def event(self) -> Event:
        logged = DecisionLogged(
            administration=self.decision["administration"],
            decision=self.decision,
            contact={"email": "personne@example.org"},
            reference=self.reference,
            access_code_hash=hash_access_code(SECRET, self.access_code),
            public_url=f"http://explicite.test/d/{self.reference}",
            replay=self.replay,
            log_seq=1,
            log_hash="a" * 64,
            channel="amqp",
        )
        return logged.to_event()


def registered(document: dict[str, Any], revision: int = 1) -> Event:
    return AlgorithmRegistered(document["administration"], document, revision).to_event()


class Harness:
    """The explainer's consumers on the in-process broker, driven one step at a time."""

    def __init__(self, service: Explainer) -> None:
        self.service = service
        self.broker = MemoryBroker()
        self.broker.declare_topology()
        self.broker.declare_queue(OBSERVER)
        self.broker.bind(OBSERVER, topology.EVENTS_EXCHANGE, "explanation.#")
        self.transport = MemoryTransport(self.broker, "svc-explainer")
        self.worker = build_worker(service, self.transport)
        self.announced: list[dict[str, Any]] = []

    def publish(self, *events: Event) -> None:
        """As decision_log's relay would (the decisions of one call in one `decisions.logged`
        per administration), then let the explainer consume and relay."""
        with MemoryTransport(self.broker, "svc-decision-log").publisher() as publisher:
            publisher.publish(published(*events))
        self.drain()

    def publish_raw(self, queue: str, body: bytes, message_id: str = "raw-1") -> None:
        from shared.messaging.message import OutgoingMessage

        with MemoryTransport(self.broker, "svc-decision-log").publisher() as publisher:
            publisher.publish(
                [
                    OutgoingMessage(
                        exchange="",
                        routing_key=queue,
                        body=body,
                        message_id=message_id,
                        type="unknown",
                        schema="unknown",
                    )
                ]
            )
        self.drain()

    def drain(self) -> None:
        for consumer in self.worker.consumers:
            channel = self.transport.consumer(consumer.queue, 100)
            while batch := channel.next_batch(100, 0.0, 0.0):
                consumer.process(channel, batch)
            channel.close()
        with self.transport.publisher() as publisher:
            while self.service.relay.relay_once(publisher):
                pass
        for delivery in self.broker.take(OBSERVER, 1000, 0.0):
            self.announced.append(json.loads(delivery.body))

    def events(self, name: str) -> list[dict[str, Any]]:
        return [e["data"] for e in self.announced if e["event"] == name]

    def count(self, table: Any, *where: Any) -> int:
        with self.service.engine.connect() as connection:
            query = select(func.count()).select_from(table)
            for clause in where:
                query = query.where(clause)
            return int(connection.scalar(query) or 0)

    def explanations(self, reference: str) -> list[Any]:
        """Every version, each document built as a first reading builds it."""
        self.materialize(reference)
        return self.stored(reference)

    def materialize(self, reference: str) -> None:
        with self.service.uow() as uow:
            decision = uow.decisions.by_reference(reference)
            rows = uow.session.execute(
                select(t.explanations).where(t.explanations.c.reference == reference)
            )
            for row in list(rows):
                materialize(uow, decision, row, self.service.context)
            uow.commit()

    def stored(self, reference: str) -> list[Any]:
        """Every version as stored (documents not read yet are None)."""
        with self.service.engine.connect() as connection:
            return list(
                connection.execute(
                    select(t.explanations)
                    .where(t.explanations.c.reference == reference)
                    .order_by(t.explanations.c.version)
                )
            )


@pytest.fixture
def settings(tmp_path: Any) -> Settings:
    # As in production: the app is reached only through the gateway, one proxy.
    return Settings(
        secret_key=SECRET,
        transport="memory",
        database_urls={"explainer": f"sqlite:///{tmp_path / 'explainer.db'}"},
        public_url="http://explicite.test",
        trusted_proxies=1,
    )


@pytest.fixture
def explainer(settings: Settings) -> Iterator[Explainer]:
    service = bootstrap(settings)
    upgrade("explainer", service.engine)
    yield service
    service.relay.close()
    service.engine.dispose()


@pytest.fixture
def harness(explainer: Explainer) -> Harness:
    return Harness(explainer)


@pytest.fixture
def app(explainer: Explainer) -> Flask:
    return create_app(explainer.settings, explainer)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def csrf(client: FlaskClient, path: str = "/") -> str:
    """The CSRF token of the client's session, as a page would embed it."""
    page = client.get(path).get_data(as_text=True)
    marker = f'name="{CSRF_FIELD}" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


def open_decision(
    client: FlaskClient, reference: str, code: str, address: str = "203.0.113.7"
) -> Any:
    return client.post(
        "/",
        data={CSRF_FIELD: csrf(client), "reference": reference, "code": code},
        environ_base={"REMOTE_ADDR": address},
    )


def as_agent(client: FlaskClient, administration: str, *roles: str) -> None:
    with client.session_transaction() as session:
        session["agent"] = {
            "id": "agent-1",
            "administration": administration,
            "roles": list(roles),
            "at": time.time(),
        }
