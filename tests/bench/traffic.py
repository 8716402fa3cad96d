"""What a run asked of PostgreSQL and RabbitMQ, per decision: commits and rows written in each
service's database, WAL records and flushes, and the messages each service consumed.

The CPU per decision says where the cores went; these counts say why (docs/benchmark.md: at
500/s, the fixed costs of each transaction and each message are most of it). Counters from
`pg_stat_database` and `pg_stat_wal` (PostgreSQL updates them within a second or so of each
transaction: a run of tens of seconds reads them within a few per cent) and the services'
inboxes (one row per message consumed, per queue).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import text

from tests.bench.system import BenchSystem

_DATABASE = (
    "SELECT xact_commit, tup_inserted + tup_updated + tup_deleted "
    "FROM pg_stat_database WHERE datname = current_database()"
)
_WAL = "SELECT wal_records, wal_bytes, wal_write, wal_sync FROM pg_stat_wal"
_INBOX = "SELECT queue, count(*) FROM inbox GROUP BY queue"


def snapshot(system: BenchSystem) -> dict[str, Any]:
    """The counters now (each read in a transaction of its own: one commit per service)."""
    taken: dict[str, Any] = {"commits": {}, "rows": {}, "consumed": Counter()}
    for service in system.databases:
        with system.engine(service).connect() as connection:
            commits, rows = connection.execute(text(_DATABASE)).one()
            taken["commits"][service], taken["rows"][service] = int(commits), int(rows)
            for queue, count in connection.execute(text(_INBOX)):
                taken["consumed"][queue] += int(count)
            if "wal" not in taken:
                taken["wal"] = dict(
                    zip(
                        ("records", "bytes", "writes", "flushes"),
                        map(int, connection.execute(text(_WAL)).one()),
                        strict=True,
                    )
                )
    return taken


def per_decision(
    before: dict[str, Any],
    after: dict[str, Any],
    decisions: int,
    own_commits: dict[str, int] | None = None,
) -> dict[str, Any]:
    """What happened between two snapshots, per decision. `own_commits`: the bench's own
    transactions in a service's database (its probe's polls, the snapshot's reads), left out."""

    def each(name: str, drop: dict[str, int] | None = None) -> dict[str, float]:
        return {
            key: round(
                (after[name][key] - before[name].get(key, 0) - (drop or {}).get(key, 0))
                / decisions,
                3,
            )
            for key in after[name]
        }

    own = Counter(own_commits or {})
    for service in after["commits"]:
        own[service] += 1  # the snapshot's own read
    consumed = {
        queue: round((count - before["consumed"].get(queue, 0)) / decisions, 3)
        for queue, count in sorted(after["consumed"].items())
        if count > before["consumed"].get(queue, 0)
    }
    return {
        "commits": each("commits", dict(own)),
        "rows_written": each("rows"),
        "wal": each("wal"),
        "messages_consumed": consumed,
    }
