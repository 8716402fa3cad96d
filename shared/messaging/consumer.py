"""The one consumer loop: batches, one transaction per batch, ack after commit, dead letters."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import insert, select, update

from shared.contracts.events import InvalidMessage
from shared.db import UnitOfWork, is_transient
from shared.messaging.backoff import Backoff
from shared.messaging.message import Delivery, jsonable_headers, without_secrets
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
        route: Route[C, U],
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
                self._commit([delivery])
            except Exception as exc:
                if is_transient(exc):
                    # The caller retries; hand back only what is still unsettled.
                    raise DatabaseUnavailable(str(exc), batch[position:]) from exc
                self._record_failure(delivery, exc)
                channel.nack(delivery.delivery_tag, requeue=True)
            else:
                channel.ack(delivery.delivery_tag)

    def _commit(self, batch: Sequence[Delivery]) -> None:
        tables, route = self._tables, self._route
        with self._uow_factory() as uow:
            keys = [route.dedup_key(d) for d in batch]
            seen = set(
                uow.session.scalars(
                    select(tables.inbox.c.message_id).where(
                        tables.inbox.c.queue == self.queue, tables.inbox.c.message_id.in_(keys)
                    )
                )
            )
            fresh: dict[str, Delivery] = {}
            for key, delivery in zip(keys, batch, strict=True):
                if key not in seen and key not in fresh:
                    fresh[key] = delivery
            parsed: list[Delivery] = []
            commands: list[C] = []
            for delivery in fresh.values():
                try:
                    commands.append(route.parse(delivery))
                except InvalidMessage as invalid:
                    self._stage_dead_letter(uow, delivery, invalid.reason)
                else:
                    parsed.append(delivery)
            if commands:
                for position, reason in route.handle(commands, uow).items():
                    self._stage_dead_letter(uow, parsed[position], reason)
            if fresh:
                now = uow.clock()
                uow.session.execute(
                    insert(tables.inbox),
                    [
                        {"queue": self.queue, "message_id": key, "processed_at": now}
                        for key in fresh
                    ],
                )
            uow.commit()

    def _stage_dead_letter(self, uow: U, delivery: Delivery, reason: str) -> None:
        log.warning(
            "invalid message set aside",
            extra={"queue": self.queue, "message_id": delivery.message_id, "reason": reason},
        )
        uow.session.execute(
            insert(self._tables.dead_letters).values(
                queue=self.queue,
                message_id=delivery.dedup_id,
                type=delivery.type,
                routing_key=delivery.routing_key,
                user_id=delivery.user_id,
                headers=jsonable_headers(delivery.headers),
                body=without_secrets(delivery.body),
                reason=reason,
                status="pending",
                received_at=uow.clock(),
            )
        )

    def _record_failure(self, delivery: Delivery, error: BaseException) -> None:
        """Keep the last error, so the dead letter can say why once the limit is reached."""
        log.error(
            "message failed",
            extra={
                "queue": self.queue,
                "message_id": delivery.message_id,
                "delivery_count": delivery.delivery_count,
                "error": repr(error),
            },
        )
        failures = self._tables.failures
        key = (failures.c.queue == self.queue) & (failures.c.message_id == delivery.dedup_id)
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
                            message_id=delivery.dedup_id,
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
