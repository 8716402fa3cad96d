"""Algorithm versions of every model kind and decisions for them, to explain in tests."""

from __future__ import annotations

import copy
from typing import Any

from services.explainer.domain.case import Algorithm, Case
from shared.decision_model import FAVOURABLE, NotEvaluable, evaluate
from shared.samples import SAMPLE_ALGORITHMS

BASE_URL = "https://explicite.example"
REFERENCE = "D-7K2QM-4XR9T"
DECIDED_AT = "2026-11-02T09:30:00+01:00"


def sample(algorithm_id: str) -> dict[str, Any]:
    return copy.deepcopy(next(d for d in SAMPLE_ALGORITHMS if d["id"] == algorithm_id))


def heating_aid() -> dict[str, Any]:
    """A linear model that computes an amount."""
    document = sample("aide-transport-scolaire")
    document.update(
        id="aide-chauffage",
        version="2026",
        name="Aide au chauffage",
        criteria=[
            {
                "code": "revenu_mensuel",
                "label": "Revenu mensuel du foyer",
                "type": "number",
                "unit": "€",
                "step": 1,
                "min": 0,
                "source": "CAF",
            },
            {
                "code": "personnes_foyer",
                "label": "Personnes vivant au foyer",
                "type": "number",
                "step": 1,
                "min": 1,
                "source": "Déclaration du demandeur",
            },
        ],
        model={
            "kind": "linear",
            "outcomes": {
                "favourable": {"code": "accord", "label": "Aide au chauffage accordée"},
                "unfavourable": {"code": "refus", "label": "Aide au chauffage refusée"},
            },
            "intercept": 300,
            "weights": [
                {
                    "criterion": "revenu_mensuel",
                    "weight": -0.25,
                    "label": "moins 0,25 € par euro de revenu",
                },
                {"criterion": "personnes_foyer", "weight": 40, "label": "40 € par personne"},
            ],
            "amount": {"min": 0, "max": 400, "round": 0},
        },
    )
    return document


def housing_risk() -> dict[str, Any]:
    """An opaque model: a trained score that only supports an agent."""
    document = sample("ciblage-controles")
    document.update(
        id="priorite-logement",
        version="1",
        name="Priorité pour un logement social",
        automation_allowed="partial",
        human_role="la commission d'attribution des logements",
        criteria=[
            {
                "code": "revenu",
                "label": "Revenu annuel",
                "type": "number",
                "unit": "€",
                "source": "DGFiP",
            },
            {
                "code": "anciennete",
                "label": "Ancienneté de la demande",
                "type": "number",
                "unit": "mois",
                "source": "Fichier des demandes",
            },
            {
                "code": "handicap",
                "label": "Personne handicapée au foyer",
                "type": "boolean",
                "source": "MDPH",
                "protected_ground": "handicap",
                "justification": "La loi donne une priorité aux personnes handicapées.",
            },
        ],
        model={
            "kind": "opaque",
            "outcomes": {
                "favourable": {"code": "prioritaire", "label": "Demande prioritaire"},
                "unfavourable": {"code": "non-prioritaire", "label": "Demande non prioritaire"},
            },
            "description": "un modèle statistique appris sur les attributions de 2024",
        },
    )
    return document


def case(
    document: dict[str, Any],
    values: dict[str, Any],
    *,
    favourable: bool | None = None,
    automation: str | None = None,
    replay: dict[str, Any] | None = None,
    contributions: dict[str, float] | None = None,
    score: float | None = None,
    supersedes_reference: str | None = None,
    revision: int = 1,
) -> Case:
    algorithm = Algorithm.from_document(document, revision)
    try:
        evaluation = evaluate(algorithm.model, algorithm.criteria, values)
        model_favourable = evaluation.outcome == FAVOURABLE
        amount = evaluation.amount
    except NotEvaluable:
        evaluation, model_favourable, amount = None, False, None
    declared = model_favourable if favourable is None else favourable
    outcome = algorithm.model.outcomes.of(FAVOURABLE if declared else "unfavourable")
    contributions = contributions or {}
    decision = {
        "schema": "decision.v1",
        "decision_id": "TEST-1",
        "administration": document["administration"],
        "algorithm": {"id": document["id"], "version": document["version"]},
        "decided_at": DECIDED_AT,
        "automation": automation or document["automation_allowed"],
        "decided_by": None
        if (automation or document["automation_allowed"]) == "full"
        else "agent-1",
        "subject": {"ref": "personne-1"},
        "outcome": {
            "code": outcome.code,
            "label": outcome.label,
            "favourable": declared,
            "amount": float(amount) if amount and declared else None,
            "currency": "EUR",
            "effective_from": None,
        },
        "criteria": [
            {
                "code": code,
                "value": value,
                "source": None,
                **({"contribution": contributions[code]} if code in contributions else {}),
            }
            for code, value in values.items()
        ],
        "score": score,
        "supersedes": None,
    }
    return Case(
        algorithm,
        decision,
        REFERENCE,
        BASE_URL,
        replay or {"status": "consistent"},
        supersedes_reference,
    )


def plain(text: str) -> str:
    """French typography's no-break spaces as plain spaces, for readable expected sentences."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def section_text(document: Any, key: str) -> list[str]:
    section = document.section(key)
    assert section is not None, key
    return [plain(line) for block in section.blocks for line in block.lines()]
