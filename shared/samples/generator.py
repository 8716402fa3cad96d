"""Realistic `decision.v1` bodies for the sample algorithms, outcomes computed by the model."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from shared.contracts.decision import SCHEMA
from shared.decision_model import (
    FAVOURABLE,
    CriterionDef,
    DecisionModel,
    evaluate,
    load_algorithm_model,
    to_json_value,
)
from shared.french import PARIS
from shared.samples.catalogue import SAMPLE_ALGORITHMS
from shared.samples.people import agent_of, contact
from shared.samples.values import plausible_value

PREFIXES = {
    "creche-attribution": "CRECHE",
    "aide-transport-scolaire": "TRANSPORT",
    "ciblage-controles": "CTRL",
}
# Decision numbers of seed s start at s × SEED_STRIDE, so that two seeds never collide.
SEED_STRIDE = 1_000_000
SPREAD = timedelta(days=30)


def generate_decisions(
    count: int,
    *,
    seed: int = 0,
    algorithms: Sequence[dict[str, Any]] | None = None,
    divergent_rate: float = 0.0,
    start: datetime | None = None,
) -> list[dict[str, Any]]:
    """`count` decisions, round-robin over the algorithms, decided in the 30 days before `start`.

    Deterministic for a given seed and `start` (default: now). `algorithms` are registry
    documents with an executable model (default: the samples). A `divergent_rate` share of the
    decisions declare the opposite outcome to the model's, for the replay check to flag.
    """
    if not 0 <= count < SEED_STRIDE or seed < 0 or not 0 <= divergent_rate <= 1:
        raise ValueError("need 0 <= count < 1 000 000, seed >= 0 and 0 <= divergent_rate <= 1")
    documents = list(SAMPLE_ALGORITHMS if algorithms is None else algorithms)
    if not documents:
        raise ValueError("no algorithm to generate decisions for")
    loaded = [(doc, *load_algorithm_model(doc["criteria"], doc["model"])) for doc in documents]
    end = _aware(start or datetime.now(PARIS))
    rng = random.Random(seed)  # noqa: S311 - sample data, not security
    numbers: Counter[str] = Counter()
    decisions = []
    for index in range(count):
        document, criteria, model = loaded[index % len(loaded)]
        numbers[document["id"]] += 1
        decisions.append(
            _decision(
                rng,
                document,
                criteria,
                model,
                seed * SEED_STRIDE + numbers[document["id"]],
                end,
                divergent_rate,
            )
        )
    return decisions


def _decision(
    rng: random.Random,
    document: dict[str, Any],
    criteria: Sequence[CriterionDef],
    model: DecisionModel,
    number: int,
    end: datetime,
    divergent_rate: float,
) -> dict[str, Any]:
    decided_at = _decided_at(rng, end, by_agent=document["automation_allowed"] == "partial")
    values = {criterion.code: plausible_value(rng, criterion) for criterion in criteria}
    evaluation = evaluate(model, criteria, values)
    # Drawn even at rate 0, so that a seed gives the same people whatever the rate.
    divergent = rng.random() < divergent_rate
    favourable = (evaluation.outcome == FAVOURABLE) != divergent
    declared = model.outcomes.favourable if favourable else model.outcomes.unfavourable
    prefix = PREFIXES.get(document["id"], document["id"].upper())
    return {
        "schema": SCHEMA,
        "event_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "decision_id": f"{prefix}-{decided_at.year}-{number:06d}",
        "administration": document["administration"],
        "algorithm": {"id": document["id"], "version": document["version"]},
        "decided_at": decided_at.isoformat(),
        "automation": document["automation_allowed"],
        **(
            {"decided_by": agent_of(rng, document["administration"])}
            if document["automation_allowed"] == "partial"
            else {}
        ),
        "subject": {"ref": f"usager-{rng.getrandbits(48):012x}", "contact": contact(rng)},
        "outcome": {
            "code": declared.code,
            "label": declared.label,
            "favourable": favourable,
            "amount": _amount(model, evaluation.amount, favourable, divergent),
            "currency": "EUR",
            "effective_from": _first_of_next_month(decided_at.date()).isoformat(),
        },
        "criteria": [
            {"code": c.code, "value": values[c.code], "source": c.source} for c in criteria
        ],
        "score": to_json_value(evaluation.score),
        "supersedes": None,
    }


def _amount(model: DecisionModel, computed: Any, favourable: bool, divergent: bool) -> Any:
    """The amount granted by the decision as declared; none for a refusal."""
    if not favourable:
        return None
    if not divergent:
        return to_json_value(computed)
    # A wrong grant looks like the bug it simulates: it pays the fixed amount of the rules.
    return to_json_value(model.granted_amount())


def _decided_at(rng: random.Random, end: datetime, by_agent: bool) -> datetime:
    """A moment in the 30 days before `end`; agents decide on weekdays from 8 h to 18 h."""
    while True:  # about three draws on average for an agent, one otherwise
        moment = (end - SPREAD * rng.random() - timedelta(minutes=1)).astimezone(PARIS)
        if not by_agent or (moment.weekday() < 5 and 8 <= moment.hour < 18):
            return moment.replace(microsecond=0)


def _aware(moment: datetime) -> datetime:
    """A naive `start` is read as Paris time."""
    return moment if moment.tzinfo else moment.replace(tzinfo=PARIS)


def _first_of_next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)
