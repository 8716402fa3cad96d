"""(a) The raw baseline: the back offices' publisher and a consumer that only acks."""

from __future__ import annotations

import statistics
import subprocess
import sys
import threading
from typing import Any

from shared.messaging.message import OutgoingMessage
from tests.bench import load
from tests.bench.cpu import CpuMeter
from tests.bench.system import ROOT, BenchSystem, wait_for

EXCHANGE = QUEUE = "bench.raw"


class AckingConsumer:
    """The raw_consumer process, and the acks it reported."""

    def __init__(self, system: BenchSystem, total: int, batches: dict[str, int]) -> None:
        argv = [
            sys.executable,
            "-m",
            "tests.bench.raw_consumer",
            system.amqp_url(system.admin),
            QUEUE,
            str(total),
            str(batches["prefetch"]),
            str(batches["batch_size"]),
            str(batches["batch_wait_ms"]),
        ]
        self.process = subprocess.Popen(
            argv,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=system.env("decision_log"),
            start_new_session=True,
        )
        self.ready = threading.Event()
        self.acks: list[tuple[int, float]] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith("ready"):
                self.ready.set()
            elif line.startswith("acked"):
                _, count, moment = line.split()
                self.acks.append((int(count), float(moment)))

    def acked(self) -> int:
        return self.acks[-1][0] if self.acks else 0

    def first_ack_after(self, count: int) -> tuple[int, float]:
        return next((acked, moment) for acked, moment in self.acks if acked > count)


def _declare(system: BenchSystem) -> None:
    channel = system.admin_channel()
    channel.exchange_declare(EXCHANGE, "topic", durable=True)
    channel.queue_declare(QUEUE, durable=True, arguments={"x-queue-type": "quorum"})
    channel.queue_bind(QUEUE, EXCHANGE, "#")
    channel.connection.close()


def run_once(
    system: BenchSystem,
    messages: dict[str, list[OutgoingMessage]],
    warmup: dict[str, list[OutgoingMessage]],
    chunk: int,
    batches: dict[str, int],
    timeout: float,
) -> dict[str, Any]:
    """Publish the decisions' bodies to a quorum queue of their own; time publish, consume."""
    urls = {system.admin: system.amqp_url(system.admin)}
    warm, count = load.size(warmup), load.size(messages)
    consumer = AckingConsumer(system, warm + count, batches)
    try:
        if not consumer.ready.wait(30):
            raise TimeoutError("the acking consumer did not start")
        load.publish(urls, load.rerouted(warmup, EXCHANGE, system.admin), chunk)
        wait_for(lambda: consumer.acked() >= warm, timeout, what="raw warm-up")
        meter = CpuMeter({**system.server_roots(), "consumer": consumer.process.pid})
        before = meter.snapshot()
        published = load.publish(urls, load.rerouted(messages, EXCHANGE, system.admin), chunk)
        wait_for(lambda: consumer.acked() >= warm + count, timeout, what="raw consumption")
        cpu = meter.since(before)
        consumer.process.wait(30)
    finally:
        if consumer.process.poll() is None:
            consumer.process.kill()
    done = consumer.acks[-1][1]
    first_count, first = consumer.first_ack_after(warm)
    return {
        "publish_rate": round(published.rate),
        # From the first ack of the measured messages to the last: consumption alone.
        "consume_rate": round((warm + count - first_count) / max(done - first, 1e-9)),
        "end_to_end_rate": round(count / (done - published.started)),
        "failed": published.failed,
        "cpu_us_per_message": {name: round(1e6 * seconds / count) for name, seconds in cpu.items()},
    }


def run(
    system: BenchSystem,
    messages: dict[str, list[OutgoingMessage]],
    warmup: dict[str, list[OutgoingMessage]],
    chunk: int,
    batches: dict[str, int],
    timeout: float,
    repeats: int = 3,
) -> dict[str, Any]:
    """The baseline `repeats` times (a busy machine makes one short run unreliable): medians."""
    _declare(system)
    runs = [run_once(system, messages, warmup, chunk, batches, timeout) for _ in range(repeats)]
    median = {
        key: statistics.median(r[key] for r in runs)
        for key in ("publish_rate", "consume_rate", "end_to_end_rate")
    }
    best = max(runs, key=lambda r: r["end_to_end_rate"])
    return {
        "messages": load.size(messages),
        "message_bytes": _mean_size(messages),
        **{k: round(v) for k, v in median.items()},
        "end_to_end_rates": [r["end_to_end_rate"] for r in runs],
        "failed": sum(r["failed"] for r in runs),
        "cpu_us_per_message": best["cpu_us_per_message"],
    }


def _mean_size(messages: dict[str, list[OutgoingMessage]]) -> int:
    bodies = [len(m.body) for batch in messages.values() for m in batch]
    return round(sum(bodies) / max(len(bodies), 1))
