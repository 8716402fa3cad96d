"""Every rule of contract v1 a decision must meet before it is logged, with clear reasons."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from marshmallow import ValidationError

from services.decision_log.domain.registry import AlgorithmVersion
from shared import jsoncodec
from shared.contracts.decision import dump_decision, flatten_errors, load_decision
from shared.contracts.fields import nesting_depth
from shared.decision_model import check_values

MAX_DEPTH = 8

# Why a decision was set aside; `unknown_algorithm` and `unknown_supersedes` are typically
# fixed by registering the algorithm or receiving the original decision, then replayed.
MALFORMED = "malformed"
INVALID = "invalid"
UNAUTHORISED = "unauthorised"
UNKNOWN_ALGORITHM = "unknown_algorithm"
UNKNOWN_SUPERSEDES = "unknown_supersedes"
CONFLICT = "conflict"
CATEGORIES = (MALFORMED, INVALID, UNAUTHORISED, UNKNOWN_ALGORITHM, UNKNOWN_SUPERSEDES, CONFLICT)


@dataclass(frozen=True)
class Producer:
    """Who sent a decision and through which channel.

    `administration` is the one the producer may send for; None means any (a trusted
    service, such as appeals sending a revised decision), "" means none.
    """

    channel: str  # "amqp", "http" or "revision"
    identity: str | None
    administration: str | None


@dataclass(frozen=True)
class Rejection:
    category: str
    reasons: dict[str, list[str]]
    administration: str | None = None
    decision_id: str | None = None
    event_id: str | None = None


@dataclass(frozen=True)
class ValidDecision:
    """A decision that meets every rule, bound to its algorithm version."""

    body: dict[str, Any]  # the JSON form, as logged (without contact details)
    contact: dict[str, Any] | None
    algorithm: AlgorithmVersion
    values: dict[str, Any]

    @property
    def administration(self) -> str:
        return str(self.body["administration"])

    @property
    def decision_id(self) -> str:
        return str(self.body["decision_id"])

    @property
    def content(self) -> dict[str, Any]:
        """What makes two sends 'the same decision': everything but the event id."""
        return {k: v for k, v in self.body.items() if k != "event_id"}


def parse_body(raw: bytes) -> dict[str, Any] | Rejection:
    """Bytes to a JSON object, refusing what is not one or is nested absurdly deep."""
    try:
        value = jsoncodec.loads(raw)
    except UnicodeDecodeError:
        return Rejection(MALFORMED, {"body": ["is not UTF-8 text"]})
    except json.JSONDecodeError as exc:
        return Rejection(
            MALFORMED,
            {"body": [f"is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"]},
        )
    except RecursionError:
        return Rejection(MALFORMED, {"body": ["is nested too deeply"]})
    return check_object(value)


def check_object(value: Any) -> dict[str, Any] | Rejection:
    """A decoded body that is a JSON object, not nested absurdly deep."""
    if not isinstance(value, dict):
        return Rejection(MALFORMED, {"body": ["must be a JSON object"]})
    if nesting_depth(value, MAX_DEPTH) > MAX_DEPTH:
        return Rejection(
            MALFORMED, {"body": [f"is nested deeper than {MAX_DEPTH} levels"]}, *_identity(value)
        )
    return value


def _identity(raw: dict[str, Any]) -> tuple[str | None, str | None, str | None]:
    """Best-effort administration, decision id and event id, to file a rejection under."""

    def text(key: str) -> str | None:
        value = raw.get(key)
        return value[:128] if isinstance(value, str) and value.isprintable() else None

    return text("administration"), text("decision_id"), text("event_id")


def check_decision(
    raw: dict[str, Any],
    producer: Producer,
    find_algorithm: Callable[[str, str, str], AlgorithmVersion | None],
    now: datetime,
    future_tolerance: timedelta,
) -> ValidDecision | Rejection:
    """Apply the contract's rules in order; the first failing family names every fault in it."""
    identity = _identity(raw)
    try:
        loaded = load_decision(raw)
    except ValidationError as exc:
        return Rejection(MALFORMED, flatten_errors(exc.messages), *identity)
    administration = loaded["administration"]
    if producer.identity is None:
        return Rejection(
            UNAUTHORISED,
            {
                "producer": [
                    "is not authenticated: publish with the user_id property set to your AMQP user"
                ]
            },
            *identity,
        )
    if producer.administration == "":
        return Rejection(
            UNAUTHORISED,
            {
                "producer": [
                    f"{producer.identity} is not registered as a producer of any administration"
                ]
            },
            *identity,
        )
    if producer.administration is not None and producer.administration != administration:
        return Rejection(
            UNAUTHORISED,
            {
                "administration": [
                    f"producer {producer.identity} may only send decisions of "
                    f"{producer.administration}"
                ]
            },
            *identity,
        )
    reasons: dict[str, list[str]] = {}
    if loaded["decided_at"] > now + future_tolerance:
        reasons["decided_at"] = ["is in the future"]
    ref = loaded["algorithm"]
    # Looked up in the decision's own administration: ids are each administration's own.
    algorithm = find_algorithm(administration, ref["id"], ref["version"])
    if algorithm is None:
        return Rejection(
            UNKNOWN_ALGORITHM,
            {
                "algorithm": [
                    f"{ref['id']} version {ref['version']} is not registered for {administration}"
                ]
            },
            *identity,
        )
    reasons.update(_registry_rules(loaded, algorithm))
    if reasons:
        return Rejection(INVALID, reasons, *identity)
    body = dump_decision(loaded)
    subject = dict(body["subject"])
    contact = subject.pop("contact", None)
    body["subject"] = subject
    values = {c["code"]: c["value"] for c in loaded["criteria"]}
    return ValidDecision(body=body, contact=contact, algorithm=algorithm, values=values)


def _registry_rules(decision: dict[str, Any], algorithm: AlgorithmVersion) -> dict[str, list[str]]:
    reasons: dict[str, list[str]] = {}
    if algorithm.retired_at is not None and decision["decided_at"] >= algorithm.retired_at:
        reasons["algorithm"] = [f"this version was retired on {algorithm.retired_at.date()}"]
    if decision["automation"] == "full" and algorithm.automation_allowed != "full":
        reasons["automation"] = [
            "full automation is not allowed for this algorithm version: "
            "an agent must decide (partial)"
        ]
    values = {c["code"]: c["value"] for c in decision["criteria"]}
    for code, errors in check_values(algorithm.criteria, algorithm.model, values).items():
        reasons.setdefault(f"criteria.{code}", []).extend(errors)
    if algorithm.model.kind == "opaque":
        missing = [c["code"] for c in decision["criteria"] if c["contribution"] is None]
        if missing:
            reasons["criteria"] = [
                "this algorithm has no executable model: give each "
                f"criterion's contribution (missing: {', '.join(missing)})"
            ]
    outcomes = algorithm.model.outcomes
    expected = {outcomes.favourable.code: True, outcomes.unfavourable.code: False}
    code, favourable = decision["outcome"]["code"], decision["outcome"]["favourable"]
    if code not in expected:
        reasons["outcome.code"] = [
            f"must be one of the registered outcomes: {', '.join(sorted(expected))}"
        ]
    elif expected[code] != favourable:
        reasons["outcome.favourable"] = [f"must be {str(expected[code]).lower()} for {code}"]
    return reasons
