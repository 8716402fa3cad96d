"""(e) The worker's resident memory while it logs a long stream of decisions."""

from __future__ import annotations

import threading
import time
from typing import Any

from tests.bench import bench_ingest, load
from tests.bench.system import BenchSystem, rss_mb, wait_for

# The broker holds at most this many decisions not yet logged (the back offices wait).
BACKLOG = 20_000
# decision.logged events for the services not running pile up in their queues: emptied this
# often (in decisions logged), so that the broker's memory stays out of the picture.
PURGE_EVERY = 50_000


class Sampler:
    """Every `interval` s: the worker's RSS against the decisions logged so far."""

    def __init__(self, system: BenchSystem, pid: int, interval: float) -> None:
        self._system, self._pid, self._interval = system, pid, interval
        self.samples: list[tuple[float, int, float]] = []
        self.logged = bench_ingest.logged(system)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        purged_at = self.logged
        while not self._stop.wait(self._interval):
            self.logged = bench_ingest.logged(self._system)
            self.samples.append((time.time(), self.logged, rss_mb(self._pid)))
            if self.logged - purged_at >= PURGE_EVERY:
                bench_ingest.purge(self._system)
                purged_at = self.logged


def run(
    system: BenchSystem, worker_pid: int, count: int, first_seed: int, chunk: int, timeout: float
) -> dict[str, Any]:
    """Stream `count` decisions (made as they go) through decision_log's worker."""
    sources = load.streams(count, first_seed, system.user_of)
    urls = {user: system.amqp_url(user) for user in sources}
    sent = [0]
    lock = threading.Lock()

    def note(batch: list[Any], _moment: float) -> None:
        with lock:
            sent[0] += len(batch)

    with Sampler(system, worker_pid, interval=1.0 if count > 100_000 else 0.25) as sampler:
        start = sampler.logged

        def hold_back(_done: int) -> None:
            while sent[0] - (sampler.logged - start) > BACKLOG:
                time.sleep(0.05)

        published = load.publish(urls, sources, chunk, pace=hold_back, sent=note)
        wait_for(
            lambda: sampler.logged >= start + count,
            timeout,
            interval=0.2,
            what="the long run logged",
        )
        time.sleep(1.0)
    bench_ingest.purge(system)
    return {
        "decisions": count,
        **_shape(sampler.samples, start, count),
        "end_to_end_rate": round(count / (time.time() - 1.0 - published.started)),
    }


def _shape(samples: list[tuple[float, int, float]], start: int, count: int) -> dict[str, Any]:
    """RSS after the first tenth of the run (warm), at the middle, at the end, and its peak."""

    def at(fraction: float) -> float:
        mark = start + fraction * count
        return next((rss for _, logged, rss in samples if logged >= mark), samples[-1][2])

    step = max(1, len(samples) // 60)
    return {
        "rss_warm_mb": round(at(0.1), 1),
        "rss_middle_mb": round(at(0.5), 1),
        "rss_end_mb": round(samples[-1][2], 1),
        "rss_peak_mb": round(max(s[2] for s in samples), 1),
        "growth_second_half_mb": round(samples[-1][2] - at(0.5), 1),
        "samples": [[logged - start, round(rss, 1)] for _, logged, rss in samples[::step]],
    }
