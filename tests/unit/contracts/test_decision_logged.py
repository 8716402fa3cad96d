"""decision.logged (shared/contracts/messages.py) is read without marshmallow's per-load
bookkeeping: the same commands, and the same refusals with the same reasons, as the schemas'
load()."""

from __future__ import annotations

import json
from typing import Any

import pytest
from marshmallow import ValidationError

from shared.contracts import messages
from shared.contracts.events import Event, InvalidMessage
from shared.contracts.messages import DecisionLogged
from shared.messaging import topology
from shared.messaging.message import Delivery
from shared.samples import generate_decisions
from tests.support import builders

DELETE = ...  # builders.spoiled() removes the field


def logged(decision: dict[str, Any]) -> dict[str, Any]:
    """The event's data, as decision_log builds it (through the same contract)."""
    data: dict[str, Any] = json.loads(builders.logged(decision).to_message().body)["data"]
    return data


def delivery(data: dict[str, Any], administration: str) -> Delivery:
    body = Event(topology.DECISION_LOGGED, administration, data).to_json()
    return Delivery(queue="q", delivery_tag=1, body=body, routing_key="r")


def with_loads(data: dict[str, Any]) -> dict[str, Any] | str:
    """What the schemas' load() give: the data read, or the reason of the refusal."""
    try:
        loaded: dict[str, Any] = messages._DECISION_LOGGED.load(data)
        messages._REPLAY.load(loaded["replay"])
        messages._DECISION.load(loaded["decision"])
    except ValidationError as exc:
        return f"invalid decision.logged data: {messages.reason(exc)}"
    return loaded


DECISIONS = [d for d in generate_decisions(60, seed=12) if d.pop("contact", True)]
PATHS = [
    "reference",
    "access_code_hash",
    "algorithm",
    "algorithm.id",
    "replay",
    "replay.status",
    "log",
    "log.seq",
    "log.hash",
    "channel",
    "decision",
    "decision.decision_id",
    "decision.algorithm",
    "decision.algorithm.version",
    "decision.decided_at",
    "decision.automation",
    "decision.outcome",
    "decision.outcome.label",
    "decision.outcome.favourable",
    "decision.outcome.amount",
    "decision.criteria",
    "decision.criteria.0",
    "decision.criteria.0.code",
    "decision.criteria.0.value",
    "decision.criteria.0.contribution",
    "decision.criteria.1.source",
    "decision.score",
    "decision.supersedes",
]
VALUES = [
    DELETE,
    None,
    True,
    0,
    1.5,
    "1.5",
    "",
    "x" * 400,
    [],
    {},
    [{}],
    "2026-01-01T10:00:00",
    "nan",
    2**70,
]


@pytest.mark.parametrize("path", PATHS)
def test_a_changed_field_is_read_or_refused_as_the_schemas_load_would(path):
    for number, decision in enumerate(DECISIONS[:6]):
        original = logged(decision)
        for value in VALUES:
            data = builders.spoiled(original, path, value)
            expected = with_loads(data)
            try:
                command = DecisionLogged.from_delivery(delivery(data, decision["administration"]))
            except InvalidMessage as refused:
                if isinstance(expected, str) or "differs" in refused.reason:
                    assert not isinstance(expected, str) or refused.reason == expected, (
                        path,
                        value,
                    )
                    continue
                raise AssertionError((path, value, refused.reason)) from None
            assert not isinstance(expected, str), (path, value, number)
            assert command.decision == expected["decision"]
            assert (
                command.reference,
                command.access_code_hash,
                command.replay,
                command.channel,
            ) == (
                expected["reference"],
                expected["access_code_hash"],
                expected["replay"],
                expected["channel"],
            )
            log = expected.get("log") or {}
            assert (command.log_seq, command.log_hash) == (log.get("seq"), log.get("hash"))


def test_every_sample_decision_is_read_as_the_schemas_load_would():
    for decision in DECISIONS:
        data = json.loads(json.dumps(logged(decision)))
        data["decision"]["new_field"] = {"nested": [1, 2]}  # contract v1 may grow
        expected = with_loads(data)
        assert not isinstance(expected, str)
        quick = messages._READ_DECISION_LOGGED(data)
        assert quick == expected
        assert messages._READ_DECISION(data["decision"]) == messages._DECISION.load(
            data["decision"]
        )
        assert messages._READ_REPLAY(data["replay"]) == messages._REPLAY.load(data["replay"])
