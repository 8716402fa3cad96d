"""Validation of `decision.v1` bodies: the direct path against the schema it stands in for.

Measures both on the same bodies and checks that they agree on every one of them, valid or
spoiled in the ways back offices get things wrong: the direct path must load exactly what the
schema loads (same values, same key order) and give up on everything the schema refuses.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Iterator
from typing import Any

from marshmallow import ValidationError

from shared.contracts.decision import DecisionRecordedSchema, _load_valid
from shared.samples import generate_decisions

# (path, value): set one field of a valid body to a value; `...` deletes it.
SPOILERS: list[tuple[str, Any]] = [
    ("schema", "decision.v2"), ("event_id", "not-a-uuid"), ("event_id", "7D1C" + "0" * 28),
    ("event_id", "7D1C0000-0000-4000-8000-00000000000A"), ("decision_id", "X\n"),
    ("decision_id", "-X"), ("decision_id", ""), ("decision_id", 12), ("administration", "Ville"),
    ("administration", "ville-exemple\n"), ("algorithm.id", None), ("algorithm.extra", 1),
    ("algorithm", ["a"]), ("decided_at", "2026-11-02T09:30:00"), ("decided_at", "2026-11-02"),
    ("decided_at", "2026-11-02T09:30:00Z"), ("decided_at", "2026-13-02T09:30:00+01:00"),
    ("decided_at", 1700000000), ("automation", "none"), ("automation", ...),
    ("decided_by", None), ("decided_by", ""), ("decided_by", "a\u200bb"), ("decided_by", "x" * 129),
    ("subject.ref", ""), ("subject.ref", "r\x00"), ("subject.ref", "r\u00a0s"),
    ("subject.contact", None), ("subject.contact", ...), ("subject.contact.email", "nope"),
    ("subject.contact.email", None), ("subject.contact.email", "a@b.c" + "x" * 250),
    ("subject.contact.postal_address", "1 rue\n2 bis"), ("subject.contact.postal_address", "\t"),
    ("subject.contact.phone", "+33 1 23 45 67 89"), ("subject.contact.phone", "9" * 41),
    ("subject.contact.fax", "1"), ("subject.extra", 1), ("outcome.code", "a b"),
    ("outcome.label", ""), ("outcome.label", "<b>é</b>"), ("outcome.favourable", "true"),
    ("outcome.favourable", 1), ("outcome.amount", True), ("outcome.amount", 10**16),
    ("outcome.amount", 12.5), ("outcome.amount", float("inf")), ("outcome.currency", "USD"),
    ("outcome.currency", None), ("outcome.currency", ...), ("outcome.effective_from", None),
    ("outcome.effective_from", "20261201"), ("outcome.effective_from", "2026-12-01T00:00"),
    ("outcome.effective_from", "2026-02-30"), ("criteria", []), ("criteria", {}),
    ("criteria.0.value", None), ("criteria.0.value", [1]), ("criteria.0.value", "v" * 501),
    ("criteria.0.value", "2026-01-01"), ("criteria.0.value", float("nan")),
    ("criteria.0.value", "a\x7f"), ("criteria.0.source", None), ("criteria.0.source", ...),
    ("criteria.0.contribution", -0.5), ("criteria.0.contribution", "1"),
    ("criteria.0.code", "x y"), ("criteria.1.code", "<same as 0>"), ("criteria.0.extra", 1),
    ("score", None), ("score", "35"), ("score", False), ("supersedes", "<decision_id>"),
    ("supersedes", "OTHER-1"), ("supersedes", ""), ("departure_reasons", None),
    ("departure_reasons", "Urgence sociale signalée par le CCAS."), ("departure_reasons", ""),
    ("departure_reasons", "x" * 2001), ("departure_reasons", "a\x00b"),
    ("departure_reasons", 12), ("unknown", 1),
]


def _spoiled(body: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    body = copy.deepcopy(body)
    *parents, last = path.split(".")
    target: Any = body
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if value == "<same as 0>":
        value = body["criteria"][0]["code"]
    elif value == "<decision_id>":
        value = body["decision_id"]
    if isinstance(target, list):
        target[int(last)] = value
    elif value is ...:
        target.pop(last, None)
    else:
        target[last] = value
    return body


def bodies(count: int) -> Iterator[dict[str, Any]]:
    """Valid sample decisions, then each spoiler applied to sample decisions in turn."""
    valid = [json.loads(json.dumps(d)) for d in generate_decisions(count, seed=7)]
    yield from valid
    for n, (path, value) in enumerate(SPOILERS):
        try:
            yield _spoiled(valid[n % len(valid)], path, value)
        except (KeyError, IndexError, TypeError):
            continue


def _same(a: Any, b: Any) -> bool:
    """Equal values with equal types and, for objects, keys in the same order."""
    if isinstance(a, dict):
        return (isinstance(b, dict) and list(a) == list(b)
                and all(_same(a[k], b[k]) for k in a))
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(_same, a, b))
    return type(a) is type(b) and a == b


def run(count: int) -> dict[str, Any]:
    schema = DecisionRecordedSchema()
    cases = list(bodies(count))
    disagreements = []
    for body in cases:
        try:
            expected: Any = schema.load(body)
        except ValidationError:
            expected = None
        direct = _load_valid(body)
        if not (direct is None if expected is None else _same(direct, expected)):
            disagreements.append(body)
    valid = cases[:count]
    timings = {}
    for name, load in (("schema", schema.load), ("direct", _load_valid)):
        started = time.perf_counter()
        for body in valid:
            load(body)
        timings[name] = (time.perf_counter() - started) / len(valid) * 1e6
    return {"bodies_checked": len(cases), "disagreements": len(disagreements),
            "schema_us": round(timings["schema"], 1), "direct_us": round(timings["direct"], 1)}
