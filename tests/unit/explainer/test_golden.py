"""The explanations of many generated decisions of every sample, as digests: a change of the
wording, of a kind's module or of a model's computation that alters any document shows here.

Recorded on a fixed seed and date. When a change of wording is meant, record the new digests
(`python -m tests.unit.explainer.test_golden`) and say in the commit what changed and why.
"""

from __future__ import annotations

import hashlib
import json
import random
from datetime import UTC, datetime
from typing import Any

import pytest

from services.explainer.domain.case import Algorithm, Case
from services.explainer.domain.explanation import build_document
from shared.decision_model import replay
from shared.samples import OPENFISCA_SAMPLE, SAMPLE_ALGORITHMS, generate_decisions
from shared.samples.values import plausible_value
from tests.unit.explainer import cases

START = datetime(2026, 11, 2, 9, tzinfo=UTC)
SEED = 7
COUNT = 300
# OpenFisca searches its what-ifs by running the package: fewer decisions, same coverage of
# both outcomes, of « Vérifiez vos informations » and of divergent decisions.
OPENFISCA_COUNT = 60

DIGESTS = {
    "aide-transport-scolaire": "e9b13210b268317df3c218fabd4e008c8a541761782d4a971dd27837d5ca3a07",
    "ciblage-controles": "ee56b4d6c890e2a0750678604de3bc2e8d1817ccc857262733c22a500804addf",
    "creche-attribution": "75cf4eb12561fa301cefb37f07347e015c76114012ead970fb2626483072b963",
    "aide-chauffage": "ca28a4ba8f52575f1fc361f1b78d2f57ea3ecbac4e986d9d6b40dc85a640a9e6",
    "risque-logement": "16b8707c5823301929c037d6b942411a6697568824c45d905d7e0adb676e9d25",
    "bourse-college": "d4fc778395d8a08055b2b04b810a0fdb5c854df5eb2d85ae850f6b0980c9d251",
}


def _case(algorithm: Algorithm, body: dict[str, Any]) -> Case:
    """The decision with the replay decision_log would record for it."""
    outcome = body["outcome"]
    values = {c["code"]: c["value"] for c in body["criteria"]}
    found = replay(
        algorithm.model,
        algorithm.criteria,
        values,
        outcome["code"],
        body.get("score"),
        outcome.get("amount"),
    )
    recorded: dict[str, Any] = {"status": found.status}
    evaluation = found.evaluation
    if evaluation is not None and found.status == "divergent":
        recorded.update(
            expected_outcome=evaluation.outcome_code,
            expected_score=None if evaluation.score is None else str(evaluation.score),
            expected_amount=None if evaluation.amount is None else str(evaluation.amount),
        )
    return Case(algorithm, body, cases.REFERENCE, cases.BASE_URL, recorded)


def _generated(document: dict[str, Any]) -> list[Case]:
    algorithm = Algorithm.from_document(document, 1)
    bodies = generate_decisions(
        COUNT, seed=SEED, algorithms=[document], divergent_rate=0.1, start=START
    )
    return [_case(algorithm, body) for body in bodies]


def _opaque() -> list[Case]:
    document = cases.housing_risk()
    algorithm = Algorithm.from_document(document, 1)
    rng = random.Random(SEED)
    made = []
    for _ in range(COUNT):
        values = {c.code: plausible_value(rng, c) for c in algorithm.criteria}
        effects = {c.code: round(rng.uniform(-1, 1), 2) for c in algorithm.criteria}
        made.append(
            cases.case(
                document,
                values,
                favourable=rng.random() < 0.5,
                automation=rng.choice(["full", "partial"]),
                contributions={code: e for code, e in effects.items() if rng.random() < 0.7},
                score=rng.choice([None, 0.42]),
            )
        )
    return made


def _openfisca() -> list[Case]:
    from shared.samples.backoffice import bourse_college

    algorithm = Algorithm.from_document(OPENFISCA_SAMPLE, 1)
    bodies = bourse_college.decisions(OPENFISCA_COUNT, seed=SEED, divergent_rate=0.1, start=START)
    return [_case(algorithm, body) for body in bodies]


def cases_of(key: str) -> list[Case]:
    if key == "bourse-college":
        return _openfisca()
    if key == "risque-logement":
        return _opaque()
    if key == "aide-chauffage":
        return _generated(cases.heating_aid())
    return _generated(next(d for d in SAMPLE_ALGORITHMS if d["id"] == key))


def digest(key: str) -> str:
    documents = [
        json.dumps(build_document(one).to_json(), ensure_ascii=False, sort_keys=True)
        for one in cases_of(key)
    ]
    return hashlib.sha256("\n".join(documents).encode()).hexdigest()


def test_the_samples_cover_every_kind():
    kinds = {
        one.algorithm.model.kind
        for key in DIGESTS
        if key != "bourse-college"
        for one in cases_of(key)[:1]
    }
    assert kinds == {"rules", "points", "linear", "opaque"}
    assert OPENFISCA_SAMPLE["model"]["kind"] == "openfisca"


@pytest.mark.parametrize("key", sorted(DIGESTS))
def test_the_explanations_of_each_sample_are_the_recorded_ones(key):
    assert digest(key) == DIGESTS[key]


if __name__ == "__main__":
    for name in DIGESTS:
        print(f'    "{name}": "{digest(name)}",')
