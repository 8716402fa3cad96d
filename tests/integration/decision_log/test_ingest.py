"""Ingest rules on a real database: logged once, resends, conflicts, every kind of bad input."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from services.decision_log.adapters import tables as t
from services.decision_log.bootstrap import DecisionLog
from services.decision_log.domain.validation import Producer
from services.decision_log.service_layer.ingest import Duplicate, Logged, Quarantined, ingest
from shared.auth.tokens import hash_access_code
from shared.contracts.notices import DecisionDivergent
from shared.messaging.message import Delivery
from tests.support import builders

PRODUCER = Producer("amqp", "bo-ville-test", builders.ADMINISTRATION)


def send(service: DecisionLog, body: Any, producer: Producer = PRODUCER) -> Any:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    with service.uow() as uow:
        outcome = ingest(uow, raw, producer, service.context)
        uow.commit()
    return outcome


def count(service: DecisionLog, table: Any) -> int:
    with service.engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(table)) or 0)


def outbox_types(service: DecisionLog) -> list[str]:
    with service.engine.connect() as connection:
        return list(
            connection.scalars(select(t.messaging.outbox.c.type).order_by(t.messaging.outbox.c.id))
        )


def test_a_valid_decision_is_logged_with_a_reference_and_announced(decision_log: DecisionLog):
    outcome = send(decision_log, builders.decision(1))
    assert isinstance(outcome, Logged)
    assert outcome.replay_status == "consistent" and outcome.seq == 1
    with decision_log.uow() as uow:
        row = uow.decisions.find(builders.ADMINISTRATION, "TEST-000001")
        assert row.reference == outcome.reference
        # Only a digest of the access code is kept.
        assert row.access_code_hash == hash_access_code(
            decision_log.settings.secret_key, outcome.access_code
        )
        assert outcome.access_code not in json.dumps(row.body)
        assert "contact" not in row.body["subject"]
        assert uow.decisions.contact(row.id)["email"] == "personne1@example.org"
    assert outbox_types(decision_log)[-1] == "decision.logged"


def test_an_identical_resend_changes_nothing(decision_log: DecisionLog):
    body = builders.decision(2)
    first = send(decision_log, body)
    again = send(decision_log, {**body, "event_id": "00000000-0000-4000-8000-000000000002"})
    assert isinstance(again, Duplicate) and again.reference == first.reference
    assert count(decision_log, t.decisions) == 1
    assert count(decision_log, t.quarantine) == 0


def test_a_different_body_under_the_same_id_is_a_conflict_and_the_original_stays(
    decision_log: DecisionLog,
):
    body = builders.decision(3, revenu=1200, parent_isole=True)
    first = send(decision_log, body)
    changed = builders.decision(3, revenu=900, parent_isole=True)
    outcome = send(decision_log, changed)
    assert isinstance(outcome, Quarantined) and outcome.category == "conflict"
    assert "criteria" in outcome.reasons["decision_id"][0]
    with decision_log.uow() as uow:
        row = uow.decisions.find(builders.ADMINISTRATION, "TEST-000003")
        assert row.reference == first.reference
        assert row.body["criteria"][0]["value"] == 1200
    assert "decision.quarantined" in outbox_types(decision_log)


FUTURE = (datetime.now(UTC) + timedelta(days=2)).isoformat()
BAD_INPUTS = [
    ("not json", b"{not json", "malformed", "body"),
    ("not an object", b"[1, 2]", "malformed", "body"),
    ("not utf-8", b'{"a": "\xff"}', "malformed", "body"),
    (
        "missing field",
        builders.spoiled(builders.decision(), "outcome", ...),
        "malformed",
        "outcome",
    ),
    (
        "wrong type",
        builders.spoiled(builders.decision(), "outcome.favourable", "yes"),
        "malformed",
        "outcome.favourable",
    ),
    (
        "criterion value not scalar",
        builders.spoiled(builders.decision(), "criteria.0.value", {"a": 1}),
        "malformed",
        "criteria.0.value",
    ),
    ("unknown field", {**builders.decision(), "extra": 1}, "malformed", "extra"),
    (
        "control character",
        builders.spoiled(builders.decision(), "subject.ref", "a\x00b"),
        "malformed",
        "subject.ref",
    ),
    ("NaN", json.dumps(builders.decision(score=float("nan"))).encode(), "malformed", "score"),
    ("deep nesting", json.dumps({"a": [[[[[[[[[[1]]]]]]]]]]}).encode(), "malformed", "body"),
    ("future date", builders.decision(decided_at=FUTURE), "invalid", "decided_at"),
    (
        "unknown criterion",
        builders.spoiled(builders.decision(), "criteria.0.code", "age"),
        "invalid",
        "criteria.age",
    ),
    (
        "wrong criterion type",
        builders.spoiled(builders.decision(), "criteria.0.value", "beaucoup"),
        "invalid",
        "criteria.revenu",
    ),
    (
        "undeclared outcome",
        builders.spoiled(builders.decision(), "outcome.code", "peut-etre"),
        "invalid",
        "outcome.code",
    ),
    (
        "unknown algorithm",
        builders.spoiled(builders.decision(), "algorithm.version", "9"),
        "unknown_algorithm",
        "algorithm",
    ),
    ("html in text is kept as text", None, None, None),
]


@pytest.mark.parametrize(
    ("body", "category", "field"),
    [case[1:] for case in BAD_INPUTS if case[1] is not None],
    ids=[case[0] for case in BAD_INPUTS if case[1] is not None],
)
def test_each_kind_of_bad_decision_is_quarantined_with_its_reason(
    decision_log: DecisionLog, body: Any, category: str, field: str
):
    outcome = send(decision_log, body)
    assert isinstance(outcome, Quarantined)
    assert outcome.category == category
    assert field in outcome.reasons, outcome.reasons
    assert count(decision_log, t.decisions) == 0
    with decision_log.uow() as uow:
        item = uow.quarantine.get(outcome.quarantine_id)
        assert item.status == "pending" and item.reasons == outcome.reasons


def test_a_valid_decision_is_not_held_back_by_an_invalid_one_in_the_same_transaction(
    decision_log: DecisionLog,
):
    with decision_log.uow() as uow:
        bad = ingest(uow, b"{", PRODUCER, decision_log.context)
        good = ingest(
            uow, json.dumps(builders.decision(4)).encode(), PRODUCER, decision_log.context
        )
        uow.commit()
    assert isinstance(bad, Quarantined) and isinstance(good, Logged)


def test_html_in_text_fields_is_stored_as_text(decision_log: DecisionLog):
    body = builders.spoiled(builders.decision(5), "outcome.label", "<script>alert(1)</script>")
    assert isinstance(send(decision_log, body), Logged)


def test_producers_may_only_send_for_their_own_administration(decision_log: DecisionLog):
    other = Producer("amqp", "bo-autre", "autre-ville")
    outcome = send(decision_log, builders.decision(6), other)
    assert isinstance(outcome, Quarantined) and outcome.category == "unauthorised"
    unknown = send(decision_log, builders.decision(6), Producer("amqp", "intrus", ""))
    assert isinstance(unknown, Quarantined) and "not registered" in unknown.reasons["producer"][0]
    anonymous = send(decision_log, builders.decision(6), Producer("amqp", None, None))
    assert isinstance(anonymous, Quarantined) and anonymous.category == "unauthorised"
    assert count(decision_log, t.decisions) == 0


def test_full_automation_is_refused_when_the_version_only_supports_an_agent(
    decision_log: DecisionLog,
):
    from services.decision_log.service_layer.registry import register_algorithm

    with decision_log.uow() as uow:
        register_algorithm(
            uow,
            builders.algorithm(
                version="2", automation_allowed="partial", human_role="la commission"
            ),
            administration=builders.ADMINISTRATION,
            by="test",
        )
        uow.commit()
    body = builders.decision(7, algorithm={"id": "creche-test", "version": "2"})
    outcome = send(decision_log, body)
    assert isinstance(outcome, Quarantined) and "automation" in outcome.reasons


def test_a_divergent_outcome_is_logged_flagged_and_announced(decision_log: DecisionLog):
    body = builders.decision(8, revenu=1200, parent_isole=False)  # 10 points: refus
    wrong = {
        **body,
        "outcome": {
            **body["outcome"],
            "code": "attribution",
            "label": "Place attribuée",
            "favourable": True,
        },
    }
    outcome = send(decision_log, wrong)
    assert isinstance(outcome, Logged) and outcome.replay_status == "divergent"
    with decision_log.uow() as uow:
        row = uow.decisions.find(builders.ADMINISTRATION, "TEST-000008")
        assert row.replay_detail["expected_outcome"] == "refus"
        [published] = uow.session.scalars(
            select(t.messaging.outbox.c.body).where(
                t.messaging.outbox.c.type == "decision.divergent"
            )
        )
    # Its contract builds what ingest published, and reads it back whole.
    data = json.loads(published)["data"]
    built = DecisionDivergent.of(builders.ADMINISTRATION, wrong, row.reference, row.replay_detail)
    assert built.to_event().data == data
    assert data["declared_outcome"] == "attribution" and data["expected_outcome"] == "refus"
    delivery = Delivery(queue="q", delivery_tag=1, body=published, routing_key="r")
    assert DecisionDivergent.from_delivery(delivery) == built


def test_corrections_supersede_a_logged_decision_only(decision_log: DecisionLog):
    orphan = send(decision_log, builders.decision(10, supersedes="TEST-000999"))
    assert isinstance(orphan, Quarantined) and orphan.category == "unknown_supersedes"
    send(decision_log, builders.decision(9))
    correction = send(decision_log, builders.decision(11, supersedes="TEST-000009", revenu=900))
    assert isinstance(correction, Logged)


def test_a_refused_producer_fills_its_own_quarantine_never_the_others(decision_log: DecisionLog):
    """Issue 11: a producer refused for another administration filled that administration's
    quarantine and sent it decision.quarantined events."""
    send(decision_log, builders.decision(8), Producer("amqp", "bo-autre", "autre-ville"))
    send(decision_log, builders.decision(9), Producer("amqp", "intrus", ""))
    send(decision_log, builders.decision(10), Producer("amqp", None, None))
    with decision_log.uow() as uow:
        filed = [item.administration for item in uow.quarantine.listing(status="pending")]
        announced = list(
            uow.session.scalars(
                select(t.messaging.outbox.c.routing_key).where(
                    t.messaging.outbox.c.type == "decision.quarantined"
                )
            )
        )
    assert filed == ["autre-ville", None, None]
    assert announced == ["decision.quarantined.autre-ville"]
