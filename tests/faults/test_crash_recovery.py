"""Kill the broker, the workers and the database while confirmed decisions stream in:
afterwards every confirmed decision is logged exactly once. Lost = 0, duplicated = 0."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from services.decision_log.adapters import tables as dl
from services.decision_log.bootstrap import bootstrap
from services.decision_log.service_layer.producers import register_amqp_producer
from services.decision_log.service_layer.registry import register_algorithm
from shared.config import Settings
from shared.migrations import upgrade
from shared.samples import SAMPLE_ALGORITHMS, generate_decisions
from shared.testing.tcp_proxy import TcpProxy
from tests.faults.conftest import SCALE, add_back_office, add_service_user
from tests.faults.harness import ConfirmedStream, FaultReport, WorkerProcess, wait_until

pytestmark = [pytest.mark.infra, pytest.mark.faults]
PASSWORD = "faults-password-0123"
EVENTS, RATE, ROUNDS = {"ci": (3000, 120, 2), "full": (20000, 250, 6)}[SCALE]
CRECHE = [a for a in SAMPLE_ALGORITHMS if a["id"] == "creche-attribution"]


class Rig:
    """decision_log's worker as a process, connected to the broker through a TCP proxy."""

    def __init__(self, broker: Any, postgres: Any, suffix: str, log_dir: Path) -> None:
        self.broker, self.postgres = broker, postgres
        self.service_user = f"svc-decision-log-{suffix}"
        self.back_office = f"bo-ville-{suffix}"
        add_service_user(broker, self.service_user, PASSWORD)
        add_back_office(broker, self.back_office, PASSWORD)
        database = f"faults_{suffix}_decision_log"
        postgres.create_database(database)
        self.proxy = TcpProxy(broker.port)
        settings = Settings(
            secret_key="faults-secret-key-that-is-long-enough-0123456789",
            database_urls={"decision_log": postgres.url(database)},
            service_users={"decision_log": self.service_user})
        self.decision_log = bootstrap(settings)
        upgrade("decision_log", self.decision_log.engine)
        with self.decision_log.uow() as uow:
            for document in CRECHE:
                register_algorithm(uow, document, administration=document["administration"],
                                   by="faults")
            register_amqp_producer(uow, self.back_office, "ville-exemple")
            uow.commit()
        proxied = f"amqp://{self.service_user}:{PASSWORD}@127.0.0.1:{self.proxy.port}/%2F"
        self.worker = WorkerProcess("decision_log", {
            "EXPLICITE_SECRET_KEY": settings.secret_key,
            "EXPLICITE_DECISION_LOG_DATABASE_URL": postgres.url(database),
            "EXPLICITE_DECISION_LOG_AMQP_USER": self.service_user,
            "EXPLICITE_AMQP_URL": proxied + "?heartbeat=10&connection_attempts=1",
            "EXPLICITE_OUTBOX_POLL_MS": "50",
        }, log_dir)

    def logged_ids(self) -> list[str]:
        with self.decision_log.engine.connect() as connection:
            return list(connection.scalars(select(dl.decisions.c.decision_id)))

    def count(self, table: Any) -> int:
        with self.decision_log.engine.connect() as connection:
            return int(connection.scalar(select(func.count()).select_from(table)) or 0)

    def close(self) -> None:
        self.worker.stop()
        self.proxy.close()
        self.decision_log.engine.dispose()


@pytest.fixture
def rig(own_rabbitmq, own_postgres, suffix, tmp_path) -> Iterator[Rig]:
    rig = Rig(own_rabbitmq, own_postgres, suffix, tmp_path)
    rig.worker.start()
    yield rig
    rig.close()


def resumed(rig: Rig, report: FaultReport, kind: str) -> None:
    """Count the fault and time how long until the pipeline logs new decisions again."""
    report.faults[kind] += 1
    ended, before = time.monotonic(), len(rig.logged_ids())
    wait_until(lambda: len(rig.logged_ids()) > before, timeout=120, interval=0.05)
    report.extra.setdefault("resume_s", {}).setdefault(kind, []).append(
        round(time.monotonic() - ended, 2))


def inject(rig: Rig, report: FaultReport) -> float:
    """Rounds of every kind of fault; return when the last one ended."""
    for _ in range(ROUNDS):
        time.sleep(1)
        rig.broker.kill()  # SIGKILL of the node: no goodbye to anyone
        time.sleep(1)
        rig.broker.start()
        resumed(rig, report, "broker_killed")
        rig.worker.kill()
        time.sleep(0.5)
        rig.worker.start()
        resumed(rig, report, "consumer_killed")
        rig.postgres.stop_immediately()
        time.sleep(2)
        rig.postgres.start()
        resumed(rig, report, "database_stopped")
        rig.proxy.reset()
        resumed(rig, report, "connections_reset")
    return time.monotonic()


def test_nothing_lost_nothing_duplicated_through_crashes(rig: Rig):
    decisions = generate_decisions(EVENTS, seed=7, algorithms=CRECHE)
    stream = ConfirmedStream(rig.broker.amqp_url(rig.back_office, PASSWORD), decisions, RATE)
    report = FaultReport(events=EVENTS)
    time.sleep(1.5)  # a quorum queue killed within ~0.5 s of its declaration is lost (3.10)
    stream.start()
    last_fault_end = inject(rig, report)
    # Recovery: how long until everything confirmed before the last fault's end is logged.
    backlog = {d["decision_id"] for d in list(stream.confirmed.values())}
    wait_until(lambda: backlog <= set(rig.logged_ids()), timeout=180)
    report.time_to_recover_s = time.monotonic() - last_fault_end
    assert wait_until(lambda: stream.done, timeout=300), "the stream could not finish"
    stream.stop()
    expected = {d["decision_id"] for d in stream.confirmed.values()}
    recovered = wait_until(lambda: expected <= set(rig.logged_ids()), timeout=180)
    logged = rig.logged_ids()
    report.lost = len(expected - set(logged))
    report.duplicated = len(logged) - len(set(logged)) + len(set(logged) - expected)
    report.quarantined = rig.count(dl.quarantine)
    report.dead_lettered = rig.count(dl.messaging.dead_letters)
    report.extra.update(publish_attempts=stream.attempts,
                        publish_retries=stream.publish_failures, rate_per_s=RATE, scale=SCALE)
    report.publish("faults-crash-recovery")
    assert recovered, rig.worker.log_tail()
    assert report.lost == 0 and report.duplicated == 0
    assert report.quarantined == 0 and report.dead_lettered == 0
    assert rig.worker.alive
