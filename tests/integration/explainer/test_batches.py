"""A consumer batch of decision.logged (lookups prefetched, writes staged and sent together)
stores and announces exactly what the same events handled one at a time do.

Run on SQLite and, marked infra, on PostgreSQL, where the staged rows are written with COPY.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from services.explainer.adapters import repository
from services.explainer.adapters import tables as t
from services.explainer.bootstrap import Explainer, bootstrap
from services.explainer.entrypoints.consumer import build_worker
from services.explainer.entrypoints.events import algorithm_registered
from services.explainer.service_layer import generation
from services.explainer.service_layer.handlers import record_algorithm, record_decision
from shared.config import Settings
from shared.contracts.events import Event, InvalidMessage
from shared.contracts.messages import DecisionLogged
from shared.messaging import topology
from shared.messaging.memory import MemoryBroker, MemoryTransport
from shared.messaging.message import Delivery
from shared.migrations import upgrade
from tests.integration.explainer.conftest import SECRET, Logged, decision_of, registered, sample
from tests.support.builders import published

LOGGED_QUEUE = topology.QueueSpec("explainer", topology.DECISIONS_LOGGED).name
REGISTERED_QUEUE = topology.QueueSpec("explainer", topology.ALGORITHM_REGISTERED).name


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.infra)])
def make_service(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Callable[[], Explainer]]:
    """Makes explainers, each on a database of its own, migrated."""
    made: list[Explainer] = []

    def url() -> str:
        name = f"explainer_{uuid.uuid4().hex[:10]}"
        if request.param == "sqlite":
            return f"sqlite:///{tmp_path / name}.db"
        postgres = request.getfixturevalue("postgres")
        postgres.create_database(name)
        return str(postgres.url(name))

    def make() -> Explainer:
        settings = Settings(
            secret_key=SECRET,
            transport="memory",
            database_urls={"explainer": url()},
            public_url="http://explicite.test",
            single_events=(),  # the outbox holds the batch events only (compared below)
        )
        service = bootstrap(settings)
        upgrade("explainer", service.engine)
        made.append(service)
        return service

    yield make
    for service in made:
        service.engine.dispose()


class Batched:
    """The explainer's own consumers, one batch per publish (the relay is not run: the outbox
    keeps what was announced)."""

    def __init__(self, service: Explainer) -> None:
        self.service = service
        self.broker = MemoryBroker()
        self.broker.declare_topology()
        self.transport = MemoryTransport(self.broker, "svc-explainer")
        self.worker = build_worker(service, self.transport)

    def publish(self, *events: Event) -> None:
        """As decision_log publishes them: the decisions together, in one decisions.logged."""
        with MemoryTransport(self.broker, "svc-decision-log").publisher() as publisher:
            publisher.publish(published(*events))
        for consumer in self.worker.consumers:
            channel = self.transport.consumer(consumer.queue, 1000)
            while batch := channel.next_batch(1000, 0.0, 0.0):
                consumer.process(channel, batch)
            channel.close()


class OneByOne:
    """The handlers called one event at a time, each in its own transaction, no batch."""

    def __init__(self, service: Explainer) -> None:
        self.service = service

    def publish(self, *events: Event) -> None:
        context = self.service.context
        for event in events:
            message = event.to_message()
            delivery = Delivery(
                queue="",
                delivery_tag=1,
                body=message.body,
                routing_key=message.routing_key,
                message_id=message.message_id,
                type=message.type,
            )
            with self.service.uow() as uow:
                try:
                    if event.name == topology.ALGORITHM_REGISTERED:
                        record_algorithm(uow, algorithm_registered(delivery), context)
                    else:
                        record_decision(uow, DecisionLogged.from_delivery(delivery), context)
                except InvalidMessage:
                    continue
                uow.commit()


def snapshot(service: Explainer) -> dict[str, Any]:
    """What the explainer stored and announced, without ids, clocks and event ids."""
    with service.engine.connect() as connection:
        decisions = list(connection.execute(select(t.decisions)))
        explanations = list(connection.execute(select(t.explanations)))
        outbox = list(
            connection.execute(select(t.messaging.outbox).order_by(t.messaging.outbox.c.id))
        )
    reference_of = {row.id: row.reference for row in decisions}
    version_of = {row.id: (reference_of[row.decision_pk], row.version) for row in explanations}
    announced = []
    for row in outbox:
        # Each explanation.generated, whether it left in an explanations.generated or alone.
        event = json.loads(row.body)
        assert row.type == topology.EXPLANATIONS_GENERATED
        assert event["data"]["count"] == len(event["data"]["items"])
        for data in event["data"]["items"]:
            assert data["explanation_id"] in version_of  # the id stored, as announced
            data["explanation_id"] = version_of[data["explanation_id"]]
            announced.append((row.routing_key, event["administration"], data))
    return {
        "decisions": {
            row.reference: (
                row.access_code_hash,
                row.administration,
                row.decision_id,
                row.algorithm_id,
                row.algorithm_version,
                row.body,
                row.replay,
                row.supersedes,
                row.log_seq,
                row.log_hash,
                row.channel,
                row.status,
            )
            for row in decisions
        },
        "explanations": {
            version_of[row.id]: (
                reference_of[row.decision_pk] == row.reference,
                row.reason,
                row.template,
                row.algorithm_revision,
                version_of.get(row.previous_explanation_id),
                row.document,
                row.mention,
                row.readability,
            )
            for row in explanations
        },
        # In order within each administration (a batch message holds one administration's).
        "announced": sorted(announced, key=lambda item: item[0]),
    }


def scenario() -> tuple[list[Event], list[Event], list[Event]]:
    """Two batches of decisions, an amendment between them, then the registration that explains
    the parked ones."""
    first = [Logged(decision_of("creche-attribution", seed=s)) for s in (30, 31, 32)]
    transport = [Logged(decision_of("aide-transport-scolaire", seed=s)) for s in (33, 34)]
    parked = Logged(decision_of("ciblage-controles", seed=35))
    divergent = Logged(
        decision_of("creche-attribution", seed=36),
        replay={"status": "divergent", "differences": ["outcome"], "expected_outcome": "refus"},
    )
    revised = Logged(
        decision_of(
            "creche-attribution",
            seed=37,
            decision_id=first[0].decision["decision_id"] + "-R1",
            supersedes=first[0].decision["decision_id"],
        )
    )
    announced_again = Logged(first[1].decision)  # a new message for a recorded decision
    announced_again.reference = first[1].reference
    clash = Logged(decision_of("creche-attribution", seed=38))  # another decision's reference
    clash.reference = first[2].reference
    not_a_digest = Logged(decision_of("creche-attribution", seed=39)).event()
    not_a_digest.data["access_code_hash"] = "not-a-digest"
    batch_1 = [
        registered(sample("creche-attribution")),
        registered(sample("aide-transport-scolaire")),
        *(
            logged.event()
            for logged in (*first, *transport, parked, divergent, revised, announced_again, clash)
        ),
        not_a_digest,
    ]
    # The second batch revises a decision of the first and the revision, repeats a message
    # and parks another decision.
    revised_again = Logged(
        decision_of(
            "creche-attribution",
            seed=40,
            decision_id=revised.decision["decision_id"] + "-R2",
            supersedes=revised.decision["decision_id"],
        )
    )
    revised_transport = Logged(
        decision_of(
            "aide-transport-scolaire",
            seed=41,
            decision_id=transport[0].decision["decision_id"] + "-R1",
            supersedes=transport[0].decision["decision_id"],
        )
    )
    parked_again = Logged(decision_of("ciblage-controles", seed=42))
    amended = {**sample("creche-attribution"), "purpose": "Classer les demandes de place."}
    batch_2 = [
        registered(amended, revision=2),  # re-explains the first batch's creche decisions
        revised_again.event(),
        revised_transport.event(),
        batch_1[3],
        parked_again.event(),
        *(Logged(decision_of("aide-transport-scolaire", seed=s)).event() for s in (43, 44)),
    ]
    return batch_1, batch_2, [registered(sample("ciblage-controles"))]


def test_a_batch_stores_and_announces_what_one_by_one_handling_does(make_service):
    batched, one_by_one = Batched(make_service()), OneByOne(make_service())
    for events in scenario():
        batched.publish(*events)
        one_by_one.publish(*events)
        assert snapshot(batched.service) == snapshot(one_by_one.service)
    stored = snapshot(batched.service)
    assert len(stored["decisions"]) == 13 and len(stored["explanations"]) == 18
    assert len(stored["announced"]) == 18
    assert {revision for _, _, _, revision, *_ in stored["explanations"].values()} == {1, 2}
    assert {status for *_, status in stored["decisions"].values()} == {"explained"}
    with batched.service.engine.connect() as connection:
        reasons = list(connection.scalars(select(t.messaging.dead_letters.c.reason)))
    assert len(reasons) == 2 and any("already belongs to another decision" in r for r in reasons)


def test_a_redelivered_batch_changes_nothing(make_service):
    batched = Batched(make_service())
    batch_1, batch_2, registration = scenario()
    batched.publish(*batch_1)
    before = snapshot(batched.service)
    batched.publish(*batch_1)
    assert snapshot(batched.service) == before
    batched.publish(*batch_2, *registration)
    after = snapshot(batched.service)
    batched.publish(*batch_2, *batch_1)
    assert snapshot(batched.service) == after


def test_a_failing_write_makes_the_batch_retry_one_by_one_and_nothing_is_written_twice(
    make_service, monkeypatch
):
    batched, one_by_one = Batched(make_service()), OneByOne(make_service())
    batch_1, batch_2, registration = scenario()
    batched.publish(*batch_1)
    one_by_one.publish(*batch_1)
    written = repository.insert_rows
    failures = []

    def fail_once(session: Any, table: Any, rows: Any) -> None:
        if table is t.explanations and not failures:
            failures.append(len(rows))
            raise RuntimeError("COPY failed")
        written(session, table, rows)

    monkeypatch.setattr(repository, "insert_rows", fail_once)
    batched.publish(*batch_2)
    one_by_one.publish(*batch_2)
    assert failures == [4]  # the whole batch's explanations, then one by one
    batched.publish(*registration)
    one_by_one.publish(*registration)
    assert snapshot(batched.service) == snapshot(one_by_one.service)


def test_a_decision_that_cannot_be_explained_fails_alone(make_service, monkeypatch):
    batched = Batched(make_service())
    batch_1, batch_2, _ = scenario()
    batched.publish(*batch_1)
    poisoned = json.loads(batch_2[-1].to_json())["data"]["reference"]
    compose = generation.compose

    def failing(case: Any, template: Any, today: Any = None) -> Any:
        if case.reference == poisoned:
            raise ValueError("cannot explain")
        return compose(case, template, today)

    notice = generation.notice

    def failing_notice(case: Any) -> Any:
        if case.reference == poisoned:
            raise ValueError("cannot explain")
        return notice(case)

    # The notice's text is written at once; the whole document only for a wording's first.
    monkeypatch.setattr(generation, "compose", failing)
    monkeypatch.setattr(generation, "notice", failing_notice)
    batched.publish(*batch_2)
    stored = snapshot(batched.service)
    assert poisoned not in stored["decisions"]
    assert len(stored["decisions"]) == 12 and len(stored["announced"]) == 15
    with batched.service.engine.connect() as connection:
        [failure] = connection.execute(select(t.messaging.failures)).all()
    assert "cannot explain" in failure.last_error
