"""The sample algorithms register as they are; generated decisions are valid and replay."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import pytest

from shared.contracts.algorithm import load_registration
from shared.contracts.decision import DecisionRecordedSchema
from shared.decision_model import check_values, load_algorithm_model, replay
from shared.samples import (
    OPENFISCA_SAMPLE,
    REGISTERED_SAMPLES,
    SAMPLE_ALGORITHMS,
    SAMPLE_PRODUCERS,
    generate_decisions,
)
from shared.samples.cli_io import read_jsonl, write_jsonl
from tests.support import builders

START = datetime.fromisoformat("2026-11-20T12:00:00+01:00")
MODELS = {
    doc["id"]: load_algorithm_model(doc["criteria"], doc["model"]) for doc in SAMPLE_ALGORITHMS
}


def replayed(decision: dict[str, Any]) -> str:
    criteria, model = MODELS[decision["algorithm"]["id"]]
    values = {c["code"]: c["value"] for c in decision["criteria"]}
    assert check_values(criteria, model, values) == {}
    return replay(
        model,
        criteria,
        values,
        decision["outcome"]["code"],
        decision["score"],
        decision["outcome"]["amount"],
    ).status


@pytest.mark.parametrize("document", SAMPLE_ALGORITHMS, ids=lambda d: d["id"])
def test_each_sample_algorithm_registers_unchanged(document: dict[str, Any]) -> None:
    assert load_registration(document) == document
    service = document["responsible_service"]
    assert all(service[key] for key in ("name", "address", "email", "phone"))
    assert "exemple" in document["purpose"].lower()
    for criterion in document["criteria"]:
        if criterion.get("protected_ground"):
            assert len(criterion["justification"]) > 80
            assert criterion["changeable"] is False


def test_four_administrations_each_with_its_producer() -> None:
    administrations = {doc["administration"] for doc in REGISTERED_SAMPLES}
    assert (
        administrations
        == set(SAMPLE_PRODUCERS.values())
        == {"ville-exemple", "region-exemple", "caisse-exemple", "college-exemple"}
    )
    assert {doc["model"]["kind"] for doc in REGISTERED_SAMPLES} == {
        "points",
        "rules",
        "linear",
        "openfisca",
    }
    # The OpenFisca sample's decisions come from its own back office, not from the generator.
    assert OPENFISCA_SAMPLE not in SAMPLE_ALGORITHMS


def test_generated_decisions_are_valid_and_consistent_with_their_model() -> None:
    decisions = generate_decisions(300, seed=3, start=START)
    outcomes = Counter((d["algorithm"]["id"], d["outcome"]["code"]) for d in decisions)
    assert len(outcomes) == 6  # both outcomes of all three algorithms show up
    for decision in decisions:
        loaded = DecisionRecordedSchema().load(decision)
        assert START - timedelta(days=31) < loaded["decided_at"] < START
        assert loaded["decided_at"].utcoffset() in (timedelta(hours=1), timedelta(hours=2))
        assert all(c["source"] for c in decision["criteria"])
        if decision["automation"] == "partial":  # an agent decided, in office hours
            assert 8 <= loaded["decided_at"].hour < 18 and loaded["decided_at"].weekday() < 5
        assert replayed(decision) == "consistent"
    by_id = {d["algorithm"]["id"]: d for d in decisions}
    assert by_id["aide-transport-scolaire"]["automation"] == "full"
    assert by_id["creche-attribution"]["decided_by"]
    grants = [d for d in decisions if d["outcome"]["code"] == "accord"]
    assert grants and all(d["outcome"]["amount"] == 150 for d in grants)


def test_divergent_rate_gives_roughly_that_share_of_wrong_outcomes() -> None:
    decisions = generate_decisions(600, seed=5, start=START, divergent_rate=0.2)
    statuses = Counter(replayed(d) for d in decisions)
    assert 0.14 < statuses["divergent"] / len(decisions) < 0.26
    for decision in decisions:
        DecisionRecordedSchema().load(decision)


def test_ids_are_unique_across_seeds_and_generation_is_deterministic() -> None:
    first = generate_decisions(90, seed=0, start=START)
    again = generate_decisions(90, seed=0, start=START)
    other = generate_decisions(90, seed=1, start=START)
    assert first == again
    assert first != other
    ids = [d["decision_id"] for d in first + other]
    events = [d["event_id"] for d in first + other]
    assert len(set(ids)) == len(ids) == len(set(events))
    assert first[0]["decision_id"].startswith("TRANSPORT-2026-0000")


def test_only_the_given_algorithms_are_used() -> None:
    creche = [doc for doc in SAMPLE_ALGORITHMS if doc["id"] == "creche-attribution"]
    decisions = generate_decisions(5, algorithms=creche, start=START)
    assert [d["decision_id"][:7] for d in decisions] == ["CRECHE-"] * 5


def test_any_executable_algorithm_gets_typed_values_in_range() -> None:
    document = builders.algorithm()
    criteria, model = load_algorithm_model(document["criteria"], document["model"])
    for decision in generate_decisions(20, algorithms=[document], start=START):
        DecisionRecordedSchema().load(decision)
        values = {c["code"]: c["value"] for c in decision["criteria"]}
        assert (
            replay(model, criteria, values, decision["outcome"]["code"], decision["score"]).status
            == "consistent"
        )


def test_jsonl_round_trip(tmp_path) -> None:
    decisions = generate_decisions(4, start=START)
    path = tmp_path / "decisions.jsonl"
    assert write_jsonl(path, decisions) == 4
    assert read_jsonl(path) == decisions
    path.write_text('{"a": 1}\n\n[1]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="line 3"):
        read_jsonl(path)
