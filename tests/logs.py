"""Every log record of the test process, as a log file would hold it, extras included."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager


class AllLogs(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.getMessage()} {record.__dict__!r}")

    @property
    def text(self) -> bytes:
        return "\n".join(self.lines).encode()


@contextmanager
def every_log_line() -> Iterator[AllLogs]:
    """Capture every record, at every level, while the block runs."""
    logs = AllLogs()
    root = logging.getLogger()
    level = root.level
    root.addHandler(logs)
    root.setLevel(logging.DEBUG)
    try:
        yield logs
    finally:
        root.removeHandler(logs)
        root.setLevel(level)
