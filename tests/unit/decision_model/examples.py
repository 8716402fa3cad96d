"""Realistic algorithm versions, as registry JSON, used across the decision model tests."""

from typing import Any

import pytest
from marshmallow import ValidationError

from shared.decision_model import CriterionDef, DecisionModel, load_algorithm_model


def outcomes(favourable: str, unfavourable: str) -> dict[str, Any]:
    """Outcomes JSON with labels derived from the codes."""
    return {
        "favourable": {"code": favourable, "label": f"Décision : {favourable}"},
        "unfavourable": {"code": unfavourable, "label": f"Décision : {unfavourable}"},
    }


CRECHE_CRITERIA = [
    {
        "code": "quotient_familial",
        "label": "Quotient familial",
        "type": "number",
        "unit": "€",
        "source": "CAF, API Particulier",
    },
    {
        "code": "parent_isole",
        "label": "Parent isolé",
        "type": "boolean",
        "source": "Déclaration du demandeur",
        "protected_ground": "situation_de_famille",
        "justification": "Délibération du conseil municipal : priorité aux parents isolés.",
    },
    {
        "code": "fratrie",
        "label": "Enfants déjà accueillis",
        "type": "number",
        "source": "Fichier des crèches",
        "min": 0,
    },
    {
        "code": "handicap_enfant",
        "label": "Enfant en situation de handicap",
        "type": "boolean",
        "source": "MDPH",
        "protected_ground": "handicap",
        "justification": "Code de l'action sociale et des familles, art. L214-7.",
        "changeable": False,
    },
]
CRECHE_MODEL = {
    "kind": "points",
    "outcomes": outcomes("attribution", "refus"),
    "grids": [
        {
            "criterion": "quotient_familial",
            "bands": [
                {"op": "<=", "value": 700, "points": 40, "label": "Jusqu'à 700 €"},
                {"op": "<=", "value": 1200, "points": 25, "label": "De 700 à 1 200 €"},
                {"op": "any", "points": 10, "label": "Au-delà de 1 200 €"},
            ],
        },
        {
            "criterion": "parent_isole",
            "bands": [
                {"op": "==", "value": True, "points": 20, "label": "Parent isolé"},
            ],
        },
        {
            "criterion": "fratrie",
            "bands": [
                {"op": ">=", "value": 1, "points": 5, "label": "Un frère ou une sœur accueilli"},
            ],
        },
        {
            "criterion": "handicap_enfant",
            "bands": [
                {
                    "op": "==",
                    "value": True,
                    "points": 30,
                    "label": "Enfant en situation de handicap",
                },
            ],
        },
    ],
    "cutoff": 50,
}

TRANSPORT_CRITERIA = [
    {
        "code": "revenu_fiscal_reference",
        "label": "Revenu fiscal de référence",
        "type": "number",
        "unit": "€",
        "source": "DGFiP, API Particulier",
        "min": 0,
    },
    {
        "code": "distance_km",
        "label": "Distance domicile-établissement",
        "type": "number",
        "unit": "km",
        "source": "Calcul d'itinéraire",
        "step": 0.1,
        "min": 0,
    },
    {"code": "boursier", "label": "Élève boursier", "type": "boolean", "source": "Rectorat"},
]
TRANSPORT_MODEL = {
    "kind": "rules",
    "outcomes": outcomes("aide_accordee", "aide_refusee"),
    "rules": [
        {
            "criterion": "revenu_fiscal_reference",
            "op": "<=",
            "value": 25000,
            "label": "Revenu fiscal de référence inférieur ou égal à 25 000 €",
            "legal_reference": "Délibération n° 2026-14 du conseil départemental, art. 2",
        },
        {
            "criterion": "distance_km",
            "op": ">=",
            "value": 3,
            "label": "Domicile à 3 km ou plus de l'établissement",
            "legal_reference": "Délibération n° 2026-14 du conseil départemental, art. 3",
        },
        {
            "criterion": "boursier",
            "op": "==",
            "value": True,
            "label": "Élève boursier",
            "legal_reference": "Délibération n° 2026-14 du conseil départemental, art. 4",
        },
    ],
    "amount": 150,
}

RISK_CRITERIA = [
    {
        "code": "ecart_revenus",
        "label": "Écart entre revenus déclarés et connus",
        "type": "number",
        "unit": "€",
        "source": "DGFiP",
    },
    {
        "code": "changements_adresse",
        "label": "Changements d'adresse sur 12 mois",
        "type": "number",
        "source": "Fichier des allocataires",
        "min": 0,
    },
    {
        "code": "parent_isole",
        "label": "Parent isolé",
        "type": "boolean",
        "source": "Fichier des allocataires",
        "protected_ground": "situation_de_famille",
        "justification": "Les prestations majorées pour isolement font l'objet d'erreurs "
        "déclaratives plus fréquentes (évaluation 2025 publiée).",
    },
    {
        "code": "age",
        "label": "Âge de l'allocataire",
        "type": "number",
        "unit": "ans",
        "source": "RNIPP",
        "changeable": False,
        "protected_ground": "age",
        "justification": "Corrige la sur-sélection des jeunes allocataires (évaluation 2025).",
    },
]
RISK_MODEL = {
    "kind": "linear",
    "outcomes": outcomes("pas_de_controle", "controle"),
    "intercept": 10,
    "weights": [
        {"criterion": "ecart_revenus", "weight": 0.002, "label": "Par euro d'écart"},
        {"criterion": "changements_adresse", "weight": 8, "label": "Par changement"},
        {"criterion": "parent_isole", "weight": 15, "label": "Parent isolé"},
        {"criterion": "age", "weight": -0.3, "label": "Par année d'âge"},
    ],
    "threshold": {"op": ">=", "value": 60, "when_met": "unfavourable"},
}

RENT_CRITERIA = [
    {
        "code": "revenu_mensuel",
        "label": "Revenu mensuel",
        "type": "number",
        "unit": "€",
        "source": "CAF",
        "step": 0.01,
        "min": 0,
    },
    {"code": "enfants", "label": "Enfants à charge", "type": "number", "source": "CAF", "min": 0},
]
RENT_MODEL = {
    "kind": "linear",
    "outcomes": outcomes("aide_versee", "aide_nulle"),
    "intercept": 400,
    "weights": [
        {"criterion": "revenu_mensuel", "weight": -0.25, "label": "Par euro de revenu"},
        {"criterion": "enfants", "weight": 30, "label": "Par enfant"},
    ],
    "amount": {"min": 0, "max": 300, "round": 2},
}


Loaded = tuple[tuple[CriterionDef, ...], DecisionModel]


def criterion(code: str, type_: str, **extra: Any) -> dict[str, Any]:
    """A criterion JSON for synthetic cases."""
    return {"code": code, "label": code.capitalize(), "type": type_, "source": "Test", **extra}


def rules_model(*conditions: tuple[str, str, Any]) -> dict[str, Any]:
    """A rules model JSON from (criterion, op, value) conditions."""
    rules = [
        {
            "criterion": code,
            "op": op,
            "value": value,
            "label": f"{code} {op} {value}",
            "legal_reference": f"Règlement, art. {index}",
        }
        for index, (code, op, value) in enumerate(conditions, start=1)
    ]
    return {"kind": "rules", "outcomes": outcomes("oui", "non"), "rules": rules}


def creche() -> Loaded:
    """The crèche points grid, loaded."""
    return load_algorithm_model(CRECHE_CRITERIA, CRECHE_MODEL)


def transport() -> Loaded:
    """The school transport grant rules, loaded."""
    return load_algorithm_model(TRANSPORT_CRITERIA, TRANSPORT_MODEL)


def risk() -> Loaded:
    """The control-targeting risk score, loaded."""
    return load_algorithm_model(RISK_CRITERIA, RISK_MODEL)


def rent() -> Loaded:
    """The rent aid amount, loaded."""
    return load_algorithm_model(RENT_CRITERIA, RENT_MODEL)


def errors_of(criteria: Any, model: Any) -> dict[Any, Any]:
    """The validation messages of an entry that must be refused."""
    with pytest.raises(ValidationError) as caught:
        load_algorithm_model(criteria, model)
    messages: dict[Any, Any] = caught.value.messages  # type: ignore[assignment]
    return messages
