"""The consumer loop and outbox relay on the in-process transport and a real SQLite database."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, event, func, insert, select
from sqlalchemy.orm import sessionmaker

from shared.contracts.batches import Announcement, batch_messages
from shared.contracts.events import Event, InvalidMessage
from shared.db import UnitOfWork, make_engine
from shared.messaging import topology
from shared.messaging.consumer import (
    BatchSettings,
    ManyRoute,
    MessageConsumer,
    Route,
    one_at_a_time,
)
from shared.messaging.dead_letters import dead_letter_consumer, replay_dead_letter
from shared.messaging.memory import MemoryBroker, MemoryTransport
from shared.messaging.message import Delivery, OutgoingMessage
from shared.messaging.outbox import OutboxRelay
from shared.messaging.tables import define_messaging_tables

QUEUE = "explainer.decisions-logged"
metadata = MetaData()
tables = define_messaging_tables(metadata)
handled = Table(
    "handled",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("message_id", String(64), nullable=False),
)


class Harness:
    def __init__(self, path: Path) -> None:
        self.engine = make_engine(f"sqlite:///{path / 'svc.db'}")
        metadata.create_all(self.engine)
        self.sessions = sessionmaker(self.engine)
        self.broker = MemoryBroker()
        self.broker.declare_topology()
        self.transport = MemoryTransport(self.broker, "svc-test")
        self.relay = OutboxRelay(self.engine, tables, batch_size=50, poll_interval=0.01)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessions, tables.outbox, after_commit=self.relay.wake.set)

    def publish(self, *bodies: dict, message_id: str | None = None) -> None:
        with self.transport.publisher() as publisher:
            publisher.publish(
                [
                    OutgoingMessage(
                        exchange=topology.EVENTS_EXCHANGE,
                        routing_key="decisions.logged.x",
                        body=json.dumps(body).encode(),
                        message_id=message_id or str(uuid.uuid4()),
                        type="decision.logged",
                        schema="decision.logged.v1",
                    )
                    for body in bodies
                ]
            )

    def count(self, table: Table) -> int:
        with self.engine.connect() as connection:
            return int(connection.scalar(select(func.count()).select_from(table)) or 0)

    def drain(self, consumer: MessageConsumer, rounds: int = 20) -> None:
        channel = self.transport.consumer(consumer.queue, 100)
        for _ in range(rounds):
            batch = channel.next_batch(50, 0.0, 0.01)
            if batch:
                consumer.process(channel, batch)
        channel.close()


def handler(delivery: Delivery, uow: UnitOfWork) -> None:
    body = json.loads(delivery.body)
    if body.get("invalid"):
        raise InvalidMessage("no decision in this event")
    if body.get("poison"):
        raise RuntimeError("handler bug triggered by this message")
    uow.session.execute(insert(handled).values(message_id=delivery.message_id))


def as_is(delivery: Delivery) -> Delivery:
    return delivery


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[Harness]:
    h = Harness(tmp_path)
    yield h
    h.engine.dispose()


def test_each_message_is_handled_once_however_often_it_is_delivered(harness: Harness):
    consumer = MessageConsumer(Route(QUEUE, as_is, one_at_a_time(handler)), harness.uow, tables)
    harness.publish({"n": 1}, message_id="m-1")
    harness.publish({"n": 1}, message_id="m-1")
    harness.publish({"n": 2}, {"n": 3})
    harness.drain(consumer)
    assert harness.count(handled) == 3
    assert harness.broker.depth(QUEUE) == 0


def test_a_batch_looks_up_and_records_its_messages_in_the_inbox_in_one_statement(
    harness: Harness,
):
    consumer = MessageConsumer(Route(QUEUE, as_is, one_at_a_time(handler)), harness.uow, tables)
    harness.publish({"n": 0}, message_id="m-0")
    harness.drain(consumer)
    inbox_statements: list[str] = []

    def on_statement(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "inbox" in statement:
            inbox_statements.append(statement)

    event.listen(harness.engine, "before_cursor_execute", on_statement)
    try:
        # A batch of four: one already handled, one twice, two new.
        harness.publish({"n": 0}, message_id="m-0")
        harness.publish({"n": 1}, message_id="m-1")
        harness.publish({"n": 1}, message_id="m-1")
        harness.publish({"n": 2}, message_id="m-2")
        harness.drain(consumer)
    finally:
        event.remove(harness.engine, "before_cursor_execute", on_statement)
    assert len(inbox_statements) == 1, inbox_statements
    assert harness.count(handled) == 3
    assert harness.count(tables.inbox) == 3
    assert harness.broker.depth(QUEUE) == 0


def test_an_invalid_message_is_set_aside_with_its_reason_and_others_pass(harness: Harness):
    consumer = MessageConsumer(Route(QUEUE, as_is, one_at_a_time(handler)), harness.uow, tables)
    harness.publish({"n": 1}, {"invalid": True}, {"n": 2})
    harness.drain(consumer)
    assert harness.count(handled) == 2
    with harness.engine.connect() as connection:
        reasons = list(connection.scalars(select(tables.dead_letters.c.reason)))
    assert reasons == ["no decision in this event"]


def test_a_poison_message_is_dead_lettered_after_the_limit_and_replayable(harness: Harness):
    consumer = MessageConsumer(Route(QUEUE, as_is, one_at_a_time(handler)), harness.uow, tables)
    harness.publish({"n": 1}, {"poison": True}, {"n": 2}, message_id=None)
    harness.drain(consumer, rounds=topology.DELIVERY_LIMIT + 5)
    assert harness.count(handled) == 2  # valid traffic flowed meanwhile
    assert harness.broker.depth(QUEUE) == 0
    assert harness.broker.depth("explainer.dead-letter") == 1
    dead = dead_letter_consumer("explainer", tables, harness.uow)
    harness.drain(dead)
    with harness.engine.connect() as connection:
        row = connection.execute(select(tables.dead_letters)).one()
    assert row.queue == QUEUE and row.status == "pending"
    assert "delivery_limit" in row.reason and "handler bug" in row.reason
    with harness.uow() as uow:
        assert replay_dead_letter(uow, tables, row.id)
        uow.commit()
    with harness.transport.publisher() as publisher:
        assert harness.relay.relay_once(publisher) == 1
    assert harness.broker.depth(QUEUE) == 1
    with harness.uow() as uow:
        assert not replay_dead_letter(uow, tables, row.id)  # once only


def test_the_relay_publishes_committed_events_in_order_and_forgets_them(harness: Harness):
    with harness.uow() as uow:
        for n in range(120):
            uow.publish(
                OutgoingMessage(
                    exchange=topology.EVENTS_EXCHANGE,
                    routing_key="decisions.logged.x",
                    body=json.dumps({"n": n}).encode(),
                    message_id=f"e-{n}",
                    type="decision.logged",
                    schema="decision.logged.v1",
                )
            )
        uow.commit()
    with harness.uow() as uow:
        uow.publish(
            OutgoingMessage(
                exchange=topology.EVENTS_EXCHANGE,
                routing_key="x.y",
                body=b"{}",
                message_id="rolled-back",
                type="t",
                schema="t",
            )
        )
        # no commit: the event must never leave
    assert harness.relay.wake.is_set()
    with harness.transport.publisher() as publisher:
        published = sum(harness.relay.relay_once(publisher) for _ in range(4))
    assert published == 120 and harness.count(tables.outbox) == 0
    channel = harness.transport.consumer(QUEUE, 500)
    numbers = [json.loads(d.body)["n"] for d in channel.next_batch(500, 0.01, 0.1)]
    assert numbers == list(range(120))


def test_the_run_loop_consumes_until_stopped(harness: Harness):
    consumer = MessageConsumer(
        Route(QUEUE, as_is, one_at_a_time(handler)),
        harness.uow,
        tables,
        BatchSettings(batch_wait=0.001, idle_wait=0.02),
    )
    stop = threading.Event()
    thread = threading.Thread(target=consumer.run, args=(harness.transport, stop))
    thread.start()
    harness.publish(*({"n": n} for n in range(30)))
    for _ in range(200):
        if harness.count(handled) == 30:
            break
        stop.wait(0.02)
    stop.set()
    thread.join(5)
    assert harness.count(handled) == 30 and not thread.is_alive()


def test_a_forged_user_id_is_refused_by_the_broker(harness: Harness):
    with harness.transport.publisher() as publisher:
        result = publisher.publish(
            [
                OutgoingMessage(
                    exchange=topology.EVENTS_EXCHANGE,
                    routing_key="decisions.logged.x",
                    body=b"{}",
                    message_id="forged",
                    type="t",
                    schema="t",
                    user_id="someone-else",
                )
            ]
        )
    assert result.failed == ["forged"] and harness.broker.depth(QUEUE) == 0


# Messages that carry many events (shared/contracts/batches.py)


@dataclass(frozen=True)
class Item:
    """A stand-in for decision.logged: the consumer needs only from_event and to_event."""

    data: dict[str, Any]

    @classmethod
    def from_event(cls, event: Event) -> Item:
        if "n" not in event.data:
            raise InvalidMessage("no n in this item")
        return cls(event.data)

    def to_event(self) -> Event:
        return Event(topology.DECISION_LOGGED, "x", self.data)


def handle_items(items: Sequence[Item], uow: UnitOfWork) -> dict[int, str]:
    refused = {}
    for position, item in enumerate(items):
        if item.data.get("refuse"):
            refused[position] = "refused by the handler"
        elif item.data.get("poison"):
            raise RuntimeError("handler bug triggered by this item")
        else:
            uow.session.execute(insert(handled).values(message_id=str(item.data["n"])))
    return refused


def publish_batch(harness: Harness, *items: dict[str, Any]) -> None:
    announced = [Announcement(Event(topology.DECISION_LOGGED, "x", item)) for item in items]
    with harness.transport.publisher() as publisher:
        publisher.publish(list(batch_messages(announced, lambda _administration: False)))


def many_consumer(harness: Harness) -> MessageConsumer[Any, UnitOfWork]:
    route = ManyRoute(QUEUE, topology.DECISION_LOGGED, Item.from_event, handle_items)
    return MessageConsumer(route, harness.uow, tables)


def handled_numbers(harness: Harness) -> list[str]:
    with harness.engine.connect() as connection:
        return sorted(connection.scalars(select(handled.c.message_id)))


def dead_letters(harness: Harness) -> list[Any]:
    with harness.engine.connect() as connection:
        return list(
            connection.execute(select(tables.dead_letters).order_by(tables.dead_letters.c.id))
        )


def test_items_refused_go_to_the_dead_letters_alone_and_a_replay_handles_them(harness: Harness):
    consumer = many_consumer(harness)
    publish_batch(harness, {"n": 1}, {"m": 2}, {"n": 3, "refuse": True}, {"n": 4})
    harness.drain(consumer)
    assert handled_numbers(harness) == ["1", "4"]
    assert harness.broker.depth(QUEUE) == 0
    unparsable, refused = dead_letters(harness)
    assert unparsable.reason == "item 1: no n in this item"
    assert refused.reason == "refused by the handler"
    assert json.loads(refused.body)["data"] == {"n": 3, "refuse": True}
    assert refused.type == "decision.logged" and refused.headers["schema"] == "decision.logged.v1"
    # The same message again: the inbox knows it.
    harness.drain(consumer)
    assert len(dead_letters(harness)) == 2
    # Replayed, the refused item is a single decision.logged, read as one item, alone.
    with harness.uow() as uow:
        assert replay_dead_letter(uow, tables, refused.id)
        uow.commit()
    with harness.transport.publisher() as publisher:
        harness.relay.relay_once(publisher)
    harness.drain(consumer)
    assert len(dead_letters(harness)) == 3  # refused again, alone: the handler still says no
    assert handled_numbers(harness) == ["1", "4"]


def test_an_item_that_fails_is_kept_with_its_error_and_the_others_of_its_message_pass(
    harness: Harness,
):
    consumer = many_consumer(harness)
    publish_batch(harness, {"n": 1}, {"n": 2, "poison": True}, {"n": 3})
    publish_batch(harness, {"n": 4})
    harness.drain(consumer)
    assert handled_numbers(harness) == ["1", "3", "4"]
    assert harness.broker.depth(QUEUE) == 0  # settled: not redelivered until the limit
    [dead] = dead_letters(harness)
    assert "item 1 failed" in dead.reason and "handler bug" in dead.reason
    assert json.loads(dead.body)["data"] == {"n": 2, "poison": True}
    with harness.engine.connect() as connection:
        [failure] = connection.execute(select(tables.failures)).all()
    assert failure.message_id == dead.message_id and "handler bug" in failure.last_error


class CountingTransport(MemoryTransport):
    """Counts how often the relay's publishers wait (one idle call per wake of the thread)."""

    def __init__(self, broker: MemoryBroker, user: str) -> None:
        super().__init__(broker, user)
        self.idle_calls = 0

    def publisher(self) -> Any:
        publisher = super().publisher()
        idle = publisher.idle

        def counted(seconds: float) -> None:
            self.idle_calls += 1
            idle(seconds)

        publisher.idle = counted  # type: ignore[method-assign]
        return publisher


def _event(message_id: str) -> OutgoingMessage:
    return OutgoingMessage(
        exchange=topology.EVENTS_EXCHANGE,
        routing_key="decisions.logged.x",
        body=b'{"n": 1}',
        message_id=message_id,
        type="decision.logged",
        schema="decision.logged.v1",
    )


def _run_relay(harness: Harness, transport: MemoryTransport) -> tuple[threading.Event, Any]:
    stop = threading.Event()
    thread = threading.Thread(target=harness.relay.run, args=(transport, stop), daemon=True)
    thread.start()
    return stop, thread


def test_an_idle_relay_wakes_once_per_poll_interval_not_in_slices(harness: Harness):
    """The relay used to wake every 20 ms to look at its event: CPU spent doing nothing
    (docs/benchmark.md, CPU at 500/s). Idle, it now waits a whole poll interval at a time."""
    harness.relay = OutboxRelay(harness.engine, tables, poll_interval=0.25)
    transport = CountingTransport(harness.broker, "svc-test")
    stop, thread = _run_relay(harness, transport)
    stop.wait(1.0)
    stop.set()
    thread.join(5)
    assert 2 <= transport.idle_calls <= 6  # 1.0 s / 0.25 s, give or take; slices gave 50


def test_a_local_commit_ends_the_relays_wait_at_once(harness: Harness):
    harness.relay = OutboxRelay(harness.engine, tables, poll_interval=30.0)
    stop, thread = _run_relay(harness, harness.transport)
    try:
        stop.wait(0.2)  # the relay is waiting now, for up to 30 s
        started = time.monotonic()
        with harness.uow() as uow:
            uow.publish(_event("woken"))
            uow.commit()
        while harness.broker.depth(QUEUE) == 0 and time.monotonic() - started < 5:
            stop.wait(0.01)
        assert harness.broker.depth(QUEUE) == 1
        assert time.monotonic() - started < 2
    finally:
        stop.set()
        harness.relay.wake.set()
        thread.join(5)


def test_rows_another_process_committed_are_published_at_the_next_poll(harness: Harness):
    """A web process's commit wakes no relay: the poll finds its rows."""
    harness.relay = OutboxRelay(harness.engine, tables, poll_interval=0.1)
    stop, thread = _run_relay(harness, harness.transport)
    try:
        stop.wait(0.2)
        with harness.engine.begin() as connection:  # no UnitOfWork, no wake
            connection.execute(
                insert(tables.outbox).values(
                    exchange=topology.EVENTS_EXCHANGE,
                    routing_key="decisions.logged.x",
                    body=b'{"n": 2}',
                    message_id="from-the-web",
                    type="decision.logged",
                    schema="decision.logged.v1",
                    headers={},
                    created_at=datetime.now(UTC),
                )
            )
        for _ in range(200):
            if harness.broker.depth(QUEUE):
                break
            stop.wait(0.01)
        assert harness.broker.depth(QUEUE) == 1
    finally:
        stop.set()
        thread.join(5)


def test_an_interrupt_ends_the_memory_publishers_idle_wait():
    publisher = MemoryTransport(MemoryBroker(), "svc-test").publisher()
    started = time.monotonic()
    threading.Timer(0.1, publisher.interrupt).start()
    publisher.idle(10)
    assert time.monotonic() - started < 2
