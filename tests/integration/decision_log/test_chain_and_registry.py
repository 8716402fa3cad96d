"""The hash chain detects tampering; quarantine replays; versions freeze once used."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import delete, update

from services.decision_log.adapters import tables as t
from services.decision_log.bootstrap import DecisionLog
from services.decision_log.domain.validation import Producer
from services.decision_log.service_layer.audit import verify_log
from services.decision_log.service_layer.ingest import Logged, Quarantined, ingest
from services.decision_log.service_layer.quarantine import replay_item
from services.decision_log.service_layer.registry import RegistryConflict, register_algorithm
from tests.support import builders

PRODUCER = Producer("amqp", "bo-ville-test", builders.ADMINISTRATION)


def log_decisions(service: DecisionLog, count: int) -> None:
    with service.uow() as uow:
        for number in range(1, count + 1):
            outcome = ingest(
                uow, json.dumps(builders.decision(number)).encode(), PRODUCER, service.context
            )
            assert isinstance(outcome, Logged)
        uow.commit()


def verify(service: DecisionLog) -> list:
    with service.uow() as uow:
        return verify_log(uow)


def tamper(service: DecisionLog, statement: object) -> None:
    with service.engine.begin() as connection:
        connection.execute(statement)


def test_an_untouched_log_verifies(decision_log: DecisionLog):
    log_decisions(decision_log, 5)
    [report] = verify(decision_log)
    assert report.intact and report.records == 5 and report.head_seq == 5


def test_altering_a_stored_record_is_detected(decision_log: DecisionLog):
    log_decisions(decision_log, 5)
    with decision_log.uow() as uow:
        row = uow.decisions.find(builders.ADMINISTRATION, "TEST-000003")
    flipped = not row.body["outcome"]["favourable"]
    body = {**row.body, "outcome": {**row.body["outcome"], "favourable": flipped}}
    tamper(decision_log, update(t.decisions).where(t.decisions.c.id == row.id).values(body=body))
    [report] = verify(decision_log)
    assert not report.intact
    assert [(b.seq, b.problem) for b in report.breaks] == [(3, "content does not match its hash")]


def test_altering_a_hashed_column_is_detected(decision_log: DecisionLog):
    log_decisions(decision_log, 3)
    tamper(
        decision_log,
        update(t.decisions)
        .where(t.decisions.c.seq == 2)
        .values(replay_status="consistent", access_code_hash="0" * 64),
    )
    assert [b.seq for b in verify(decision_log)[0].breaks] == [2]


def test_deleting_a_record_in_the_middle_is_detected(decision_log: DecisionLog):
    log_decisions(decision_log, 5)
    tamper(decision_log, delete(t.contacts))
    tamper(decision_log, delete(t.decisions).where(t.decisions.c.seq == 3))
    [report] = verify(decision_log)
    assert any("missing" in b.problem for b in report.breaks)


def test_deleting_the_last_records_is_detected(decision_log: DecisionLog):
    log_decisions(decision_log, 5)
    tamper(decision_log, delete(t.contacts))
    tamper(decision_log, delete(t.decisions).where(t.decisions.c.seq >= 4))
    [report] = verify(decision_log)
    assert any("head" in b.problem for b in report.breaks)


def test_a_quarantined_decision_is_replayed_once_its_algorithm_is_registered(
    decision_log: DecisionLog,
):
    body = builders.decision(1, algorithm={"id": "creche-test", "version": "3"})
    with decision_log.uow() as uow:
        outcome = ingest(uow, json.dumps(body).encode(), PRODUCER, decision_log.context)
        uow.commit()
    assert isinstance(outcome, Quarantined) and outcome.category == "unknown_algorithm"
    with decision_log.uow() as uow:
        still = replay_item(uow, outcome.quarantine_id, decision_log.context)
        uow.commit()
    assert still.status == "still_quarantined"
    with decision_log.uow() as uow:
        register_algorithm(
            uow, builders.algorithm(version="3"), administration=builders.ADMINISTRATION, by="test"
        )
        result = replay_item(uow, outcome.quarantine_id, decision_log.context)
        uow.commit()
    assert result.status == "logged"
    with decision_log.uow() as uow:
        item = uow.quarantine.get(outcome.quarantine_id)
        assert item.status == "replayed" and item.attempts == 3
        assert len(uow.quarantine.listing(status=None)) == 1
        assert uow.decisions.find(builders.ADMINISTRATION, "TEST-000001") is not None
        again = replay_item(uow, outcome.quarantine_id, decision_log.context)
    assert again.status == "not_pending"


def test_a_version_can_change_until_a_decision_uses_it(decision_log: DecisionLog):
    amended = builders.algorithm(purpose="Classer les demandes de test, version corrigée.")
    with decision_log.uow() as uow:
        result = register_algorithm(uow, amended, administration=builders.ADMINISTRATION, by="test")
        uow.commit()
    assert result.revision == 2 and not result.created
    log_decisions(decision_log, 1)
    with decision_log.uow() as uow, pytest.raises(RegistryConflict):
        register_algorithm(
            uow, builders.algorithm(), administration=builders.ADMINISTRATION, by="test"
        )


def test_registration_rejects_an_invalid_model_with_field_errors(decision_log: DecisionLog):
    from marshmallow import ValidationError

    broken = builders.algorithm(model={"kind": "points", "grids": [], "cutoff": 1})
    with decision_log.uow() as uow, pytest.raises(ValidationError) as error:
        register_algorithm(uow, broken, administration=builders.ADMINISTRATION, by="test")
    assert "model" in json.dumps(error.value.messages)
    no_justification = builders.algorithm()
    no_justification["criteria"][1]["justification"] = None
    with decision_log.uow() as uow, pytest.raises(ValidationError):
        register_algorithm(uow, no_justification, administration=builders.ADMINISTRATION, by="test")
