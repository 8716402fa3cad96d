"""Kill the broker, the workers and the database while confirmed decisions stream in:
afterwards every confirmed decision is logged exactly once and explained exactly once.
Lost = 0, duplicated = 0."""

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
from services.explainer.adapters import tables as ex
from services.explainer.bootstrap import bootstrap as explainer_bootstrap
from shared.config import Settings
from shared.migrations import upgrade
from shared.samples import SAMPLE_ALGORITHMS, generate_decisions
from tests.faults.conftest import SCALE, add_back_office, add_service_user
from tests.faults.harness import (
    ConfirmedStream,
    FaultReport,
    WorkerProcess,
    wait_until,
    wait_while_progressing,
)
from tests.support.tcp_proxy import TcpProxy

pytestmark = [pytest.mark.infra, pytest.mark.faults]
PASSWORD = "faults-password-0123"
EVENTS, RATE, ROUNDS = {"ci": (3000, 120, 2), "full": (20000, 250, 6)}[SCALE]
CRECHE = [a for a in SAMPLE_ALGORITHMS if a["id"] == "creche-attribution"]


class Rig:
    """decision_log's (two) and the explainer's workers as processes, connected to the
    broker through a TCP proxy."""

    def __init__(self, broker: Any, postgres: Any, suffix: str, log_dir: Path) -> None:
        self.broker, self.postgres = broker, postgres
        self.back_office = f"bo-ville-{suffix}"
        add_back_office(broker, self.back_office, PASSWORD)
        users = {
            name: f"svc-{name.replace('_', '-')}-{suffix}" for name in ("decision_log", "explainer")
        }
        urls = {}
        for name, user in users.items():
            add_service_user(broker, user, PASSWORD)
            postgres.create_database(f"faults_{suffix}_{name}")
            urls[name] = postgres.url(f"faults_{suffix}_{name}")
        self.proxy = TcpProxy(broker.port)
        settings = Settings(
            secret_key="faults-secret-key-that-is-long-enough-0123456789",
            database_urls=urls,
            service_users=users,
        )
        self.explainer = explainer_bootstrap(settings)
        upgrade("explainer", self.explainer.engine)
        self.decision_log = bootstrap(settings)
        upgrade("decision_log", self.decision_log.engine)
        with self.decision_log.uow() as uow:
            for document in CRECHE:
                register_algorithm(
                    uow, document, administration=document["administration"], by="faults"
                )
            register_amqp_producer(uow, self.back_office, "ville-exemple")
            uow.commit()
        # decision_log runs two worker processes, as docker-compose deploys it: they share
        # its queue, each batch in its own transaction, and sign checkpoints one at a time.
        self.workers = [
            WorkerProcess(
                name,
                {
                    "EXPLICITE_SECRET_KEY": settings.secret_key,
                    f"EXPLICITE_{name.upper()}_DATABASE_URL": urls[name],
                    **{f"EXPLICITE_{n.upper()}_AMQP_USER": u for n, u in users.items()},
                    "EXPLICITE_AMQP_URL": f"amqp://{user}:{PASSWORD}@127.0.0.1:{self.proxy.port}"
                    "/%2F?heartbeat=10&connection_attempts=1",
                    "EXPLICITE_OUTBOX_POLL_MS": "50",
                },
                log_dir,
                f"{name}-{copy}",
            )
            for name, user in users.items()
            for copy in range(1, 3 if name == "decision_log" else 2)
        ]

    def logged_ids(self) -> list[str]:
        with self.decision_log.engine.connect() as connection:
            return list(connection.scalars(select(dl.decisions.c.decision_id)))

    def explained_ids(self) -> list[str]:
        """One decision id per explanation stored."""
        with self.explainer.engine.connect() as connection:
            return list(
                connection.scalars(
                    select(ex.decisions.c.decision_id).join(
                        ex.explanations, ex.explanations.c.decision_pk == ex.decisions.c.id
                    )
                )
            )

    def count(self, table: Any, engine: Any = None) -> int:
        with (engine or self.decision_log.engine).connect() as connection:
            return int(connection.scalar(select(func.count()).select_from(table)) or 0)

    def start(self) -> None:
        for worker in self.workers:
            worker.start()

    def close(self) -> None:
        for worker in self.workers:
            worker.stop()
        self.proxy.close()
        self.decision_log.engine.dispose()
        self.explainer.engine.dispose()


@pytest.fixture
def rig(own_rabbitmq, own_postgres, suffix, tmp_path) -> Iterator[Rig]:
    rig = Rig(own_rabbitmq, own_postgres, suffix, tmp_path)
    rig.start()
    yield rig
    rig.close()


def resumed(rig: Rig, report: FaultReport, kind: str) -> None:
    """Count the fault and time how long until the pipeline logs new decisions again."""
    report.faults[kind] += 1
    ended, before = time.monotonic(), len(rig.logged_ids())
    wait_until(lambda: len(rig.logged_ids()) > before, timeout=120, interval=0.05)
    report.extra.setdefault("resume_s", {}).setdefault(kind, []).append(
        round(time.monotonic() - ended, 2)
    )


def inject(rig: Rig, report: FaultReport) -> float:
    """Rounds of every kind of fault; return when the last one ended."""
    for _ in range(ROUNDS):
        time.sleep(1)
        rig.broker.kill()  # SIGKILL of the node: no goodbye to anyone
        time.sleep(1)
        rig.broker.start()
        resumed(rig, report, "broker_killed")
        for worker in rig.workers:  # every consumer process, one after the other
            worker.kill()
            time.sleep(0.5)
            worker.start()
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
    started = time.monotonic()
    explained_all = wait_while_progressing(lambda: len(expected - set(rig.explained_ids())))
    report.extra["explanations_backlog_s"] = round(time.monotonic() - started, 1)
    explained = rig.explained_ids()
    report.lost = len(expected - set(logged))
    report.duplicated = (
        len(logged)
        - len(set(logged))
        + len(set(logged) - expected)
        + len(explained)
        - len(set(explained))
    )
    report.explanations_missing = len(expected - set(explained))
    report.quarantined = rig.count(dl.quarantine)
    report.dead_lettered = rig.count(dl.messaging.dead_letters) + rig.count(
        ex.messaging.dead_letters, rig.explainer.engine
    )
    report.extra.update(
        publish_attempts=stream.attempts,
        publish_retries=stream.publish_failures,
        rate_per_s=RATE,
        scale=SCALE,
    )
    report.publish("faults-crash-recovery")
    assert recovered and explained_all, "\n".join(w.log_tail() for w in rig.workers)
    assert report.lost == 0 and report.duplicated == 0 and report.explanations_missing == 0
    assert report.quarantined == 0 and report.dead_lettered == 0
    assert all(worker.alive for worker in rig.workers)
