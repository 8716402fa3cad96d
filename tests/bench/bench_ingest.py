"""(b) End-to-end ingest: decisions published with confirms until decision_log committed them."""

from __future__ import annotations

import time
from typing import Any

from shared.messaging import topology
from shared.messaging.message import OutgoingMessage
from tests.bench import load
from tests.bench.cpu import CpuMeter
from tests.bench.system import BenchSystem, wait_for

# The chain heads hold each administration's last sequence number: their sum is the number of
# decisions committed, read without scanning the decisions table while it grows.
LOGGED = "SELECT coalesce(sum(seq), 0) FROM chain_heads"
# Queues of the services not running in this phase: bound in production, emptied here.
UNCONSUMED = tuple(
    topology.QueueSpec(service, event).name
    for service, event in (
        ("explainer", topology.DECISIONS_LOGGED),
        ("appeals", topology.DECISIONS_LOGGED),
        ("appeals", topology.EXPLANATIONS_GENERATED),
    )
)


def logged(system: BenchSystem) -> int:
    return int(system.scalar("decision_log", LOGGED))


def purge(system: BenchSystem, queues: tuple[str, ...] = UNCONSUMED) -> None:
    channel = system.admin_channel()
    for queue in queues:
        channel.queue_purge(queue)
    channel.connection.close()


def run(
    system: BenchSystem,
    workers: dict[str, int],
    messages: dict[str, list[OutgoingMessage]],
    warmup: dict[str, list[OutgoingMessage]],
    chunk: int,
    timeout: float,
) -> dict[str, Any]:
    """Needs decision_log's worker running on a prepared database, and nothing else."""
    urls = {user: system.amqp_url(user) for user in messages}
    before, warm, count = logged(system), load.size(warmup), load.size(messages)
    load.publish(urls, warmup, chunk)
    wait_for(lambda: logged(system) >= before + warm, timeout, what="ingest warm-up")
    meter = CpuMeter({**system.server_roots(), **workers})
    cpu_before = meter.snapshot()
    published = load.publish(urls, messages, chunk)
    done = wait_for(
        lambda: logged(system) >= before + warm + count, timeout, what="decisions logged"
    )
    cpu = meter.since(cpu_before)
    drained = wait_for(
        lambda: system.scalar("decision_log", "SELECT count(*) FROM outbox") == 0,
        timeout,
        interval=0.05,
        what="outbox drained",
    )
    decisions = system.scalar("decision_log", "SELECT count(*) FROM decisions")
    quarantined = system.scalar("decision_log", "SELECT count(*) FROM quarantine")
    purge(system)
    return {
        "decisions": count,
        "publish_rate": round(published.rate),
        "end_to_end_rate": round(count / (done - published.started)),
        # decision.logged events still to publish when the last decision was committed.
        "outbox_drained_after_s": round(max(drained - done, 0.0), 3),
        "logged_exactly_once": decisions == before + warm + count and quarantined == 0,
        "failed": published.failed,
        "cpu_us_per_decision": {
            name: round(1e6 * seconds / count) for name, seconds in cpu.items()
        },
        "elapsed_s": round(time.time() - published.started, 1),
    }
