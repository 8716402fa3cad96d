"""(c) Publish → `explanation.generated` received by the back office, at a steady rate:
decision_log and explainer together, with the CPU every process spent per decision; then the
highest steady rate at which p99 stays within a second."""

from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Any

import pika
from sqlalchemy import text

from shared.messaging import topology
from shared.messaging.message import OutgoingMessage
from tests.bench import load, traffic
from tests.bench.cpu import CpuMeter
from tests.bench.system import BenchSystem, wait_for

# New first versions of explanations, with the decision they explain, after a row id; and the
# last row id to start from.
# Two index scans, not `id > after OR id IN (gaps)`: on a table that (b) and (e) filled, the
# planner ran that OR as a parallel sequential scan, a hundred times a second, in parallel
# workers that the CPU accounting counts as PostgreSQL's and that took the cores from the
# services during (c) (pg_stat_activity sampled during a run, 8 December 2026).
EXPLAINED = (
    "SELECT e.id, d.administration, d.decision_id FROM explanations e "
    "JOIN decisions d ON d.id = e.decision_pk WHERE e.id > {after} AND e.version = 1 "
    "UNION ALL "
    "SELECT e.id, d.administration, d.decision_id FROM explanations e "
    "JOIN decisions d ON d.id = e.decision_pk WHERE e.id IN ({gaps}) AND e.version = 1 "
    "ORDER BY 1"
)
LOGGED = (
    "SELECT id, administration, decision_id FROM decisions WHERE id > {after} "
    "UNION ALL "
    "SELECT id, administration, decision_id FROM decisions WHERE id IN ({gaps}) "
    "ORDER BY 1"
)
LAST_EXPLANATION = "SELECT coalesce(max(id), 0) FROM explanations"
LAST_LOGGED = "SELECT coalesce(max(id), 0) FROM decisions"
PERCENTILES = (50, 90, 99)
GAPS_KEPT = 5000


class Arrivals:
    """Polls a table for new rows; keeps when each (administration, decision_id) appeared.

    A row counts once its transaction committed and the poll saw it: the poll interval (10 ms)
    is part of the latency measured, on the safe side. The polls go through one connection,
    whose server process (`backend_pid`) the CPU accounting counts as the bench's: a hundred
    queries a second cost PostgreSQL some 40 ms of CPU a second, that is 80 µs per decision
    at 500/s, which no deployment spends. Several writers (two explainer worker
    processes) commit rows out of id order: an id skipped by a poll is looked for again by the
    next ones, until it shows up (an id never used stays a gap, a few hundred at most).
    """

    def __init__(self, system: BenchSystem, service: str, last: str, query: str) -> None:
        self._system, self._service, self._query = system, service, query
        self.seen: dict[tuple[str, str], float] = {}
        self._after = int(system.scalar(service, last))
        self._connection = system.engine(service).connect()
        self.backend_pid = int(self._connection.execute(text("SELECT pg_backend_pid()")).scalar())
        self._connection.commit()
        self._gaps: set[int] = set()
        self.polls = 0  # transactions of the probe in the service's database
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def __enter__(self) -> Arrivals:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()
        self._connection.close()

    def _poll(self) -> None:
        connection = self._connection
        while not self._stop.wait(0.01):
            gaps = ",".join(map(str, sorted(self._gaps)[-GAPS_KEPT:])) or "0"
            rows = connection.execute(text(self._query.format(after=self._after, gaps=gaps))).all()
            connection.commit()
            self.polls += 1
            moment = time.time()
            found = set()
            for row_id, administration, decision_id in rows:
                self.seen.setdefault((administration, decision_id), moment)
                found.add(row_id)
            highest = max(found, default=self._after)
            if highest > self._after:
                self._gaps.update(range(self._after + 1, highest))
                self._after = highest
            self._gaps -= found


class BackOffice:
    """What a back office does to print its notices: a queue of its own bound to
    `explanation.generated.<administration>` (contract.md), read as the events arrive. Keeps
    when each decision's first explanation was received."""

    def __init__(self, system: BenchSystem) -> None:
        self.seen: dict[tuple[str, str], float] = {}
        self._url = system.amqp_url(system.admin)
        self._queue = f"bench.back-office.{uuid.uuid4().hex[:8]}"
        self._ready = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._consume, daemon=True)

    def __enter__(self) -> BackOffice:
        self._thread.start()
        if not self._ready.wait(30):
            raise RuntimeError("the back office's queue was not declared")
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()

    def _consume(self) -> None:
        connection = pika.BlockingConnection(pika.URLParameters(self._url))
        channel = connection.channel()
        channel.queue_declare(self._queue, exclusive=True, auto_delete=True)
        # As a back office that binds the batch event (docs/contract.md): what one transaction
        # of the explainer explained for its administration, in one message.
        channel.queue_bind(
            self._queue, topology.EVENTS_EXCHANGE, f"{topology.EXPLANATIONS_GENERATED}.*"
        )
        channel.basic_qos(prefetch_count=1000)
        self._ready.set()
        try:
            for method, _properties, body in channel.consume(
                self._queue, auto_ack=True, inactivity_timeout=0.05
            ):
                if self._stop.is_set():
                    break
                if method is None:
                    continue
                moment = time.time()
                for data in json.loads(body)["data"]["items"]:
                    if data["version"] == 1:
                        self.seen.setdefault((data["administration"], data["decision_id"]), moment)
        finally:
            connection.close()


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    if not ordered:
        return {}
    pick = {
        f"p{p}_ms": round(1000 * ordered[min(len(ordered) - 1, len(ordered) * p // 100)], 1)
        for p in PERCENTILES
    }
    return {**pick, "max_ms": round(1000 * ordered[-1], 1)}


def _key(message: OutgoingMessage) -> tuple[str, str]:
    body = json.loads(message.body)
    return body["administration"], body["decision_id"]


def run(
    system: BenchSystem,
    rate: int,
    seconds: float,
    first_seed: int,
    warmup: int,
    timeout: float,
    cpu_roots: dict[str, int] | None = None,
) -> dict[str, Any]:
    """Needs decision_log's and explainer's workers running, the registry known to both.

    `cpu_roots`: the processes whose CPU time is counted over the run (name → root pid)."""
    if warmup:
        _warm_up(system, first_seed + 500, min(warmup, 300), timeout)
    count = round(rate * seconds)
    messages = load.made(count, first_seed, system.user_of)
    keys = {m.message_id: _key(m) for batch in messages.values() for m in batch}
    urls = {user: system.amqp_url(user) for user in messages}
    per_thread = rate / len(messages)
    chunk = max(1, round(per_thread / 50))  # 50 chunks a second per back office
    sent_at: dict[tuple[str, str], float] = {}
    started = time.time()

    def pace(done: int) -> None:
        time.sleep(max(0.0, started + done / per_thread - time.time()))

    def sent(batch: list[OutgoingMessage], moment: float) -> None:
        for message in batch:
            sent_at[keys[message.message_id]] = moment

    with (
        Arrivals(system, "decision_log", LAST_LOGGED, LOGGED) as logged,
        BackOffice(system) as received,
    ):
        meter = CpuMeter(cpu_roots or {}, probes=frozenset({logged.backend_pid}))
        counted = traffic.snapshot(system) if cpu_roots else None
        polls = logged.polls
        before = meter.snapshot()
        published = load.publish(urls, messages, chunk, pace=pace, sent=sent)
        wait_for(
            lambda: len(received.seen.keys() & sent_at.keys()) >= count,
            timeout,
            interval=0.05,
            what="explanations received by the back office",
        )
        spent = meter.since(before)
        if counted is not None:
            # Read once the services have settled what they received (their last commits).
            time.sleep(2)
            counts = traffic.per_decision(
                counted,
                traffic.snapshot(system),
                count,
                own_commits={"decision_log": logged.polls - polls},
            )
    to_explanation = [received.seen[k] - t for k, t in sent_at.items()]
    to_log = [logged.seen[k] - t for k, t in sent_at.items() if k in logged.seen]
    out: dict[str, Any] = {
        "decisions": count,
        "target_rate": rate,
        "publish_rate": round(published.rate),
        "publish_to_explanation": percentiles(to_explanation),
        "publish_to_logged": percentiles(to_log),
    }
    if cpu_roots:
        services = {k: v for k, v in spent.items() if not k.startswith("bench ")}
        out["cpu_us_per_decision"] = {
            **{name: round(1e6 * cpu / count) for name, cpu in spent.items()},
            "total (every process but the bench)": round(1e6 * sum(services.values()) / count),
        }
        out["per_decision"] = counts
    return out


def highest_rate(
    system: BenchSystem,
    rates: tuple[int, ...],
    seconds: float,
    first_seed: int,
    timeout: float,
    limit_ms: float = 1000.0,
) -> dict[str, Any]:
    """Steady runs at increasing rates until p99 passes `limit_ms`: the highest rate that kept
    it, and each run's figures. The queues are empty between runs."""
    runs, best = [], None
    for n, rate in enumerate(rates):
        figures = run(system, rate, seconds, first_seed + n * 5_000, 0, timeout)
        p99 = figures["publish_to_explanation"]["p99_ms"]
        runs.append({"rate": rate, "achieved": figures["publish_rate"], "p99_ms": p99})
        if p99 > limit_ms or figures["publish_rate"] < 0.95 * rate:
            break
        best = rate
    return {"limit_ms": limit_ms, "seconds_per_rate": seconds, "highest_rate": best, "runs": runs}


def _warm_up(system: BenchSystem, seed: int, count: int, timeout: float) -> None:
    """Wait until the explainer has started and explains as it will while measured."""
    messages = load.made(count, seed, system.user_of)
    keys = {_key(m) for batch in messages.values() for m in batch}
    with Arrivals(system, "explainer", LAST_EXPLANATION, EXPLAINED) as explained:
        load.publish({user: system.amqp_url(user) for user in messages}, messages, chunk=50)
        wait_for(
            lambda: keys <= explained.seen.keys(), timeout, interval=0.1, what="explainer warm-up"
        )
