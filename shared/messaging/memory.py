"""The in-process transport of the embedded mode: same topology, limits and dead-lettering."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from shared.messaging import topology
from shared.messaging.message import SCHEMA_HEADER, Delivery, OutgoingMessage
from shared.messaging.transport import ConsumerChannel, Publisher, PublishResult, Transport


@dataclass
class _Queue:
    name: str
    arguments: dict[str, Any]
    ready: deque[Delivery] = field(default_factory=deque)


class MemoryBroker:
    """A thread-safe broker in one process; queues and bindings follow `topology`."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._queues: dict[str, _Queue] = {}
        self._bindings: list[tuple[str, str, str]] = []  # exchange, pattern, queue
        self._tags = iter(range(1, 2**63))

    def declare_queue(self, name: str, arguments: dict[str, Any] | None = None) -> None:
        with self._lock:
            self._queues.setdefault(name, _Queue(name, dict(arguments or {})))

    def bind(self, queue: str, exchange: str, pattern: str) -> None:
        with self._lock:
            if (exchange, pattern, queue) not in self._bindings:
                self._bindings.append((exchange, pattern, queue))

    def declare_topology(self) -> None:
        for spec in topology.QUEUES:
            self.declare_queue(spec.name, spec.arguments)
            self.bind(spec.name, spec.exchange, spec.binding_key)
        for service in {spec.service for spec in topology.QUEUES}:
            queue = topology.dead_letter_queue(service)
            self.declare_queue(queue, topology.DEAD_LETTER_QUEUE_ARGUMENTS)
            self.bind(queue, topology.DEAD_EXCHANGE, f"{service}.#")

    def route(self, exchange: str, routing_key: str, delivery: Delivery) -> bool:
        """Enqueue on every bound queue (the default exchange routes by queue name)."""
        with self._lock:
            if exchange == "":
                targets = [routing_key] if routing_key in self._queues else []
            else:
                targets = [
                    q
                    for (ex, pattern, q) in self._bindings
                    if ex == exchange and topology.topic_matches(pattern, routing_key)
                ]
            for name in targets:
                self._queues[name].ready.append(
                    replace(delivery, queue=name, exchange=exchange, routing_key=routing_key)
                )
            self._lock.notify_all()
            return bool(targets)

    def take(self, queue: str, limit: int, timeout: float) -> list[Delivery]:
        """Move up to `limit` ready deliveries out of `queue`, waiting up to `timeout`."""
        with self._lock:
            ready = self._queues[queue].ready
            if not ready:
                self._lock.wait(timeout)
            taken: list[Delivery] = []
            while ready and len(taken) < limit:
                taken.append(replace(ready.popleft(), delivery_tag=next(self._tags)))
            return taken

    def give_back(self, delivery: Delivery) -> None:
        """Requeue a failed delivery, or dead-letter it past the queue's delivery limit."""
        with self._lock:
            queue = self._queues[delivery.queue]
            count = delivery.delivery_count + 1
            limit = queue.arguments.get("x-delivery-limit")
            headers = {**delivery.headers, "x-delivery-count": count}
            if limit is not None and count > int(limit):
                self._dead_letter(queue, delivery, "delivery_limit")
            else:
                queue.ready.appendleft(replace(delivery, headers=headers, redelivered=True))
                self._lock.notify_all()

    def _dead_letter(self, queue: _Queue, delivery: Delivery, reason: str) -> None:
        exchange = queue.arguments.get("x-dead-letter-exchange")
        if not exchange:
            return
        death = {
            "queue": queue.name,
            "reason": reason,
            "exchange": delivery.exchange,
            "routing-keys": [delivery.routing_key],
            "count": 1,
        }
        headers = {
            **delivery.headers,
            "x-death": [death],
            "x-first-death-queue": queue.name,
            "x-first-death-reason": reason,
        }
        key = queue.arguments.get("x-dead-letter-routing-key", delivery.routing_key)
        # Called with the lock held: the Condition wraps an RLock, so route() may take it again.
        self.route(exchange, key, replace(delivery, headers=headers))

    def depth(self, queue: str) -> int:
        with self._lock:
            return len(self._queues[queue].ready)


class MemoryPublisher(Publisher):
    """Publishes into the in-process broker; checks `user_id` as RabbitMQ would."""

    def __init__(self, broker: MemoryBroker, user: str | None) -> None:
        self._broker, self._user = broker, user
        self._interrupted = threading.Event()

    def publish(self, messages: Sequence[OutgoingMessage], timeout: float = 30.0) -> PublishResult:
        result = PublishResult()
        for message in messages:
            user_id = message.user_id or self._user
            if user_id != self._user:
                # RabbitMQ closes the channel on a forged user_id; nothing is delivered.
                result.failed.append(message.message_id)
                continue
            delivery = Delivery(
                queue="",
                delivery_tag=0,
                body=message.body,
                routing_key=message.routing_key,
                message_id=message.message_id,
                type=message.type,
                user_id=user_id,
                content_type=message.content_type,
                headers={**message.headers, SCHEMA_HEADER: message.schema},
            )
            routed = self._broker.route(message.exchange, message.routing_key, delivery)
            (result.confirmed if routed else result.returned).append(message.message_id)
        return result

    def idle(self, seconds: float) -> None:
        self._interrupted.wait(seconds)
        self._interrupted.clear()

    def interrupt(self) -> None:
        self._interrupted.set()

    def close(self) -> None:
        pass


class MemoryConsumerChannel(ConsumerChannel):
    """Holds taken deliveries until acked; gives them back on nack or close."""

    def __init__(self, broker: MemoryBroker, queue: str) -> None:
        self._broker, self._queue = broker, queue
        self._unacked: dict[int, Delivery] = {}

    def next_batch(self, max_messages: int, max_wait: float, idle_wait: float) -> list[Delivery]:
        batch = self._broker.take(self._queue, max_messages, idle_wait)
        deadline = time.monotonic() + max_wait
        while batch and len(batch) < max_messages and time.monotonic() < deadline:
            more = self._broker.take(
                self._queue, max_messages - len(batch), deadline - time.monotonic()
            )
            if not more:
                break
            batch.extend(more)
        self._unacked.update((d.delivery_tag, d) for d in batch)
        return batch

    def ack(self, delivery_tag: int, multiple: bool = False) -> None:
        tags = [t for t in self._unacked if t <= delivery_tag] if multiple else [delivery_tag]
        for tag in tags:
            self._unacked.pop(tag, None)

    def nack(self, delivery_tag: int, requeue: bool = True) -> None:
        delivery = self._unacked.pop(delivery_tag)
        if requeue:
            self._broker.give_back(delivery)

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def close(self) -> None:
        for tag in sorted(self._unacked):
            self._broker.give_back(self._unacked.pop(tag))


class MemoryTransport(Transport):
    """The embedded mode's transport; `user` plays the authenticated AMQP user."""

    def __init__(self, broker: MemoryBroker, user: str | None = None) -> None:
        self.broker, self._user = broker, user

    def as_user(self, user: str) -> MemoryTransport:
        return MemoryTransport(self.broker, user)

    def declare_topology(self) -> None:
        self.broker.declare_topology()

    def publisher(self) -> MemoryPublisher:
        return MemoryPublisher(self.broker, self._user)

    def consumer(self, queue: str, prefetch: int) -> MemoryConsumerChannel:
        return MemoryConsumerChannel(self.broker, queue)
