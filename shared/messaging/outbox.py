"""The outbox relay: publishes committed events with confirms, then forgets them."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy import Connection, Engine, delete, select

from shared.db import is_transient
from shared.messaging.backoff import Backoff
from shared.messaging.message import OutgoingMessage
from shared.messaging.tables import MessagingTables
from shared.messaging.transport import Publisher, Transport, TransportError

log = logging.getLogger(__name__)


class Wake(threading.Event):
    """Set after a local commit staged outbox rows; also cuts short the relay's idle wait.

    The relay attaches its publisher's `interrupt` while it waits: a commit of another thread
    then ends the wait at once instead of at the next poll (the relay used to wake every 20 ms
    to look at the event, which cost each worker more CPU than its whole idle poll)."""

    def __init__(self) -> None:
        super().__init__()
        self.nudge: Callable[[], None] | None = None

    def set(self) -> None:
        super().set()
        nudge = self.nudge
        if nudge is not None:
            nudge()


class OutboxRelay:
    """Moves outbox rows to the broker in order, in batches; at-least-once.

    Rows are locked with SKIP LOCKED while they are published, so several relays of one service
    never publish the same row concurrently. A row is deleted once the broker confirmed it (or
    returned it as routed nowhere): the outbox is a transport, the service's tables are the record.
    """

    def __init__(
        self,
        engine: Engine,
        tables: MessagingTables,
        *,
        batch_size: int = 500,
        poll_interval: float = 0.1,
        prepare: Callable[[OutgoingMessage], OutgoingMessage] | None = None,
    ) -> None:
        self._engine = engine
        self._outbox = tables.outbox
        # What a message gains as it leaves, never stored (decision_log: its access code).
        self._prepare = prepare or (lambda message: message)
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        self.wake = Wake()
        # The idle poll's own connection, in autocommit: one round trip per look, no pool
        # checkout (with its pre-ping), no transaction; opened on first use.
        self._peek: Connection | None = None
        self._peek_query = select(self._outbox.c.id).limit(1)
        # PostgreSQL: the relay's own connection for its rounds, out of the pool (no checkout,
        # no pre-ping), whose commits do not wait for the WAL flush (see _relay_connection).
        self._own: Connection | None = None

    def relay_once(self, publisher: Publisher) -> int:
        """Publish one batch; return how many rows the broker took."""
        if self._engine.dialect.name != "postgresql":
            with self._engine.begin() as connection:
                return self._relay(connection, publisher)
        connection = self._relay_connection()
        with connection.begin():
            return self._relay(connection, publisher)

    def _relay_connection(self) -> Connection:
        """The relay's own PostgreSQL connection, with `synchronous_commit` off for its session.

        A round's commit only deletes rows the broker confirmed: if a crash loses it (at most
        the last fraction of a second, wal_writer_delay), the rows are published again, and
        every consumer's inbox drops the copies (contract.md: at-least-once delivery, idempotent
        consumers). Skipping the wait for the WAL flush saves a flush per round (about a fifth
        of PostgreSQL's CPU for such a transaction). The services' own commits — a logged
        decision, an explanation — still wait for it."""
        if self._own is None:
            connection = self._engine.connect()
            connection.detach()  # closed for good, never back in the pool with this setting
            connection.exec_driver_sql("SET synchronous_commit TO off")
            connection.commit()
            self._own = connection
        return self._own

    def _relay(self, connection: Connection, publisher: Publisher) -> int:
        rows = connection.execute(
            select(self._outbox)
            .order_by(self._outbox.c.id)
            .limit(self._batch_size)
            .with_for_update(skip_locked=True)
        ).all()
        if not rows:
            return 0
        messages = [
            self._prepare(
                OutgoingMessage(
                    exchange=row.exchange,
                    routing_key=row.routing_key,
                    body=row.body,
                    message_id=row.message_id,
                    type=row.type,
                    schema=row.schema,
                    headers=row.headers or {},
                )
            )
            for row in rows
        ]
        result = publisher.publish(messages)
        if result.returned:
            log.info("events routed to no queue", extra={"count": len(result.returned)})
        if result.settled:
            connection.execute(
                delete(self._outbox).where(self._outbox.c.message_id.in_(result.settled))
            )
        if result.failed and not result.settled:
            raise TransportError(f"broker confirmed none of {len(rows)} messages")
        return len(result.settled)

    def run(
        self,
        transport: Transport,
        stop: threading.Event,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Relay until `stop` is set, reconnecting with capped backoff."""
        backoff = Backoff()
        publisher: Publisher | None = None
        while not stop.is_set():
            try:
                if publisher is None:
                    publisher = transport.publisher()
                published = self.relay_once(publisher)
                backoff.reset()
                if published < self._batch_size:
                    self._idle(publisher, stop)
            except Exception as exc:
                if not (isinstance(exc, TransportError) or is_transient(exc)):
                    log.exception("outbox relay failed")
                else:
                    log.warning("outbox relay waiting: %s", exc)
                if on_error is not None:
                    on_error(exc)
                if publisher is not None:
                    publisher.close()
                    publisher = None
                self._close_connections()
                stop.wait(backoff.next())
        if publisher is not None:
            publisher.close()
        self._close_connections()

    def _idle(self, publisher: Publisher, stop: threading.Event) -> None:
        """Wait until a local commit wakes the relay, or until a poll finds rows that another
        process (a web process) committed. An empty poll is one autocommit SELECT."""
        while not stop.is_set():
            if self._wait(publisher) or self._has_rows():
                return

    def _wait(self, publisher: Publisher) -> bool:
        """Sleep for the poll interval, or less if a local commit staged new rows; return
        whether one did. The publisher keeps the connection's heartbeats going meanwhile."""
        self.wake.nudge = publisher.interrupt
        try:
            # Attached first, then checked: a commit between the two still interrupts.
            if not self.wake.is_set():
                publisher.idle(self._poll_interval)
        finally:
            self.wake.nudge = None
        woken = self.wake.is_set()
        self.wake.clear()
        return woken

    def _has_rows(self) -> bool:
        if self._engine.dialect.name != "postgresql":
            # SQLite (embedded mode) begins every transaction with BEGIN IMMEDIATE, even an
            # autocommit connection's: a kept one would hold the write lock. Poll in full.
            return True
        if self._peek is None:
            self._peek = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        return self._peek.execute(self._peek_query).first() is not None

    def close(self) -> None:
        """Close the relay's own connections (run() does it as it ends)."""
        self._close_connections()

    def _close_connections(self) -> None:
        for connection in (self._peek, self._own):
            if connection is not None:
                try:
                    connection.close()
                except Exception:  # a connection already lost: nothing to release
                    log.debug("outbox relay connection not closed cleanly", exc_info=True)
        self._peek = self._own = None
