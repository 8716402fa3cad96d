"""The one consumer loop: batches, one transaction per batch, ack after commit, dead letters."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy import insert, update

from shared.contracts.batches import RefusedItem, refused, unpack
from shared.contracts.events import Event, InvalidMessage
from shared.db import UnitOfWork, insert_unless_present, is_transient
from shared.messaging.backoff import Backoff
from shared.messaging.message import SCHEMA_HEADER, Delivery, jsonable_headers, without_secrets
from shared.messaging.tables import MessagingTables
from shared.messaging.transport import ConsumerChannel, Transport, TransportError

log = logging.getLogger(__name__)

U = TypeVar("U", bound=UnitOfWork)
C = TypeVar("C")
# What a handler refused, by position in the batch it received, with the reason a dead letter
# keeps. A handler refuses a command before writing anything for it.
Refusals = Mapping[int, str]
BatchHandler = Callable[[Sequence[C], U], Refusals]


@dataclass(frozen=True)
class Route(Generic[C, U]):
    """One queue's convention: each delivery is parsed into a command (or refused with
    InvalidMessage), then the handler receives the batch's commands at once and writes."""

    queue: str
    parse: Callable[[Delivery], C]
    handle: BatchHandler[C, U]
    dedup_key: Callable[[Delivery], str] = lambda delivery: delivery.dedup_id
    # False for a handler that is idempotent by keys of its own, unique in the same
    # transaction (decision_log's decisions and quarantine): a redelivered message finds what
    # it wrote there, so the consumer keeps no inbox row for it.
    inbox: bool = True


class AnEvent(Protocol):
    def to_event(self) -> Event: ...


E = TypeVar("E", bound=AnEvent)


@dataclass(frozen=True)
class ManyRoute(Generic[E, U]):
    """A queue whose messages each carry many events (shared/contracts/batches.py): the handler
    receives the items of the whole consumer batch at once. An item refused (unparsable, or by
    the handler) goes to the dead letters alone, as the single event it stands for; the others
    of its message are handled."""

    queue: str
    single: str
    from_event: Callable[[Event], E]
    handle: BatchHandler[E, U]
    dedup_key: Callable[[Delivery], str] = lambda delivery: delivery.dedup_id

    def unpack(self, delivery: Delivery) -> Sequence[E | RefusedItem]:
        return unpack(delivery, self.single, self.from_event)


def one_at_a_time(handle: Callable[[C, U], None]) -> BatchHandler[C, U]:
    """A batch handler for commands that need nothing from one another: each in turn, an
    InvalidMessage refusing that command alone."""

    def handle_batch(commands: Sequence[C], uow: U) -> Refusals:
        refused = {}
        for position, command in enumerate(commands):
            try:
                handle(command, uow)
            except InvalidMessage as invalid:
                refused[position] = invalid.reason
        return refused

    return handle_batch


class DatabaseUnavailable(RuntimeError):
    """The database is down or locked: hold the deliveries and retry them."""

    def __init__(self, reason: str, remaining: Sequence[Delivery] | None = None) -> None:
        super().__init__(reason)
        self.remaining = remaining


@dataclass(frozen=True)
class BatchSettings:
    prefetch: int = 500
    batch_size: int = 250
    batch_wait: float = 0.02
    idle_wait: float = 1.0


class MessageConsumer(Generic[C, U]):
    """Consumes one queue; every message is handled once, however often it is delivered."""

    def __init__(
        self,
        route: Route[C, U] | ManyRoute[Any, U],
        uow_factory: Callable[[], U],
        tables: MessagingTables,
        settings: BatchSettings | None = None,
    ) -> None:
        self.queue = route.queue
        self._route = route
        self._uow_factory = uow_factory
        self._tables = tables
        self._settings = settings or BatchSettings()

    # One batch
    def process(self, channel: ConsumerChannel, batch: Sequence[Delivery]) -> None:
        """Commit the batch in one transaction and ack it; isolate a failing message."""
        try:
            self._commit(batch)
        except Exception as exc:
            if is_transient(exc):
                raise DatabaseUnavailable(str(exc)) from exc
            log.warning(
                "batch failed, retrying its messages one by one",
                extra={"queue": self.queue, "size": len(batch), "error": repr(exc)},
            )
            self._process_one_by_one(channel, batch)
            return
        channel.ack(batch[-1].delivery_tag, multiple=True)

    def _process_one_by_one(self, channel: ConsumerChannel, batch: Sequence[Delivery]) -> None:
        for position, delivery in enumerate(batch):
            try:
                try:
                    self._commit([delivery])
                except Exception as exc:
                    if is_transient(exc) or not self._carries_many(delivery):
                        raise
                    # One of its events fails: each is tried alone, the failing ones kept
                    # as dead letters with their error, and the message settled.
                    self._commit_items_alone(delivery)
            except Exception as exc:
                if is_transient(exc):
                    # The caller retries; hand back only what is still unsettled.
                    raise DatabaseUnavailable(str(exc), batch[position:]) from exc
                self._record_failure(delivery.dedup_id, delivery.delivery_count, exc)
                channel.nack(delivery.delivery_tag, requeue=True)
            else:
                channel.ack(delivery.delivery_tag)

    def _carries_many(self, delivery: Delivery) -> bool:
        if not isinstance(self._route, ManyRoute):
            return False
        try:
            return len(self._route.unpack(delivery)) > 1
        except InvalidMessage:
            return False

    def _commit_items_alone(self, delivery: Delivery) -> None:
        """Handle each event of a message in a transaction of its own (handlers are
        idempotent: a redelivery after a crash here repeats nothing), then settle the message:
        the events refused or failing go to the dead letters alone, with their reason."""
        route = self._route
        assert isinstance(route, ManyRoute)
        dead: list[RefusedItem] = []
        for position, item in enumerate(route.unpack(delivery)):
            if isinstance(item, RefusedItem):
                dead.append(item)
                continue
            try:
                with self._uow_factory() as uow:
                    for reason in route.handle([item], uow).values():
                        dead.append(refused(item.to_event(), reason))
                    uow.commit()
            except Exception as exc:
                if is_transient(exc):
                    raise
                failed = refused(item.to_event(), f"item {position} failed: {exc!r}"[:2000])
                self._record_failure(failed.message_id, 1, exc)
                dead.append(failed)
        with self._uow_factory() as uow:
            for item in dead:
                self._stage_dead_item(uow, delivery, item)
            uow.session.execute(
                insert(self._tables.inbox).values(
                    queue=self.queue, message_id=route.dedup_key(delivery), processed_at=uow.clock()
                )
            )
            uow.commit()

    def _commit(self, batch: Sequence[Delivery]) -> None:
        route = self._route
        inbox = not isinstance(route, Route) or route.inbox
        with self._uow_factory() as uow:
            keys = [route.dedup_key(d) for d in batch]
            # A route without an inbox handles every message: its own keys find the repeats.
            claimed = self._claim(uow, keys) if inbox else set(keys)
            fresh: dict[str, Delivery] = {}
            for key, delivery in zip(keys, batch, strict=True):
                if key in claimed and key not in fresh:
                    fresh[key] = delivery
            # Each command, with the delivery it came in and whether it came alone in it.
            owners: list[tuple[Delivery, bool]] = []
            commands: list[Any] = []
            for delivery in fresh.values():
                try:
                    items = self._items(delivery)
                except InvalidMessage as invalid:
                    self._stage_dead_letter(uow, delivery, invalid.reason)
                    continue
                for item in items:
                    if isinstance(item, RefusedItem):
                        self._stage_dead_item(uow, delivery, item)
                    else:
                        commands.append(item)
                        owners.append((delivery, len(items) == 1))
            if commands:
                for position, reason in route.handle(commands, uow).items():
                    delivery, alone = owners[position]
                    if alone or not isinstance(route, ManyRoute):
                        self._stage_dead_letter(uow, delivery, reason)
                    else:
                        item = refused(commands[position].to_event(), reason)
                        self._stage_dead_item(uow, delivery, item)
            uow.commit()

    def _claim(self, uow: U, keys: Sequence[str]) -> set[str]:
        """Record the messages in the inbox; return those it did not hold yet, which this
        transaction handles. One statement (`INSERT … ON CONFLICT DO NOTHING RETURNING`), where
        a look then an insert took two round trips per batch; a message another process is
        handling waits for its commit, then counts as seen."""
        inbox = self._tables.inbox
        now = uow.clock()
        rows = [
            {"queue": self.queue, "message_id": key, "processed_at": now}
            for key in dict.fromkeys(keys)
        ]
        claim = insert_unless_present(uow.session, inbox).returning(inbox.c.message_id)
        return {str(key) for key in uow.session.scalars(claim, rows)}

    def _items(self, delivery: Delivery) -> Sequence[Any]:
        route = self._route
        if isinstance(route, ManyRoute):
            return route.unpack(delivery)
        return [route.parse(delivery)]

    def _stage_dead_letter(self, uow: U, delivery: Delivery, reason: str) -> None:
        self._stage(uow, delivery, delivery.dedup_id, delivery.type, delivery.body, reason)

    def _stage_dead_item(self, uow: U, delivery: Delivery, item: RefusedItem) -> None:
        """One event of a message that carried many, kept alone: replayed, it is handled alone."""
        headers = {**delivery.headers, SCHEMA_HEADER: f"{item.type}.v1"}
        self._stage(
            uow,
            replace(delivery, headers=headers),
            item.message_id,
            item.type,
            item.body,
            item.reason,
        )

    def _stage(
        self,
        uow: U,
        delivery: Delivery,
        message_id: str,
        type_: str | None,
        body: bytes,
        reason: str,
    ) -> None:
        log.warning(
            "invalid message set aside",
            extra={"queue": self.queue, "message_id": message_id, "reason": reason},
        )
        uow.session.execute(
            insert(self._tables.dead_letters).values(
                queue=self.queue,
                message_id=message_id,
                type=type_,
                routing_key=delivery.routing_key,
                user_id=delivery.user_id,
                headers=jsonable_headers(delivery.headers),
                body=without_secrets(body),
                reason=reason,
                status="pending",
                received_at=uow.clock(),
            )
        )

    def _record_failure(self, message_id: str, delivery_count: int, error: BaseException) -> None:
        """Keep the last error, so the dead letter can say why once the limit is reached."""
        log.error(
            "message failed",
            extra={
                "queue": self.queue,
                "message_id": message_id,
                "delivery_count": delivery_count,
                "error": repr(error),
            },
        )
        failures = self._tables.failures
        key = (failures.c.queue == self.queue) & (failures.c.message_id == message_id)
        try:
            with self._uow_factory() as uow:
                changed = uow.session.execute(
                    update(failures)
                    .where(key)
                    .values(
                        attempts=failures.c.attempts + 1,
                        last_error=repr(error)[:2000],
                        last_failed_at=uow.clock(),
                    )
                ).rowcount  # type: ignore[attr-defined]
                if not changed:
                    uow.session.execute(
                        insert(failures).values(
                            queue=self.queue,
                            message_id=message_id,
                            attempts=1,
                            last_error=repr(error)[:2000],
                            last_failed_at=uow.clock(),
                        )
                    )
                uow.commit()
        except Exception:
            log.exception("could not record the failure", extra={"queue": self.queue})

    # The loop
    def run(self, transport: Transport, stop: threading.Event) -> None:
        """Consume until `stop` is set, reconnecting with capped backoff."""
        backoff = Backoff()
        settings = self._settings
        while not stop.is_set():
            try:
                channel = transport.consumer(self.queue, settings.prefetch)
            except TransportError as exc:
                log.warning("cannot consume yet: %s", exc, extra={"queue": self.queue})
                stop.wait(backoff.next())
                continue
            backoff.reset()
            try:
                while not stop.is_set():
                    batch = channel.next_batch(
                        settings.batch_size, settings.batch_wait, settings.idle_wait
                    )
                    if batch:
                        self._settle(channel, batch, stop)
            except TransportError as exc:
                log.warning("lost the broker: %s", exc, extra={"queue": self.queue})
            finally:
                channel.close()

    def _settle(
        self, channel: ConsumerChannel, batch: Sequence[Delivery], stop: threading.Event
    ) -> None:
        """Process a batch, holding it unacknowledged while the database is unavailable.

        Holding rather than requeueing keeps a database outage from spending the messages'
        delivery limit and sending valid traffic to the dead letters.
        """
        backoff = Backoff()
        pending = list(batch)
        while pending:
            try:
                self.process(channel, pending)
                return
            except DatabaseUnavailable as exc:
                if exc.remaining is not None:
                    pending = list(exc.remaining)
                if stop.is_set():
                    return
                log.warning(
                    "database unavailable, holding %d messages",
                    len(pending),
                    extra={"queue": self.queue, "error": str(exc)},
                )
                channel.sleep(backoff.next())
