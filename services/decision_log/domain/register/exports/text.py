"""Text helpers shared by the exports: what an entry says, in a few fixed shapes."""

from __future__ import annotations

from typing import Any

from services.decision_log.domain.register.entries import Entry
from services.decision_log.domain.register.legal import label

AUTOMATION = {
    "full": "Décision entièrement automatisée",
    "partial": "Aide à la décision : un agent décide",
}
MODEL_KINDS = {
    "rules": "Système de règles : des conditions à remplir",
    "points": "Système de règles : un barème de points et un seuil",
    "linear": "Système de règles : un score pondéré et un seuil",
    "opaque": "Modèle sans règles exécutables publiées (par exemple un modèle appris)",
    "openfisca": "Législation exécutable : le calcul est fait par un modèle OpenFisca "
    "public, avec ses paramètres datés",
}


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut after a whole sentence when one fits."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    end = cut.rfind(". ")
    return cut[: end + 1] if end > limit // 3 else cut.rstrip() + "…"


def legal_bases(entry: Entry) -> str:
    return " | ".join(label(b) for b in entry.document["legal_bases"])


def data_processed(entry: Entry) -> str:
    return " | ".join(c["label"] for c in entry.document["criteria"])


def data_sources(entry: Entry) -> str:
    return " | ".join(
        f"{d['name']} : {d['source']}" for d in entry.document.get("data_sources", [])
    )


def operations(entry: Entry) -> str:
    return " ".join(f"{i}. {op}" for i, op in enumerate(entry.document["operations"], 1))


def human_intervention(entry: Entry) -> str:
    document = entry.document
    if document["automation_allowed"] == "full":
        return (
            "L'algorithme décide seul. Toute décision peut être contestée : chaque "
            "contestation est examinée par un agent, jamais par l'algorithme seul."
        )
    return (
        f"L'algorithme aide {document.get('human_role') or 'un agent'}, qui décide. "
        "Toute décision peut être contestée : chaque contestation est examinée par un "
        "agent, jamais par l'algorithme seul."
    )


def protected_criteria(entry: Entry) -> list[dict[str, Any]]:
    return [c for c in entry.document["criteria"] if c.get("protected_ground")]


def spreadsheet_safe(value: str) -> str:
    """A cell starting with = + - @ would run as a formula in a spreadsheet; a tab or a carriage
    return before one is skipped by some spreadsheets, so they count too."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
