"""CPU time spent by each process of a run: where the cores went, per message."""

from __future__ import annotations

import os
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


def tree_cpu(root: int, exclude: frozenset[int] = frozenset()) -> float:
    """User + system CPU seconds of a live process and all its descendants (a server's forks),
    but those in `exclude` (the bench's own PostgreSQL backend, for instance)."""
    stats: dict[int, tuple[int, int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the command name: state, ppid, ..., utime (12th), stime (13th).
        stats[int(stat.parent.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    members, total = {root}, 0
    changed = True
    while changed:
        grown = {pid for pid, (ppid, _) in stats.items() if ppid in members} | members
        changed, members = grown != members, grown
    for pid in members - exclude:
        total += stats.get(pid, (0, 0))[1]
    return total / _TICKS


def pids_cpu(pids: frozenset[int]) -> float:
    """User + system CPU seconds of the live processes `pids`."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / _TICKS


def own_cpu() -> float:
    times = os.times()
    return times.user + times.system


PROBES = "bench (probes' server processes)"


class CpuMeter:
    """Snapshots of named process trees' CPU time; `since(before)` is what each spent since.

    `probes`: server processes that serve the bench's own probes (the PostgreSQL backend of
    the query that watches for logged decisions), left out of their server's tree and counted
    apart, as the bench's."""

    def __init__(self, roots: dict[str, int], probes: frozenset[int] = frozenset()) -> None:
        self.roots = dict(roots)
        self.probes = probes

    def snapshot(self) -> dict[str, float]:
        taken = {name: tree_cpu(pid, self.probes) for name, pid in self.roots.items()}
        taken["bench (publishers)"] = own_cpu()
        if self.probes:
            taken[PROBES] = pids_cpu(self.probes)
        return taken

    def since(self, before: dict[str, float]) -> dict[str, float]:
        now = self.snapshot()
        return {name: round(now[name] - before.get(name, 0.0), 2) for name in now}
