"""Decisions as JSON Lines files: one JSON object per line, UTF-8; `-` is stdin or stdout."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO


def write_jsonl(path: str | Path, decisions: Iterable[dict[str, Any]]) -> int:
    """Write the decisions, one per line; return how many were written."""
    if str(path) == "-":
        return _write(sys.stdout, decisions)
    with Path(path).open("w", encoding="utf-8") as out:
        return _write(out, decisions)


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Read one JSON object per line, blank lines skipped; ValueError names the faulty line."""
    if str(path) == "-":
        return _read(sys.stdin, "<stdin>")
    with Path(path).open(encoding="utf-8") as source:
        return _read(source, str(path))


def _write(out: TextIO, decisions: Iterable[dict[str, Any]]) -> int:
    count = 0
    for decision in decisions:
        # ensure_ascii=False keeps French labels readable when someone opens the file.
        out.write(json.dumps(decision, ensure_ascii=False, separators=(",", ":")) + "\n")
        count += 1
    return count


def _read(source: TextIO, name: str) -> list[dict[str, Any]]:
    decisions = []
    for number, line in enumerate(source, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{name}, line {number}: not valid JSON ({exc.msg})") from exc
        if not isinstance(value, dict):
            raise ValueError(f"{name}, line {number}: not a JSON object")
        decisions.append(value)
    return decisions
