"""The register in the Dutch Algoritmeregister publication standard 1.0.0 (the fields of its
delivery API, `aanleverapi/v1_0`), one record per version. docs/register.md maps each field
and lists what has no equivalent either way."""

from __future__ import annotations

from typing import Any

from services.decision_log.domain.register.entries import Addresses, Entry
from services.decision_log.domain.register.exports import text
from services.decision_log.domain.register.legal import label, link

SCHEMA_VERSION = "1.0.0"
STANDARD_VERSION = "1.0.0"
FILE = "algoritmeregister.json"
SCHEMA_FILE = "algoritmeregister.schema.json"
STATUS = {"in_use": "In gebruik", "retired": "Buiten gebruik"}
# Every entry founds individual decisions about people: « Impactvolle algoritmes »
# (category B of the Dutch guidance). Whether a system is a high-risk AI system (category A)
# is not recorded by Explicite.
PUBLICATION_CATEGORY = "Impactvolle algoritmes"
# The standard's own limits (characters), from its field definitions.
LIMITS = {
    "name": 100,
    "description_short": 350,
    "organization": 100,
    "contact_email": 500,
    "website": 500,
    "url": 500,
    "goal": 2500,
    "proportionality": 2500,
    "human_intervention": 2500,
    "risks": 2500,
    "lawful_basis": 2500,
    "impacttoetsen": 2500,
    "source_data": 2500,
    "methods_and_models": 5000,
    "source_id": 100,
    "tags": 2500,
}


def record(entry: Entry, addresses: Addresses) -> dict[str, Any]:
    document, inventory = entry.document, entry.inventory
    evaluation = document.get("evaluation") or {}
    since = inventory.get("in_service_since")
    fields: dict[str, Any] = {
        "name": document["name"],
        "description_short": document["purpose"],
        "organization": entry.organisation_name,
        "status": STATUS[document["status"]],
        "begin_date": str(since)[:7] if since else None,
        "end_date": entry.retired_at.strftime("%Y-%m") if entry.retired_at else None,
        "contact_email": document["responsible_service"]["email"],
        "website": addresses.version(*entry.key),
        "publication_category": PUBLICATION_CATEGORY,
        "url": addresses.api(*entry.key),
        "goal": " ".join(filter(None, (document["purpose"], inventory.get("context")))),
        "proportionality": " ".join(
            f"{c['label']} : {c['justification']}" for c in text.protected_criteria(entry)
        )
        or None,
        "human_intervention": text.human_intervention(entry),
        "risks": _risks(entry),
        "lawful_basis": text.legal_bases(entry),
        "lawful_basis_grouping": [
            {"title": label(b)[:100], "link": link(b)} for b in document["legal_bases"] if link(b)
        ],
        "impacttoetsen_grouping": (
            [{"title": "Évaluation publiée", "link": evaluation["url"]}]
            if evaluation.get("url")
            else []
        ),
        "impacttoetsen": evaluation.get("summary"),
        "source_data": text.data_sources(entry) or text.data_processed(entry),
        "methods_and_models": f"{text.MODEL_KINDS[document['model']['kind']]}. "
        f"{text.operations(entry)}",
        "lang": "fra",
        "standard_version": STANDARD_VERSION,
        "source_id": entry.identifier,
        "tags": ", ".join((entry.administration, entry.algorithm_id)),
    }
    return {
        key: text.shorten(value, LIMITS[key]) if isinstance(value, str) and key in LIMITS else value
        for key, value in fields.items()
    }


def _risks(entry: Entry) -> str:
    parts = [
        "Chaque décision est rejouée avec les règles publiées ; tout écart est signalé et "
        "publié dans le registre."
    ]
    protected = text.protected_criteria(entry)
    if protected:
        parts.append(
            "Critères touchant un motif protégé, avec leur justification publiée : "
            + ", ".join(c["label"] for c in protected)
            + "."
        )
    return " ".join(parts)


def export(entries: list[Entry], addresses: Addresses) -> dict[str, Any]:
    return {
        "standard": "Algoritmeregister publicatiestandaard",
        "standard_version": STANDARD_VERSION,
        "schema": addresses.export(SCHEMA_FILE),
        "records": [record(entry, addresses) for entry in entries],
    }


def _text(limit: int, *, required: bool = False) -> dict[str, Any]:
    kind: Any = "string" if required else ["string", "null"]
    return {"type": kind, "maxLength": limit, **({"minLength": 1} if required else {})}


def _links(title_limit: int | None) -> dict[str, Any]:
    title: dict[str, Any] = {"type": "string", "minLength": 1}
    if title_limit:
        title["maxLength"] = title_limit
    return {
        "type": "array",
        "items": {
            "type": "object",
            "required": ["title", "link"],
            "additionalProperties": False,
            "properties": {
                "title": title,
                "link": {"type": "string", "maxLength": 500, "pattern": "^https?://"},
            },
        },
    }


def schema(addresses: Addresses) -> dict[str, Any]:
    """JSON Schema of the export: the standard's fields, required ones and limits, and where
    Explicite departs from it (`lang` is `fra`: the standard lists only `nld`)."""
    properties: dict[str, Any] = {key: _text(limit) for key, limit in LIMITS.items()}
    for key in ("name", "description_short", "organization", "contact_email"):
        properties[key] = _text(LIMITS[key], required=True)
    properties.update(
        {
            "status": {"enum": list(STATUS.values())},
            "publication_category": {
                "enum": ["Hoog-risico AI-systeem", "Impactvolle algoritmes", "Overige algoritmes"]
            },
            "begin_date": {"type": ["string", "null"], "pattern": r"^\d{4}-\d{2}$"},
            "end_date": {"type": ["string", "null"], "pattern": r"^\d{4}-\d{2}$"},
            "lawful_basis_grouping": _links(100),
            "impacttoetsen_grouping": _links(None),
            "lang": {"enum": ["nld", "fra"]},
            "standard_version": {"const": STANDARD_VERSION},
        }
    )
    record_schema = {
        "type": "object",
        "additionalProperties": False,
        "required": [
            "name",
            "description_short",
            "organization",
            "status",
            "contact_email",
            "publication_category",
            "lang",
        ],
        "properties": properties,
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": addresses.export(SCHEMA_FILE),
        "title": "Registre Explicite au standard néerlandais de publication 1.0.0",
        "type": "object",
        "required": ["standard", "standard_version", "records"],
        "properties": {
            "standard": {"type": "string"},
            "standard_version": {"const": STANDARD_VERSION},
            "schema": {"type": "string"},
            "records": {"type": "array", "items": record_schema},
        },
    }
