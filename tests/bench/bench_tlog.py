"""(t) The transparency log on a tree of a million leaves: append cost and proof latency.

A log of its own in decision_log's database grows by batches of the consumer's size, each
appended and committed as ingest does it (frontier read, hashes, COPY of the node rows, commit).
Then inclusion and consistency proofs of random leaves are drawn from the full tree, each in its
own transaction as an HTTP request would: one query for the nodes, then the hashing.
"""

from __future__ import annotations

import random
import statistics
import time
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import sessionmaker

from services.decision_log.adapters import tables as t
from shared.db import UnitOfWork
from shared.tlog.merkle import (
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    tree_root,
    verify_consistency,
    verify_inclusion,
)
from shared.tlog.store import NodeStore
from tests.bench.system import BenchSystem

LOG = "bench-transparency"
ENTRY_BYTES = 900  # about the size of a decision's record as its leaf holds it


def _entry(index: int) -> bytes:
    return index.to_bytes(8, "big") * (ENTRY_BYTES // 8)


def run(system: BenchSystem, leaves: int, batch: int, probes: int) -> dict[str, Any]:
    sessions = sessionmaker(system.engine("decision_log"))

    def uow() -> UnitOfWork:
        return UnitOfWork(sessions, t.messaging.outbox)

    batch_seconds = []
    started = time.perf_counter()
    for first in range(0, leaves, batch):
        count = min(batch, leaves - first)
        began = time.perf_counter()
        with uow() as work:
            nodes = NodeStore(work.session, t.tlog, work.staging)
            for index in range(first, first + count):
                nodes.append(LOG, index, _entry(index))
            work.commit()
        batch_seconds.append((time.perf_counter() - began) / count)
    build_s = time.perf_counter() - started

    draw = random.Random(9162)
    with uow() as work:
        root = tree_root(leaves, NodeStore(work.session, t.tlog, work.staging).reader(LOG))
    inclusion_ms, consistency_ms = [], []
    for _ in range(probes):
        index = draw.randrange(leaves)
        began = time.perf_counter()
        with uow() as work:
            read = NodeStore(work.session, t.tlog, work.staging).reader(LOG)
            proof = inclusion_proof(index, leaves, read)
        inclusion_ms.append((time.perf_counter() - began) * 1000)
        verify_inclusion(leaf_hash(_entry(index)), index, leaves, proof, root)
    for _ in range(max(probes // 4, 1)):
        old = draw.randrange(1, leaves)
        began = time.perf_counter()
        with uow() as work:
            read = NodeStore(work.session, t.tlog, work.staging).reader(LOG)
            proof = consistency_proof(old, leaves, read)
            old_root = tree_root(old, read)
        consistency_ms.append((time.perf_counter() - began) * 1000)
        verify_consistency(old, leaves, old_root, root, proof)
    with system.engine("decision_log").begin() as connection:  # the next run starts afresh
        connection.execute(delete(t.tlog.nodes).where(t.tlog.nodes.c.log == LOG))
    append_us = sorted(s * 1e6 for s in batch_seconds)
    return {
        "leaves": leaves,
        "batch": batch,
        "build_s": round(build_s, 1),
        "append_us_per_leaf": {
            "mean": round(statistics.fmean(append_us), 1),
            "p99": round(_p99(append_us), 1),
        },
        "inclusion_proof_ms": _summary(inclusion_ms),
        "consistency_proof_ms": _summary(consistency_ms),
    }


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def _summary(values: list[float]) -> dict[str, float]:
    return {
        "count": len(values),
        "p50": round(statistics.median(values), 2),
        "p99": round(_p99(values), 2),
        "max": round(max(values), 2),
    }
