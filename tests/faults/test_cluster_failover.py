"""A three-node RabbitMQ cluster with quorum queues loses a node mid-stream: nothing is lost."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from services.decision_log.adapters import tables as dl
from services.decision_log.bootstrap import bootstrap
from services.decision_log.entrypoints.consumer import build_worker
from services.decision_log.service_layer.producers import register_amqp_producer
from services.decision_log.service_layer.registry import register_algorithm
from shared.config import Settings
from shared.messaging.amqp import AmqpTransport
from shared.migrations import upgrade
from shared.samples import SAMPLE_ALGORITHMS, generate_decisions
from tests.faults.conftest import SCALE, add_back_office, add_service_user
from tests.faults.harness import ConfirmedStream, FaultReport, wait_until
from tests.support.processes import RabbitMQCluster

pytestmark = [pytest.mark.infra, pytest.mark.faults, pytest.mark.slow]
PASSWORD = "cluster-password-0123"
EVENTS, RATE = {"ci": (2000, 150), "full": (10000, 250)}[SCALE]
CRECHE = [a for a in SAMPLE_ALGORITHMS if a["id"] == "creche-attribution"]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RabbitMQCluster]:
    with RabbitMQCluster(tmp_path_factory.mktemp("faults-cluster"), size=3) as cluster:
        yield cluster


def test_a_node_dies_mid_stream_and_nothing_is_lost(cluster: RabbitMQCluster, own_postgres: Any):
    suffix = uuid.uuid4().hex[:6]
    service_user, back_office = f"svc-decision-log-{suffix}", f"bo-ville-{suffix}"
    add_service_user(cluster.nodes[0], service_user, PASSWORD)
    add_back_office(cluster.nodes[0], back_office, PASSWORD)
    database = f"cluster_{suffix}"
    own_postgres.create_database(database)
    # Clients know every node and move to the next one when theirs goes away.
    settings = Settings(
        secret_key="cluster-secret-key-that-is-long-enough-0123456789",
        database_urls={"decision_log": own_postgres.url(database)},
        service_users={"decision_log": service_user},
        amqp_url=",".join(cluster.amqp_urls(service_user, PASSWORD)),
        outbox_poll_ms=20,
    )
    service = bootstrap(settings)
    upgrade("decision_log", service.engine)
    with service.uow() as uow:
        register_algorithm(uow, CRECHE[0], administration="ville-exemple", by="faults")
        register_amqp_producer(uow, back_office, "ville-exemple")
        uow.commit()
    worker = build_worker(service, AmqpTransport(settings.amqp_url))
    worker.start()
    time.sleep(2)  # the quorum queues' registrations reach disk on every node

    stream = ConfirmedStream(
        ",".join(cluster.amqp_urls(back_office, PASSWORD)),
        generate_decisions(EVENTS, seed=11, algorithms=CRECHE),
        RATE,
    )
    report = FaultReport(events=EVENTS)
    stream.start()
    time.sleep(EVENTS / RATE / 3)
    killed_at = time.monotonic()
    cluster.kill_node(0)  # the node every client connected to first, and the queues' leader
    report.faults["node_killed"] += 1

    def logged() -> set[str]:
        with service.engine.connect() as connection:
            return set(connection.scalars(select(dl.decisions.c.decision_id)))

    backlog = {d["decision_id"] for d in list(stream.confirmed.values())}
    wait_until(lambda: backlog <= logged(), timeout=120)
    report.time_to_recover_s = time.monotonic() - killed_at
    assert wait_until(lambda: stream.done, timeout=300)
    stream.stop()
    expected = {d["decision_id"] for d in stream.confirmed.values()}
    assert wait_until(lambda: expected <= logged(), timeout=120)
    restart = threading.Thread(target=cluster.start_node, args=(0,))
    restart.start()
    report.lost = len(expected - logged())
    report.extra.update(publish_retries=stream.publish_failures, nodes=3, scale=SCALE)
    report.publish("faults-cluster-failover")
    worker.stop.set()
    worker.join(10)
    service.engine.dispose()
    restart.join(120)
    assert report.lost == 0 and len(logged()) == EVENTS
