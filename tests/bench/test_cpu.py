"""The CPU accounting of the bench: a probe's server process is the bench's, not the system's."""

from __future__ import annotations

import subprocess
import sys
import time

from tests.bench.cpu import PROBES, CpuMeter, tree_cpu


def test_a_probe_process_is_counted_apart_from_its_servers_tree() -> None:
    # A "server" whose child burns CPU, as a PostgreSQL backend serving the bench's probe.
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import subprocess, sys; subprocess.run([sys.executable, '-c', "
            "'import time\\nend = time.time() + 1.5\\nwhile time.time() < end: pass'])",
        ]
    )
    try:
        time.sleep(0.3)
        children = subprocess.run(
            ["pgrep", "-P", str(server.pid)], capture_output=True, text=True, check=True
        ).stdout.split()
        probe = int(children[0])
        meter = CpuMeter({"server": server.pid}, probes=frozenset({probe}))
        before = meter.snapshot()
        time.sleep(0.8)
        spent = meter.since(before)
        assert spent[PROBES] >= 0.4  # the busy child, counted as the bench's
        assert spent["server"] <= 0.1  # and not in its server's tree
        assert tree_cpu(server.pid) >= tree_cpu(server.pid, frozenset({probe})) + 0.4
    finally:
        server.wait(10)
