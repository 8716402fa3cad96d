"""The outbox relay's idle wait on the real servers: a local commit interrupts the AMQP
publisher's I/O loop at once, and the idle poll's autocommit look on PostgreSQL finds the
rows another process committed."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import MetaData, insert, select, text
from sqlalchemy.orm import sessionmaker

from shared.db import UnitOfWork, make_engine
from shared.messaging import topology
from shared.messaging.amqp import AmqpTransport
from shared.messaging.message import OutgoingMessage
from shared.messaging.outbox import OutboxRelay
from shared.messaging.tables import define_messaging_tables

pytestmark = pytest.mark.infra
metadata = MetaData()
tables = define_messaging_tables(metadata)


def _event(message_id: str) -> OutgoingMessage:
    return OutgoingMessage(
        exchange=topology.EVENTS_EXCHANGE,
        routing_key="decisions.logged.ville-exemple",
        body=b'{"n": 1}',
        message_id=message_id,
        type="decision.logged",
        schema="decision.logged.v1",
    )


@pytest.fixture
def transport(rabbitmq: Any) -> AmqpTransport:
    user, password = f"relay-{uuid.uuid4().hex[:6]}", uuid.uuid4().hex
    rabbitmq.add_user(user, password)
    rabbitmq.set_permissions(user, ".*", ".*", ".*")
    transport = AmqpTransport(rabbitmq.amqp_url(user, password))
    transport.declare_topology()
    return transport


@pytest.fixture
def engine(postgres: Any) -> Any:
    database = f"relay_{uuid.uuid4().hex[:6]}"
    postgres.create_database(database)
    engine = make_engine(postgres.url(database))
    metadata.create_all(engine)
    yield engine
    engine.dispose()


def test_an_interrupt_ends_the_amqp_publishers_idle_wait_and_spares_a_publish(transport):
    with transport.publisher() as publisher:
        publisher.publish([_event(str(uuid.uuid4()))])  # connected
        started = time.monotonic()
        threading.Timer(0.2, publisher.interrupt).start()
        publisher.idle(20)
        assert time.monotonic() - started < 5
        # An interrupt while no wait is going on ends the next one at once, and never cuts a
        # publish short (it waits for every confirm).
        publisher.interrupt()
        result = publisher.publish([_event(str(uuid.uuid4())) for _ in range(50)])
        assert len(result.confirmed) == 50 and not result.failed


def test_the_relay_sleeps_until_a_commit_or_a_poll_finds_rows(transport, engine):
    relay = OutboxRelay(engine, tables, poll_interval=0.2)
    sessions = sessionmaker(engine)
    stop = threading.Event()
    thread = threading.Thread(target=relay.run, args=(transport, stop), daemon=True)
    thread.start()

    def outbox_empty() -> bool:
        with engine.connect() as connection:
            return connection.execute(select(tables.outbox.c.id)).first() is None

    def wait_empty(seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if outbox_empty():
                return True
            time.sleep(0.02)
        return False

    try:
        time.sleep(0.5)
        with UnitOfWork(sessions, tables.outbox, after_commit=relay.wake.set) as uow:
            uow.publish(_event("local"))
            uow.commit()
        assert wait_empty(3)
        with engine.begin() as connection:  # a web process's commit: no wake
            connection.execute(
                insert(tables.outbox).values(
                    exchange=topology.EVENTS_EXCHANGE,
                    routing_key="decisions.logged.ville-exemple",
                    body=b"{}",
                    message_id="from-the-web",
                    type="decision.logged",
                    schema="decision.logged.v1",
                    headers={},
                    created_at=datetime.now(UTC),
                )
            )
        assert wait_empty(3)
        # The idle look is one autocommit connection: no transaction left open between polls.
        with engine.connect() as connection:
            idle_in_transaction = connection.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND state = 'idle in transaction'"
                )
            )
        assert idle_in_transaction == 0
    finally:
        stop.set()
        relay.wake.set()
        thread.join(10)


def test_the_relays_rounds_do_not_wait_for_the_wal_flush_and_the_pool_still_does(transport, engine):
    """The relay's commits only delete what the broker confirmed (a lost one republishes, the
    inboxes drop the copies): its own connection skips the flush; pooled ones, whose commits
    log decisions and explanations, keep it."""
    relay = OutboxRelay(engine, tables, poll_interval=0.2)
    sessions = sessionmaker(engine)
    with UnitOfWork(sessions, tables.outbox) as uow:
        uow.publish(_event(str(uuid.uuid4())))
        uow.commit()
    try:
        with transport.publisher() as publisher:
            assert relay.relay_once(publisher) == 1
        own = relay._relay_connection()
        assert own.exec_driver_sql("SHOW synchronous_commit").scalar() == "off"
        own.rollback()
        for _ in range(engine.pool.size() + 1):  # every pooled connection
            with engine.connect() as connection:
                assert connection.execute(text("SHOW synchronous_commit")).scalar() == "on"
        with engine.connect() as connection:
            assert connection.execute(select(tables.outbox.c.id)).first() is None
    finally:
        relay.close()
