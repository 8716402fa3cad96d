"""The typed contracts of appeal.*, register-report.*, explanation.requested,
decision.quarantined, decision.divergent and agent.sessions-revoked: their producers publish
what they published before them (events_v1.json, captured from the bare dicts), and every
consumer reads back, through the same class, what was built."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from shared.contracts.appeals import AppealAcknowledged, AppealAssigned, AppealDecided, AppealFiled
from shared.contracts.events import Event, InvalidMessage
from shared.contracts.notices import DecisionDivergent, DecisionQuarantined, ExplanationRequested
from shared.contracts.register import RegisterReportFiled, RegisterReportUpdated
from shared.contracts.sessions import AgentSessionsRevoked
from shared.messaging import topology
from shared.messaging.message import Delivery, OutgoingMessage
from tests.unit.contracts import wire_cases

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "events_v1.json").read_text())
CONTRACTS: dict[str, Any] = {
    topology.APPEAL_FILED: AppealFiled,
    topology.APPEAL_ACKNOWLEDGED: AppealAcknowledged,
    topology.APPEAL_ASSIGNED: AppealAssigned,
    topology.APPEAL_DECIDED: AppealDecided,
    topology.REGISTER_REPORT_FILED: RegisterReportFiled,
    topology.REGISTER_REPORT_UPDATED: RegisterReportUpdated,
    topology.EXPLANATION_REQUESTED: ExplanationRequested,
    topology.DECISION_QUARANTINED: DecisionQuarantined,
    topology.DECISION_DIVERGENT: DecisionDivergent,
    topology.AGENT_SESSIONS_REVOKED: AgentSessionsRevoked,
}
PUBLISHED = wire_cases.published()
MESSAGES = [(case, m) for case, messages in PUBLISHED.items() for m in messages]


def delivered(message: OutgoingMessage) -> Delivery:
    return Delivery(queue="q", delivery_tag=1, body=message.body, routing_key=message.routing_key)


def test_every_event_but_the_four_older_contracts_is_covered() -> None:
    older = {
        topology.DECISION_LOGGED,
        topology.DECISION_REVISED,
        topology.ALGORITHM_REGISTERED,
        topology.EXPLANATION_GENERATED,
    }
    # The events that carry many of the older ones: tests/unit/contracts/test_batches.py.
    batches = {topology.DECISIONS_LOGGED, topology.EXPLANATIONS_GENERATED}
    assert set(CONTRACTS) == set(topology.EVENTS) - older - batches
    # decision.divergent is published by ingest's _log (tests/integration/decision_log).
    assert {m.type for _, m in MESSAGES} == set(CONTRACTS) - {topology.DECISION_DIVERGENT}


@pytest.mark.parametrize("case", sorted(FIXTURE))
def test_producers_publish_what_they_published_before_the_contracts(case: str) -> None:
    assert [wire_cases.on_the_wire(m) for m in PUBLISHED[case]] == FIXTURE[case]


@pytest.mark.parametrize(("case", "message"), MESSAGES, ids=[c for c, _ in MESSAGES])
def test_consumers_read_back_what_the_producer_built(case: str, message: OutgoingMessage) -> None:
    contract = CONTRACTS[message.type]
    parsed = contract.from_delivery(delivered(message))
    assert isinstance(parsed, contract)
    assert parsed.administration == wire_cases.ADMINISTRATION
    again = json.loads(parsed.to_message().body)["data"]
    assert again == json.loads(message.body)["data"]


def test_a_contract_refuses_another_event() -> None:
    message = PUBLISHED["appeal.assigned"][0]
    with pytest.raises(InvalidMessage, match=r"expected a appeal\.decided event"):
        AppealDecided.from_delivery(delivered(message))


def _altered(case: str, **changes: Any) -> Delivery:
    """The case's last message with its data changed (`...` removes a field)."""
    message = PUBLISHED[case][-1]
    body = json.loads(message.body)
    data = {**body["data"], **changes}
    for key, value in changes.items():
        if value is ...:
            del data[key]
    event = Event(body["event"], body["administration"], data)
    return delivered(event.to_message())


@pytest.mark.parametrize(
    ("case", "changes", "field"),
    [
        ("agent.sessions-revoked", {"generation": 0}, "generation"),
        ("agent.sessions-revoked", {"generation": 2**31}, "generation"),
        ("agent.sessions-revoked", {"generation": True}, "generation"),
        ("agent.sessions-revoked", {"generation": "4"}, "generation"),
        ("agent.sessions-revoked", {"agent_id": ""}, "agent_id"),
        ("agent.sessions-revoked", {"agent_id": "a" * 129}, "agent_id"),
        ("agent.sessions-revoked", {"agent_id": ...}, "agent_id"),
        ("appeal.decided (maintained)", {"outcome": "rejected"}, "outcome"),
        ("appeal.decided (maintained)", {"decided_at": "2027-03-04T09:30:15"}, "decided_at"),
        ("appeal.decided (maintained)", {"algorithm": {"id": "x"}}, "algorithm"),
        ("appeal.filed+acknowledged (recours)", {"legal_due_at": ...}, "legal_due_at"),
        ("register-report.filed", {"message": "court"}, "message"),
        ("register-report.filed", {"extra": 1}, "extra"),
        ("register-report.updated (answered)", {"status": "done"}, "status"),
        ("explanation.requested", {"deadline": "soon"}, "deadline"),
        ("decision.quarantined", {"reasons": ["x"]}, "reasons"),
    ],
)
def test_what_no_consumer_could_use_goes_to_the_dead_letters_with_why(
    case: str, changes: dict[str, Any], field: str
) -> None:
    delivery = _altered(case, **changes)
    contract = CONTRACTS[json.loads(delivery.body)["event"]]
    with pytest.raises(InvalidMessage) as refused:
        contract.from_delivery(delivery)
    assert field in refused.value.reason


def test_an_event_may_grow_without_its_consumers_refusing_it() -> None:
    delivery = _altered("appeal.decided (maintained)", motive_code="X12")
    assert AppealDecided.from_delivery(delivery).outcome == "maintained"
    revoked = AgentSessionsRevoked.from_delivery(
        _altered("agent.sessions-revoked", reason="expired", origin="sso")
    )
    assert (revoked.generation, revoked.reason) == (4, "expired")


def test_a_revocation_keeps_the_time_of_its_event() -> None:
    message = PUBLISHED["agent.sessions-revoked"][0]
    revoked = AgentSessionsRevoked.from_delivery(delivered(message))
    sent = json.loads(message.body)["occurred_at"]
    assert revoked.revoked_at is not None and revoked.revoked_at.isoformat() == sent
    assert json.loads(revoked.to_message().body)["occurred_at"] == sent


def test_divergent_names_only_the_expectations_the_replay_gave() -> None:
    body = {
        "decision_id": "dec-1",
        "algorithm": {"id": "creche-attribution", "version": "2027.1"},
        "outcome": {"code": "refus"},
    }
    bare = DecisionDivergent.of("ville-exemple", body, "D-ABCDE-12345", {"differences": ["x"]})
    assert bare.to_event().data == {
        "decision_id": "dec-1",
        "reference": "D-ABCDE-12345",
        "algorithm": body["algorithm"],
        "declared_outcome": "refus",
        "differences": ["x"],
    }
    full = DecisionDivergent.of(
        "ville-exemple",
        body,
        "D-ABCDE-12345",
        {"differences": [], "expected_outcome": "accord", "expected_score": "12.5"},
    )
    data = full.to_event().data
    assert (data["expected_outcome"], data["expected_score"]) == ("accord", "12.5")
    assert "expected_amount" not in data
    assert DecisionDivergent.from_event(full.to_event()) == full
