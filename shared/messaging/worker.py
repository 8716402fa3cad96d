"""A service's worker process: its consumers and its outbox relay, one thread each."""

from __future__ import annotations

import gc
import logging
import signal
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from shared.messaging.consumer import MessageConsumer
from shared.messaging.outbox import OutboxRelay
from shared.messaging.transport import Transport, TransportError
from shared.web.heap import settle_heap

log = logging.getLogger(__name__)

# A worker allocates thousands of short-lived objects per message (commands, rows, statements,
# documents): with the cyclic collector's default first threshold (700) it collects every few
# messages, and over the whole heap every few hundred. The explainer, in-process, 3,000
# explanations on PostgreSQL: 1,270-1,410 CPU µs each by default, 1,140-1,160 collecting every
# 10,000 allocations, 1,090-1,125 not collecting at all. Garbage waits a little longer: at
# most that many young objects.
GC_FIRST_THRESHOLD = 10_000


def settle_worker_heap() -> None:
    """For a worker process, once started: its started heap frozen out of the collector's
    walks (as a web process's, shared/web/heap.py), and young collections less often (never
    more often than the process already had them)."""
    settle_heap()
    first, *older = gc.get_threshold()
    if first < GC_FIRST_THRESHOLD:
        gc.set_threshold(GC_FIRST_THRESHOLD, *older)


@dataclass
class Worker:
    """Runs consumers and a relay until stopped; every loop reconnects by itself."""

    name: str
    transport: Transport
    consumers: Sequence[MessageConsumer[Any, Any]]
    relay: OutboxRelay | None
    periodic: Sequence[tuple[float, Callable[[], None]]] = ()
    stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)

    def start(self) -> None:
        """Declare the topology (retrying until the broker answers) and start the threads."""
        self._declare_topology()
        for consumer in self.consumers:
            self._spawn(f"{self.name}:{consumer.queue}", consumer.run, self.transport, self.stop)
        if self.relay is not None:
            self._spawn(f"{self.name}:outbox", self.relay.run, self.transport, self.stop)
        for interval, job in self.periodic:
            self._spawn(f"{self.name}:{job.__name__}", self._every, interval, job)

    def _declare_topology(self) -> None:
        delay = 0.5
        while not self.stop.is_set():
            try:
                self.transport.declare_topology()
                return
            except TransportError as exc:
                log.warning("broker not ready: %s", exc, extra={"worker": self.name})
                self.stop.wait(delay)
                delay = min(delay * 2, 10.0)

    def _spawn(self, name: str, target: Callable[..., None], *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _every(self, interval: float, job: Callable[[], None]) -> None:
        while not self.stop.wait(interval):
            try:
                job()
            except Exception:
                log.exception("periodic job failed", extra={"job": job.__name__})

    def join(self, timeout: float | None = None) -> None:
        for thread in self._threads:
            thread.join(timeout)

    def run_forever(self) -> None:
        """Run in the foreground; SIGTERM or SIGINT stops consuming and closes cleanly."""

        def _stop(signum: int, _frame: Any) -> None:
            log.info("stopping", extra={"worker": self.name, "signal": signum})
            self.stop.set()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        settle_worker_heap()
        self.start()
        log.info(
            "worker started",
            extra={"worker": self.name, "queues": [c.queue for c in self.consumers]},
        )
        while not self.stop.wait(1.0):
            pass
        self.join(timeout=10)
