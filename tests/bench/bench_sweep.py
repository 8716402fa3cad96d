"""The throughput settings, measured: (b) once per variant, each on a fresh worker process."""

from __future__ import annotations

import statistics
from typing import Any

from shared.messaging.message import OutgoingMessage
from tests.bench import bench_ingest, load
from tests.bench.system import BenchSystem, stop_process

# Each variant changes the defaults of shared/config.py (docs/operations.md) in one respect.
# Every round runs them all in turn, so that a busy spell of the machine hits every variant
# alike; the report keeps each variant's median over the rounds.
VARIANTS: list[dict[str, str]] = [
    {},
    {"EXPLICITE_CONSUMER_PREFETCH": "200", "EXPLICITE_CONSUMER_BATCH_SIZE": "100"},
    {"EXPLICITE_CONSUMER_PREFETCH": "1000", "EXPLICITE_CONSUMER_BATCH_SIZE": "500"},
    {"EXPLICITE_CONSUMER_PREFETCH": "2000", "EXPLICITE_CONSUMER_BATCH_SIZE": "1000"},
    {"EXPLICITE_CONSUMER_PREFETCH": "1000"},
    {"EXPLICITE_CONSUMER_BATCH_WAIT_MS": "5"},
    {"EXPLICITE_CONSUMER_BATCH_WAIT_MS": "100"},
    {"EXPLICITE_OUTBOX_BATCH_SIZE": "100"},
    {"EXPLICITE_OUTBOX_BATCH_SIZE": "2000"},
    {"EXPLICITE_DB_POOL_SIZE": "2"},
    {"EXPLICITE_DB_POOL_SIZE": "10"},
]


def run(
    system: BenchSystem,
    count: int,
    first_seed: int,
    warmup: dict[str, list[OutgoingMessage]],
    chunk: int,
    timeout: float,
    rounds: int = 2,
) -> list[dict[str, Any]]:
    base = dict(system.tuning)
    runs: list[list[dict[str, Any]]] = [[] for _ in VARIANTS]
    seed = first_seed
    for round_ in range(rounds):
        for n, variant in enumerate(VARIANTS):
            system.tuning = {**base, **variant}
            worker = system.worker("decision_log")
            try:
                seed += 10
                figures = bench_ingest.run(
                    system,
                    {"worker": worker.pid},
                    load.made(count, seed, system.user_of),
                    warmup if seed == first_seed + 10 else {},
                    chunk,
                    timeout,
                )
            finally:
                stop_process(worker)
            runs[n].append(figures)
            print(
                f"[bench] sweep round {round_ + 1} {variant or 'defaults'}: "
                f"{figures['end_to_end_rate']}/s",
                flush=True,
            )
    system.tuning = base
    return [
        {
            "settings": variant or "defaults",
            "end_to_end_rate": round(statistics.median(f["end_to_end_rate"] for f in found)),
            "rates": [f["end_to_end_rate"] for f in found],
            "cpu_us_per_decision": round(
                statistics.median(sum(f["cpu_us_per_decision"].values()) for f in found)
            ),
            "logged_exactly_once": all(f["logged_exactly_once"] for f in found),
        }
        for variant, found in zip(VARIANTS, runs, strict=True)
    ]
