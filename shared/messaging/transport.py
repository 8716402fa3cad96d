"""The transport port: AMQP in production, in-process in the embedded mode."""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Self

from shared.messaging.message import Delivery, OutgoingMessage


class TransportError(RuntimeError):
    """The broker cannot be reached or the connection was lost; retry later."""


@dataclass
class PublishResult:
    """Message ids by fate: confirmed by the broker, returned as unroutable, or not confirmed."""

    confirmed: list[str] = field(default_factory=list)
    returned: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    @property
    def settled(self) -> list[str]:
        """Ids the broker took responsibility for (a returned message was routed nowhere)."""
        return self.confirmed + self.returned


class Publisher(abc.ABC):
    """Publishes persistent messages and waits for the broker's confirms."""

    @abc.abstractmethod
    def publish(self, messages: Sequence[OutgoingMessage], timeout: float = 30.0) -> PublishResult:
        """Publish with `mandatory`; return once every message is confirmed, returned or failed."""

    @abc.abstractmethod
    def idle(self, seconds: float) -> None:
        """Wait while keeping the connection alive (heartbeats); `interrupt` ends it early."""

    @abc.abstractmethod
    def interrupt(self) -> None:
        """Called from another thread: end the current or next `idle` at once."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release the connection."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class ConsumerChannel(abc.ABC):
    """A consumer on one queue with explicit prefetch and manual acknowledgements."""

    @abc.abstractmethod
    def next_batch(self, max_messages: int, max_wait: float, idle_wait: float) -> list[Delivery]:
        """Wait up to `idle_wait` for a first message, then gather more for up to `max_wait`."""

    @abc.abstractmethod
    def ack(self, delivery_tag: int, multiple: bool = False) -> None:
        """Acknowledge one delivery, or all up to it with `multiple`."""

    @abc.abstractmethod
    def nack(self, delivery_tag: int, requeue: bool = True) -> None:
        """Return a delivery to its queue; the quorum queue counts it towards the limit."""

    @abc.abstractmethod
    def sleep(self, seconds: float) -> None:
        """Wait while keeping the connection alive, unacknowledged deliveries held."""

    @abc.abstractmethod
    def close(self) -> None:
        """Stop consuming; unacknowledged deliveries go back to the queue."""


class Transport(abc.ABC):
    """Creates publishers and consumers; one of each per thread."""

    @abc.abstractmethod
    def declare_topology(self) -> None:
        """Declare every exchange, queue and binding of the topology (idempotent)."""

    @abc.abstractmethod
    def publisher(self) -> Publisher:
        """A new publisher, for use by one thread."""

    @abc.abstractmethod
    def consumer(self, queue: str, prefetch: int) -> ConsumerChannel:
        """A new consumer on `queue`, for use by one thread."""
