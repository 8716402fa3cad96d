"""Fault-injection tools: worker processes to kill, a stream of confirmed decisions, a report."""

from __future__ import annotations

import ctypes
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shared.contracts.decision import decision_message
from shared.messaging.amqp import AmqpTransport
from shared.messaging.backoff import Backoff
from shared.messaging.transport import Publisher, TransportError

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[2]


def _die_with_parent() -> None:
    """A worker of a killed test session must not live on: PR_SET_PDEATHSIG, SIGKILL."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)


class WorkerProcess:
    """`explicite worker <service>` as a real OS process, so that it can be killed with -9."""

    def __init__(
        self, service: str, env: dict[str, str], log_dir: Path, name: str | None = None
    ) -> None:
        self.service = service
        self._env = {**os.environ, **env, "EXPLICITE_LOG_FORMAT": "text"}
        self._log_path = log_dir / f"worker-{name or service}.log"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log_file = self._log_path.open("ab")
        self._process = subprocess.Popen(
            [sys.executable, "-m", "services.cli", "worker", self.service],
            cwd=ROOT,
            env=self._env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent,
        )
        log_file.close()

    def kill(self) -> None:
        """SIGKILL: no clean-up, unacknowledged messages and open transactions abandoned."""
        if self._process is not None:
            self._process.send_signal(signal.SIGKILL)
            self._process.wait(10)

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def log_tail(self, lines: int = 30) -> str:
        text = self._log_path.read_text(errors="replace") if self._log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


class ConfirmedStream:
    """Publishes decisions at a steady rate as a back office; keeps those the broker confirmed.

    A decision whose publish failed (broker down, nack, connection lost) is sent again until
    confirmed: what counts is what the broker took responsibility for.
    """

    def __init__(
        self, url: str, decisions: list[dict[str, Any]], rate: float, batch: int = 20
    ) -> None:
        self._url, self._decisions, self._rate, self._batch = url, decisions, rate, batch
        self.confirmed: dict[str, dict[str, Any]] = {}
        self.attempts = 0
        self.publish_failures = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="confirmed-stream", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(60)

    @property
    def done(self) -> bool:
        return len(self.confirmed) == len(self._decisions)

    def _batches(self) -> Iterator[list[dict[str, Any]]]:
        for start in range(0, len(self._decisions), self._batch):
            yield self._decisions[start : start + self._batch]

    def _run(self) -> None:
        interval = self._batch / self._rate
        # One transport for the whole run: it moves on to the next node after a failure.
        transport = AmqpTransport(self._url)
        publisher: Publisher | None = None
        backoff = Backoff(cap=2.0)
        for batch in self._batches():
            pending = list(batch)
            while pending and not self._stop.is_set():
                started = time.monotonic()
                try:
                    publisher = publisher or transport.publisher()
                    self.attempts += 1
                    result = publisher.publish([decision_message(d) for d in pending], 10)
                except TransportError:
                    result = None
                confirmed = set(result.confirmed) if result else set()
                for decision in pending:
                    if decision["event_id"] in confirmed:
                        self.confirmed[decision["event_id"]] = decision
                pending = [d for d in pending if d["event_id"] not in confirmed]
                if pending:
                    self.publish_failures += 1
                    if publisher is not None:
                        publisher.close()
                    publisher = None
                    self._stop.wait(backoff.next())
                else:
                    backoff.reset()
                    self._stop.wait(max(0.0, interval - (time.monotonic() - started)))
            if self._stop.is_set():
                break
        if publisher is not None:
            publisher.close()


@dataclass
class FaultReport:
    events: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    lost: int = 0
    duplicated: int = 0
    dead_lettered: int = 0
    quarantined: int = 0
    explanations_missing: int | None = None
    # After the last fault: until everything confirmed so far is logged.
    time_to_recover_s: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "events": self.events,
            "faults": dict(self.faults),
            "faults_total": sum(self.faults.values()),
            "lost": self.lost,
            "duplicated": self.duplicated,
            "dead_lettered": self.dead_lettered,
            "quarantined": self.quarantined,
            "explanations_missing": self.explanations_missing,
            "time_to_recover_s": round(self.time_to_recover_s, 2),
            **self.extra,
        }

    def publish(self, name: str) -> None:
        """Print the figures and keep them as a test artefact."""
        text = json.dumps(self.as_dict(), indent=2)
        print(f"\n{name}: {text}")
        directory = ROOT / "test-artifacts"
        directory.mkdir(exist_ok=True)
        (directory / f"{name}.json").write_text(text)


def wait_while_progressing(remaining: Any, stall: float = 60, limit: float = 1200) -> bool:
    """Wait until `remaining()` is 0, as long as it keeps falling: a backlog is being worked
    through, at whatever speed the machine allows; a stall of `stall` seconds is a failure."""
    deadline, best, last_progress = time.monotonic() + limit, remaining(), time.monotonic()
    while best > 0 and time.monotonic() < deadline:
        time.sleep(0.5)
        now = remaining()
        if now < best:
            best, last_progress = now, time.monotonic()
        elif time.monotonic() - last_progress > stall:
            return False
    return best == 0


def wait_until(predicate: Any, timeout: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())
