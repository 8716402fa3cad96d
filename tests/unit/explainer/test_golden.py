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
    "aide-transport-scolaire": "4aa17362d4e4db91ee427f5634f1650f6c930c0b110c602d78a21f0a4c8ae99b",
    "ciblage-controles": "f69cc15c716351fd93884133c59799dcbeba41b7d1369807c3ce2c77bd543809",
    "creche-attribution": "380eb9247e12d3028bbdba69bf5a2f081b5f3119186c4c6b55b3f9a303e1d211",
    "aide-chauffage": "b9dfe422358eb7071a8e907ce877e41a3544625af6f2727fac3743ac5a230aa0",
    "risque-logement": "e29060f4b181cdbfbb81715940b153188dfd6ba6ac5201789e40dd7f7b91305f",
    "bourse-college": "d23022e6cf9be204e98dc5e71ca95bd15507587fa6d2d4d478885f344c7013bf",
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
