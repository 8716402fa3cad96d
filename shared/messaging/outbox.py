"""The outbox relay: publishes committed events with confirms, then forgets them."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy import Engine, delete, select

from shared.db import is_transient
from shared.messaging.backoff import Backoff
from shared.messaging.message import OutgoingMessage
from shared.messaging.tables import MessagingTables
from shared.messaging.transport import Publisher, Transport, TransportError

log = logging.getLogger(__name__)


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
        self.wake = threading.Event()

    def relay_once(self, publisher: Publisher) -> int:
        """Publish one batch; return how many rows the broker took."""
        with self._engine.begin() as connection:
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
                    self._wait(publisher)
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
                stop.wait(backoff.next())
        if publisher is not None:
            publisher.close()

    def _wait(self, publisher: Publisher) -> None:
        """Sleep until the poll interval ends or a local commit staged new rows."""
        if self.wake.is_set():
            self.wake.clear()
            return
        # Keep the connection's heartbeats going while idle, in short slices so a wake is seen.
        slices = max(1, int(self._poll_interval / 0.02))
        for _ in range(slices):
            publisher.idle(self._poll_interval / slices)
            if self.wake.is_set():
                self.wake.clear()
                return
