"""No code path closes an appeal without a human decision: only the review module writes the
`decided` status, and only after the rules checked a signed-in agent."""

from __future__ import annotations

import ast
from pathlib import Path

SERVICE = Path(__file__).resolve().parents[3] / "services" / "appeals"


def writers_of_decided() -> set[str]:
    found = set()
    for path in SERVICE.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.keyword)
                and node.arg == "status"
                and isinstance(node.value, ast.Name)
                and node.value.id == "DECIDED"
            ):
                found.add(str(path.relative_to(SERVICE)))
            if (
                isinstance(node, ast.keyword)
                and node.arg == "status"
                and isinstance(node.value, ast.Constant)
                and node.value.value == "decided"
            ):
                found.add(str(path.relative_to(SERVICE)))
    return found


def test_only_the_human_review_closes_an_appeal():
    assert writers_of_decided() == {"service_layer/review.py"}


def test_the_scheduler_never_writes_a_status():
    source = (SERVICE / "service_layer" / "alarms.py").read_text()
    assert "status=" not in source and "outcome=" not in source
