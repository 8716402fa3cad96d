"""py-spy on a worker during a run, and a summary of where its time goes."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

# "function (file:line)": the line number is dropped, so each function counts once.
_FRAME = re.compile(r"^(?P<function>.+?) \((?P<file>[^:()]+)(?::\d+)?\)$")


def py_spy() -> str | None:
    """py-spy on the PATH, or installed in this interpreter's environment (make bench)."""
    beside = Path(sys.executable).with_name("py-spy")
    return shutil.which("py-spy") or (str(beside) if beside.exists() else None)


def record(pid: int, out: Path, subprocesses: bool = False) -> subprocess.Popen[bytes] | None:
    """Start sampling `pid` into `out` (collapsed stacks) until stop(); None without py-spy."""
    binary = py_spy()
    if binary is None:
        return None
    argv = [
        binary,
        "record",
        "--pid",
        str(pid),
        "--rate",
        "200",
        "--format",
        "raw",
        "--nonblocking",
        "--output",
        str(out),
        *(["--subprocesses"] if subprocesses else []),
    ]
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop(recorder: subprocess.Popen[bytes]) -> None:
    """py-spy writes its output when interrupted."""
    recorder.send_signal(signal.SIGINT)
    try:
        recorder.wait(30)
    except subprocess.TimeoutExpired:
        recorder.kill()


def _frame(raw: str) -> str:
    match = _FRAME.match(raw.strip())
    return f"{match['function']} ({match['file']})" if match else raw.strip()


def summarize(path: Path, within: str = "MessageConsumer._settle", top: int = 20) -> dict[str, Any]:
    """Inclusive share of the samples of `within` (the consumer loop) spent in each function."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        frames = [_frame(f) for f in stack.split(";")]
        starts = [i for i, f in enumerate(frames) if f.startswith(within + " ")]
        if not starts or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = frames[starts[0] :]
        total += count
        for frame in set(frames):
            inclusive[frame] += count
        own[frames[-1]] += count

    def share(counter: Counter[str]) -> list[list[Any]]:
        # Frames in every sample (the loop itself) say nothing.
        return [
            [name, round(100 * n / max(total, 1), 1)]
            for name, n in counter.most_common()
            if n < 0.99 * total
        ][:top]

    return {"samples": total, "inclusive_pct": share(inclusive), "self_pct": share(own)}
