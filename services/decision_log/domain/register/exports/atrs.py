"""The register in the UK Algorithmic Transparency Recording Standard: tier 1 (for the general
public) and tier 2 (for specialists), with the attribute names of the published Algorithmic
Transparency Data Standard, one record per version. The text stays in French.
docs/register.md maps each attribute and lists what has no equivalent."""

from __future__ import annotations

from typing import Any

from services.decision_log.domain.register.entries import Addresses, Entry, count_text
from services.decision_log.domain.register.exports import text

SCHEMA_VERSION = "1.0.0"
FILE = "atrs.json"
SCHEMA_FILE = "atrs.schema.json"
PHASE = {"in_use": "production", "retired": "retired"}


def record(entry: Entry, addresses: Addresses) -> dict[str, Any]:
    document, inventory = entry.document, entry.inventory
    service = document["responsible_service"]
    evaluation = document.get("evaluation")
    return {
        "id": entry.identifier,
        "tier_1": {
            "name": document["name"],
            "description": document["purpose"],
            "website": addresses.version(*entry.key),
            "contact_email": service["email"],
        },
        "tier_2": {
            "owner_and_responsibility": {
                "organisation": entry.organisation_name,
                "team": service["name"],
                "senior_responsible_owner": None,
                "external_supplier": [],
            },
            "description": {
                "scope": inventory.get("procedure_step") or document["purpose"],
                "benefit": inventory.get("context"),
                "alternatives_considered": None,
                "model_type": text.MODEL_KINDS[document["model"]["kind"]],
                "frequency_usage": "Décisions journalisées au cours des 12 derniers mois : "
                + count_text(entry.decisions_last_year),
                "phase": PHASE[document["status"]],
                "maintenance": "Une version déjà utilisée ne change plus : toute modification "
                "est une nouvelle version, publiée avec ses différences.",
                "system_architecture": None,
            },
            "oversight": {
                "process_integration": inventory.get("procedure_step"),
                "provided_information": text.operations(entry),
                "human_decisions": text.human_intervention(entry),
                "required_training": None,
                "appeals_and_review": "Chaque décision porte sa référence. La personne peut la "
                "contester en ligne, au guichet, par téléphone ou par "
                "courrier ; un agent examine chaque contestation. Voir "
                + addresses.version(*entry.key),
            },
            "information_on_data": [
                {
                    "source_data_name": d["name"],
                    "source_data_description": d["source"],
                    "source_data_url": None,
                    "data_collection": inventory.get("data_collection"),
                    "data_sharing_agreements": None,
                    "data_access_and_storage": None,
                }
                for d in document.get("data_sources", [])
            ],
            "risk_mitigation_and_impact_assessment": {
                "impact_assessment": [
                    {
                        "impact_assessment_name": "Évaluation publiée",
                        "impact_assessment_description": evaluation["summary"],
                        "impact_assessment_date": evaluation.get("published_on"),
                        "impact_assessment_link": evaluation.get("url"),
                    }
                ]
                if evaluation
                else [],
                "risks": [
                    {
                        "risk_name": f"Critère touchant un motif protégé : {c['label']}",
                        "risk_description": f"Motif protégé par le code pénal (article 225-1) : "
                        f"{c['protected_ground']}.",
                        "risk_mitigation": c["justification"],
                    }
                    for c in text.protected_criteria(entry)
                ],
            },
        },
    }


def export(entries: list[Entry], addresses: Addresses) -> dict[str, Any]:
    return {
        "standard": "Algorithmic Transparency Recording Standard",
        "attributes": "Algorithmic Transparency Data Standard (GOV.UK)",
        "schema": addresses.export(SCHEMA_FILE),
        "records": [record(entry, addresses) for entry in entries],
    }


def _object(required: list[str], optional: list[str]) -> dict[str, Any]:
    text_or_null = {"type": ["string", "null"]}
    return {
        "type": "object",
        "additionalProperties": False,
        "required": required,
        "properties": {
            **{key: {"type": "string", "minLength": 1} for key in required},
            **{key: text_or_null for key in optional},
        },
    }


def schema(addresses: Addresses) -> dict[str, Any]:
    """JSON Schema of the export: the tiers and the attributes, with the data standard's
    required attributes required here too (those Explicite cannot fill are nullable and listed
    in docs/register.md)."""
    data_item = _object(
        ["source_data_name", "source_data_description"],
        [
            "source_data_url",
            "data_collection",
            "data_sharing_agreements",
            "data_access_and_storage",
        ],
    )
    owner = _object(["organisation", "team"], ["senior_responsible_owner"])
    owner["properties"]["external_supplier"] = {"type": "array"}
    owner["required"].append("external_supplier")
    description = _object(
        ["scope", "model_type", "phase"],
        [
            "benefit",
            "alternatives_considered",
            "frequency_usage",
            "maintenance",
            "system_architecture",
        ],
    )
    description["properties"]["phase"] = {
        "enum": ["idea", "design", "development", "production", "retired"]
    }
    risk = {
        "type": "object",
        "properties": {
            "impact_assessment": {
                "type": "array",
                "items": _object(
                    ["impact_assessment_name"],
                    [
                        "impact_assessment_description",
                        "impact_assessment_date",
                        "impact_assessment_link",
                    ],
                ),
            },
            "risks": {
                "type": "array",
                "items": _object(["risk_name"], ["risk_description", "risk_mitigation"]),
            },
        },
        "required": ["impact_assessment", "risks"],
        "additionalProperties": False,
    }
    record_schema = {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "tier_1", "tier_2"],
        "properties": {
            "id": {"type": "string"},
            "tier_1": _object(["name", "description", "contact_email"], ["website"]),
            "tier_2": {
                "type": "object",
                "additionalProperties": False,
                "required": [
                    "owner_and_responsibility",
                    "description",
                    "oversight",
                    "information_on_data",
                    "risk_mitigation_and_impact_assessment",
                ],
                "properties": {
                    "owner_and_responsibility": owner,
                    "description": description,
                    "oversight": _object(
                        ["human_decisions", "appeals_and_review"],
                        ["process_integration", "provided_information", "required_training"],
                    ),
                    "information_on_data": {"type": "array", "items": data_item},
                    "risk_mitigation_and_impact_assessment": risk,
                },
            },
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": addresses.export(SCHEMA_FILE),
        "title": "Registre Explicite au standard britannique ATRS (niveaux 1 et 2)",
        "type": "object",
        "required": ["standard", "records"],
        "properties": {
            "standard": {"type": "string"},
            "attributes": {"type": "string"},
            "schema": {"type": "string"},
            "records": {"type": "array", "items": record_schema},
        },
    }
