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
