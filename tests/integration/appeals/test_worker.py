"""The appeals worker on the in-process broker: read models from events, in any order, and
what can never be used set aside with its reason."""

from __future__ import annotations

import time

from sqlalchemy import select

from services.appeals.adapters import tables as t
from services.appeals.entrypoints.consumer import build_worker
from shared.contracts.events import Event
from shared.contracts.messages import (
    AlgorithmRegistered,
    ExplanationGenerated,
    Readability,
)
from shared.messaging.memory import MemoryBroker, MemoryTransport
from shared.samples import SAMPLE_ALGORITHMS
from tests.integration.appeals.conftest import sample_decision
from tests.support import builders


def until(predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_decisions_before_their_algorithm_are_kept_and_bad_events_set_aside(world):
    broker = MemoryBroker()
    broker.declare_topology()
    worker = build_worker(world.service, MemoryTransport(broker, "svc-appeals"))
    worker.start()
    try:
        document = {
            **next(a for a in SAMPLE_ALGORITHMS if a["id"] == "creche-attribution"),
            "version": "2099.1",
        }
        decision = sample_decision("creche-attribution", seed=90)
        decision["algorithm"] = {"id": document["id"], "version": "2099.1"}
        contact = decision["subject"]["contact"]
        messages = builders.published(
            builders.logged(decision, "D-WORKR-00001").to_event(),
            AlgorithmRegistered("ville-exemple", document, 1).to_event(),
            ExplanationGenerated(
                administration="ville-exemple",
                reference="D-WORKR-00001",
                decision_id=decision["decision_id"],
                explanation_id=1,
                version=1,
                reason="Première version",
                mention_explicite="Décision prise…",
                motif=None,
                public_url="http://x/d/D-WORKR-00001",
                readability=Readability("Kandel-Moles", 74.5),
                template="default",
                algorithm=decision["algorithm"],
                supersedes=None,
            ).to_event(),
            Event("decision.logged", "ville-exemple", {"decision": {"decision_id": "X"}}),
        )
        with MemoryTransport(broker, "svc-decision-log").publisher() as publisher:
            publisher.publish(messages)

        def kept() -> bool:
            with world.uow() as uow:
                return (
                    uow.read.decision("D-WORKR-00001") is not None
                    and uow.read.algorithm(document["administration"], document["id"], "2099.1")
                    is not None
                    and uow.read.explanation("D-WORKR-00001") is not None
                    and bool(uow.session.execute(select(t.messaging.dead_letters)).all())
                )

        until(kept)
        with world.uow() as uow:
            row = uow.read.decision("D-WORKR-00001")
            dead = uow.session.execute(select(t.messaging.dead_letters)).one()
            stored = uow.session.execute(select(t.decisions)).all()
        assert row.contact == contact and "access_code" not in str(stored)
        assert "Missing data for required field" in dead.reason
    finally:
        worker.stop.set()
        worker.join(5)


def test_the_read_models_gather_longer_batches_than_the_other_queues(world):
    """Nobody waits for appeals' copies of decisions and explanations: their consumers wait
    `read_model_batch_wait_ms` for a batch (far fewer transactions at a steady rate); the
    queues a person or an agent waits for keep the services' wait."""
    from dataclasses import replace

    from services.appeals.bootstrap import AppealsConfig
    from shared.messaging import topology

    world.service.config = replace(AppealsConfig(), read_model_batch_wait_ms=750)
    worker = build_worker(world.service, MemoryTransport(MemoryBroker(), "svc-appeals"))
    waits = {consumer.queue: consumer._settings.batch_wait for consumer in worker.consumers}
    for event in (topology.DECISIONS_LOGGED, topology.EXPLANATIONS_GENERATED):
        assert waits[topology.QueueSpec("appeals", event).name] == 0.75
    general = world.service.settings.consumer_batch_wait_ms / 1000
    assert waits[topology.QueueSpec("appeals", topology.ALGORITHM_REGISTERED).name] == general
    assert waits["appeals.dead-letter"] == general


def test_the_read_model_wait_is_read_from_the_environment(world):
    from services.appeals.bootstrap import AppealsConfig

    env = {"EXPLICITE_APPEALS_READ_MODEL_WAIT_MS": "250"}
    assert AppealsConfig.from_env(world.service.settings, env).read_model_batch_wait_ms == 250
    assert AppealsConfig.from_env(world.service.settings, {}).read_model_batch_wait_ms == 500
