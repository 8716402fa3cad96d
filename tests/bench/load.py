"""What the back offices send: sample decisions, published with pipelined confirms."""

from __future__ import annotations

import dataclasses
import itertools
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from shared.contracts.decision import decision_message
from shared.messaging.amqp import AmqpTransport
from shared.messaging.message import OutgoingMessage
from shared.samples import SAMPLE_ALGORITHMS, generate_decisions

PER_SEED = 10_000
Streams = Mapping[str, Iterable[OutgoingMessage]]


def _stream(document: dict[str, object], count: int, first_seed: int) -> Iterator[OutgoingMessage]:
    """`count` decisions of one algorithm, made a seed at a time (ids never repeat)."""
    seed = first_seed
    while count > 0:
        size = min(count, PER_SEED)
        for decision in generate_decisions(size, seed=seed, algorithms=[document]):
            yield decision_message(decision)
        count, seed = count - size, seed + 1


def streams(count: int, first_seed: int, user_of: dict[str, str]) -> Streams:
    """`count` decisions shared between the sample back offices (`user_of` their AMQP user by
    administration), made as they are published: a million need not fit in memory."""
    share, extra = divmod(count, len(SAMPLE_ALGORITHMS))
    return {
        user_of[str(document["administration"])]: _stream(
            document, share + (n < extra), first_seed + n * 1000
        )
        for n, document in enumerate(SAMPLE_ALGORITHMS)
    }


def made(count: int, first_seed: int, user_of: dict[str, str]) -> dict[str, list[OutgoingMessage]]:
    """The same, made in advance so that making them costs nothing while measuring."""
    return {user: list(stream) for user, stream in streams(count, first_seed, user_of).items()}


def rerouted(
    sources: dict[str, list[OutgoingMessage]], exchange: str, user: str
) -> dict[str, list[OutgoingMessage]]:
    """The same bodies and sizes, sent by `user` to another exchange (the raw baseline)."""
    return {
        f"{user}#{n}": [dataclasses.replace(m, exchange=exchange) for m in messages]
        for n, messages in enumerate(sources.values())
    }


def size(sources: Mapping[str, list[OutgoingMessage]]) -> int:
    return sum(map(len, sources.values()))


@dataclass
class Published:
    started: float
    finished: float
    confirmed: int
    failed: int

    @property
    def rate(self) -> float:
        return self.confirmed / max(self.finished - self.started, 1e-9)


def publish(
    urls: dict[str, str],
    sources: Streams,
    chunk: int,
    pace: Callable[[int], None] | None = None,
    sent: Callable[[list[OutgoingMessage], float], None] | None = None,
) -> Published:
    """Each back office publishes from its own thread, `chunk` messages per wait for confirms.

    `pace(n)` runs before each chunk with the number of messages that thread sent so far (to
    hold a rate, or bound the broker's backlog); `sent(chunk, time)` after each is confirmed.
    """
    counts = {"confirmed": 0, "failed": 0}
    lock = threading.Lock()
    errors: list[BaseException] = []

    def run(key: str, messages: Iterable[OutgoingMessage]) -> None:
        source, done = iter(messages), 0
        try:
            with AmqpTransport(urls[key.split("#")[0]]).publisher() as publisher:
                while batch := list(itertools.islice(source, chunk)):
                    if pace is not None:
                        pace(done)
                    moment = time.time()
                    result = publisher.publish(batch, timeout=120)
                    done += len(batch)
                    if sent is not None:
                        sent(batch, moment)
                    with lock:
                        counts["confirmed"] += len(result.confirmed)
                        counts["failed"] += len(result.failed) + len(result.returned)
        except BaseException as exc:  # re-raised in the caller's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=item, daemon=True) for item in sources.items()]
    started = time.time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    finished = time.time()
    if errors:
        raise errors[0]
    return Published(started, finished, counts["confirmed"], counts["failed"])
