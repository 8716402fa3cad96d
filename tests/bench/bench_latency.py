"""(c) Publish → explanation stored, at a steady rate: decision_log and explainer together."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from sqlalchemy import text

from shared.messaging.message import OutgoingMessage
from tests.bench import load
from tests.bench.system import BenchSystem, wait_for

# New first versions of explanations, with the decision they explain, after a row id; and the
# last row id to start from.
EXPLAINED = (
    "SELECT e.id, d.administration, d.decision_id FROM explanations e "
    "JOIN decisions d ON d.id = e.decision_pk "
    "WHERE (e.id > {after} OR e.id IN ({gaps})) AND e.version = 1 "
    "ORDER BY e.id"
)
LOGGED = (
    "SELECT id, administration, decision_id FROM decisions "
    "WHERE (id > {after} OR id IN ({gaps})) "
    "ORDER BY id"
)
LAST_EXPLANATION = "SELECT coalesce(max(id), 0) FROM explanations"
LAST_LOGGED = "SELECT coalesce(max(id), 0) FROM decisions"
PERCENTILES = (50, 90, 99)
GAPS_KEPT = 5000


class Arrivals:
    """Polls a table for new rows; keeps when each (administration, decision_id) appeared.

    A row counts once its transaction committed and the poll saw it: the poll interval (10 ms)
    is part of the latency measured, on the safe side. Several writers (two explainer worker
    processes) commit rows out of id order: an id skipped by a poll is looked for again by the
    next ones, until it shows up (an id never used stays a gap, a few hundred at most).
    """

    def __init__(self, system: BenchSystem, service: str, last: str, query: str) -> None:
        self._system, self._service, self._query = system, service, query
        self.seen: dict[tuple[str, str], float] = {}
        self._after = int(system.scalar(service, last))
        self._gaps: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def __enter__(self) -> Arrivals:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()

    def _poll(self) -> None:
        engine = self._system.engine(self._service)
        while not self._stop.wait(0.01):
            gaps = ",".join(map(str, sorted(self._gaps)[-GAPS_KEPT:])) or "0"
            with engine.connect() as connection:
                rows = connection.execute(
                    text(self._query.format(after=self._after, gaps=gaps))
                ).all()
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
    system: BenchSystem, rate: int, seconds: float, first_seed: int, warmup: int, timeout: float
) -> dict[str, Any]:
    """Needs decision_log's and explainer's workers running, the registry known to both."""
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
        Arrivals(system, "explainer", LAST_EXPLANATION, EXPLAINED) as explained,
    ):
        published = load.publish(urls, messages, chunk, pace=pace, sent=sent)
        wait_for(
            lambda: len(explained.seen.keys() & sent_at.keys()) >= count,
            timeout,
            interval=0.1,
            what="explanations stored",
        )
    to_explanation = [explained.seen[k] - t for k, t in sent_at.items()]
    to_log = [logged.seen[k] - t for k, t in sent_at.items() if k in logged.seen]
    return {
        "decisions": count,
        "target_rate": rate,
        "publish_rate": round(published.rate),
        "publish_to_explanation": percentiles(to_explanation),
        "publish_to_logged": percentiles(to_log),
    }


def _warm_up(system: BenchSystem, seed: int, count: int, timeout: float) -> None:
    """Wait until the explainer has started and explains as it will while measured."""
    messages = load.made(count, seed, system.user_of)
    keys = {_key(m) for batch in messages.values() for m in batch}
    with Arrivals(system, "explainer", LAST_EXPLANATION, EXPLAINED) as explained:
        load.publish({user: system.amqp_url(user) for user in messages}, messages, chunk=50)
        wait_for(
            lambda: keys <= explained.seen.keys(), timeout, interval=0.1, what="explainer warm-up"
        )
