"""The appeals worker on the in-process broker: read models from events, in any order, and
what can never be used set aside with its reason."""

from __future__ import annotations

import time

from sqlalchemy import select

from services.appeals.adapters import tables as t
from services.appeals.entrypoints.consumer import build_worker
from shared.contracts.events import Event
from shared.messaging.memory import MemoryBroker, MemoryTransport
from shared.samples import SAMPLE_ALGORITHMS
from tests.integration.appeals.conftest import sample_decision


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
        document = {**next(a for a in SAMPLE_ALGORITHMS if a["id"] == "creche-attribution"),
                    "version": "2099.1"}
        decision = sample_decision("creche-attribution", seed=90)
        decision["algorithm"] = {"id": document["id"], "version": "2099.1"}
        contact = decision["subject"].pop("contact")
        events = [
            Event("decision.logged", "ville-exemple", {
                "decision": decision, "contact": contact, "reference": "D-WORKR-00001",
                "access_code": "ABCD-EFGH-JKMN", "public_url": "http://x/d/D-WORKR-00001",
                "replay": {"status": "consistent"}}),
            Event("algorithm.registered", "ville-exemple", {"algorithm": document,
                                                            "revision": 1}),
            Event("explanation.generated", "ville-exemple", {
                "reference": "D-WORKR-00001", "explanation_id": "e-1", "version": 1,
                "readability": {"formula": "Kandel-Moles", "score": 74.5}}),
            Event("decision.logged", "ville-exemple", {"decision": {"decision_id": "X"}}),
        ]
        with MemoryTransport(broker, "svc-decision-log").publisher() as publisher:
            publisher.publish([e.to_message() for e in events])

        def kept() -> bool:
            with world.uow() as uow:
                return (uow.read.decision("D-WORKR-00001") is not None
                        and uow.read.algorithm(document["administration"], document["id"],
                                                   "2099.1") is not None
                        and uow.read.explanation("D-WORKR-00001") is not None
                        and bool(uow.session.execute(
                            select(t.messaging.dead_letters)).all()))
        until(kept)
        with world.uow() as uow:
            row = uow.read.decision("D-WORKR-00001")
            dead = uow.session.execute(select(t.messaging.dead_letters)).one()
            stored = uow.session.execute(select(t.decisions)).all()
        assert row.contact == contact and "ABCD-EFGH-JKMN" not in str(stored)
        assert "missing" in dead.reason
    finally:
        worker.stop.set()
        worker.join(5)
