"""Decisions of the OpenFisca back office logged by decision_log: replayed with openfisca-france,
one simulation per consumer batch, the wrong ones flagged and only those."""

from __future__ import annotations

import copy
import json
from datetime import datetime

import pytest
from marshmallow import ValidationError

from services.decision_log.bootstrap import DecisionLog
from services.decision_log.domain.validation import Producer
from services.decision_log.service_layer.ingest import Logged, Received, ingest, ingest_batch
from services.decision_log.service_layer.producers import register_amqp_producer
from services.decision_log.service_layer.registry import register_algorithm
from shared.decision_model.openfisca import engine as openfisca_engine
from shared.french import PARIS
from shared.samples.backoffice import bourse_college
from tests.unit.openfisca.conftest import SAMPLE

PRODUCER = Producer("amqp", "bo-college-exemple", bourse_college.ADMINISTRATION)
START = datetime(2026, 11, 20, 12, tzinfo=PARIS)


def _sample() -> dict:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


@pytest.fixture
def registered(decision_log: DecisionLog) -> DecisionLog:
    with decision_log.uow() as uow:
        register_algorithm(uow, _sample(), administration=bourse_college.ADMINISTRATION, by="test")
        register_amqp_producer(uow, PRODUCER.identity, bourse_college.ADMINISTRATION)
        uow.commit()
    return decision_log


def test_a_batch_is_replayed_in_one_simulation_and_the_wrong_ones_flagged(registered, monkeypatch):
    count, rate, seed = 60, 0.15, 11
    bodies = bourse_college.decisions(count, seed=seed, divergent_rate=rate, start=START)
    wrong = bourse_college.wrong_ones(count, seed=seed, divergent_rate=rate, start=START)
    assert 3 <= len(wrong) < count
    simulations = []
    compute = openfisca_engine.Engine.compute

    def counted(self, model, cases, *args, **kwargs):
        simulations.append(len(cases))
        return compute(self, model, cases, *args, **kwargs)

    monkeypatch.setattr(openfisca_engine.Engine, "compute", counted)
    batch = [Received(PRODUCER, json.dumps(body).encode()) for body in bodies]
    with registered.uow() as uow:
        outcomes = ingest_batch(uow, batch, registered.context)
        uow.commit()
    assert simulations == [count]  # the whole batch, at once
    assert all(isinstance(outcome, Logged) for outcome in outcomes)
    flagged = {
        body["decision_id"]
        for body, outcome in zip(bodies, outcomes, strict=True)
        if outcome.replay_status == "divergent"
    }
    assert flagged == set(wrong)
    consistent = [o for o in outcomes if o.replay_status == "consistent"]
    assert len(consistent) == count - len(wrong)
    with registered.uow() as uow:
        for decision_id, mistake in wrong.items():
            row = uow.decisions.find(bourse_college.ADMINISTRATION, decision_id)
            differences = " ".join(row.replay_detail["differences"])
            assert (
                "amount: expected" in differences
                if mistake == bourse_college.WRONG_AMOUNT
                else "outcome: expected" in differences
            )


def test_a_decision_alone_is_replayed_alone(registered):
    [body] = bourse_college.decisions(1, seed=5, start=START)
    with registered.uow() as uow:
        outcome = ingest(uow, json.dumps(body).encode(), PRODUCER, registered.context)
        uow.commit()
    assert outcome.replay_status == "consistent"
    with registered.uow() as uow:
        row = uow.decisions.find(bourse_college.ADMINISTRATION, body["decision_id"])
    expected = row.replay_detail.get("expected_amount")
    declared = body["outcome"]["amount"]
    assert (expected is None and declared is None) or float(expected) == declared


def test_an_amount_within_a_cent_is_the_same_and_two_cents_are_not(registered):
    bodies = [
        body
        for body in bourse_college.decisions(10, seed=6, start=START)
        if body["outcome"]["favourable"]
    ][:2]
    near, far = copy.deepcopy(bodies[0]), copy.deepcopy(bodies[1])
    near["outcome"]["amount"] += 0.01
    far["outcome"]["amount"] += 0.02
    with registered.uow() as uow:
        statuses = [
            ingest(uow, json.dumps(b).encode(), PRODUCER, registered.context).replay_status
            for b in (near, far)
        ]
        uow.commit()
    assert statuses == ["consistent", "divergent"]


def test_a_version_of_the_package_not_installed_here_is_refused(decision_log):
    document = _sample()
    document["model"]["package_version"] = "175.0.0"
    with decision_log.uow() as uow, pytest.raises(ValidationError) as raised:
        register_algorithm(uow, document, administration=bourse_college.ADMINISTRATION, by="test")
    assert raised.value.messages == {
        "model": {"package_version": ["openfisca-france 175.0.0 is needed; 176.1.8 is installed."]}
    }


def test_a_variable_the_package_does_not_have_is_refused(decision_log):
    document = _sample()
    document["model"]["output"] = "bourse_de_rien"
    with decision_log.uow() as uow, pytest.raises(ValidationError) as raised:
        register_algorithm(uow, document, administration=bourse_college.ADMINISTRATION, by="test")
    assert raised.value.messages["model"]["output"] == [
        "'bourse_de_rien' is not a variable of openfisca-france."
    ]
