"""The replays of a consumer batch, computed together where the model gains by it.

An OpenFisca model computes many cases in one simulation for about the price of one: the
decisions of a batch are grouped by algorithm version and each group replayed at once. Ingest
then takes each decision's replay from here, and replays alone what is not (a decision sent
over HTTP, one whose values the batch could not read).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Iterable
from typing import Any

from services.decision_log.domain.registry import AlgorithmVersion
from shared.decision_model import EngineUnavailable, Replay, ReplayCase, check_values, replay_many

FindAlgorithm = Callable[[str, str, str], AlgorithmVersion | None]


def replay_case(body: dict[str, Any]) -> ReplayCase:
    """What a replay needs of a decision body: its values and what it declared."""
    outcome = body["outcome"]
    return ReplayCase(
        {c["code"]: c["value"] for c in body["criteria"]},
        outcome["code"],
        body.get("score"),
        outcome.get("amount"),
    )


def batch_key(body: dict[str, Any], case: ReplayCase) -> Hashable:
    """Names a decision and everything its replay depends on: a resend with other values is
    another key."""
    return (
        body["administration"],
        body["decision_id"],
        body["event_id"],
        json.dumps(
            [case.values, case.declared_outcome_code, case.declared_score, case.declared_amount],
            sort_keys=True,
            default=str,
        ),
    )


def replay_batch(bodies: Iterable[Any], find: FindAlgorithm) -> dict[Hashable, Replay]:
    """Replays of the bodies whose model computes many cases at once, one call per version."""
    groups: dict[tuple[str, str, str], list[tuple[Hashable, ReplayCase]]] = {}
    versions: dict[tuple[str, str, str], AlgorithmVersion] = {}
    for body in bodies:
        found = _readable(body, find)
        if found is None:
            continue
        algorithm, case = found
        versions[algorithm.key] = algorithm
        groups.setdefault(algorithm.key, []).append((batch_key(body, case), case))
    replayed: dict[Hashable, Replay] = {}
    for key, items in groups.items():
        algorithm = versions[key]
        try:
            results = replay_many(algorithm.model, algorithm.criteria, [c for _k, c in items])
        except EngineUnavailable:
            continue  # each decision records why when ingest replays it
        replayed.update(zip((k for k, _c in items), results, strict=True))
    return replayed


def _readable(body: Any, find: FindAlgorithm) -> tuple[AlgorithmVersion, ReplayCase] | None:
    """The decision's algorithm and replay case, when its model batches and its values fit;
    anything else is left to ingest, which validates and files it with its reasons."""
    try:
        algorithm = find(
            body["administration"], body["algorithm"]["id"], body["algorithm"]["version"]
        )
        if algorithm is None or not getattr(algorithm.model, "batched", False):
            return None
        case = replay_case(body)
        if check_values(algorithm.criteria, algorithm.model, case.values):
            return None
        batch_key(body, case)
    except (KeyError, TypeError, AttributeError, ValueError):
        return None
    return algorithm, case
