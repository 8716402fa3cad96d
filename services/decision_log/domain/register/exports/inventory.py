"""The inventory as CSV, with the fields of the State's guide to public algorithms (Etalab,
« Fiche pratique : l'inventaire des principaux traitements algorithmiques », 11 février 2021)
and its Table Schema (frictionless), version 1.0.0."""

from __future__ import annotations

import csv
import io
from typing import Any

from services.decision_log.domain.register.entries import Addresses, Entry, count_text
from services.decision_log.domain.register.exports import text
from services.decision_log.domain.register.legal import link
from shared.contracts.fields import ADMINISTRATION_PATTERN

SCHEMA_VERSION = "1.0.0"
FILE = "inventaire.csv"
SCHEMA_FILE = "inventaire.schema.json"
# OpenFisca is rules as code: the law's own formulas and dated parameters.
KINDS = {
    "rules": "règles",
    "points": "règles",
    "linear": "règles",
    "openfisca": "règles",
    "opaque": "apprentissage automatique ou modèle non publié",
}

# (name, title from the guide or the register, type, constraints, description)
FIELDS: tuple[tuple[str, str, str, dict[str, Any], str], ...] = (
    (
        "identifiant",
        "Identifiant stable de la version",
        "string",
        {
            "required": True,
            "unique": True,
            "pattern": r"[a-z0-9-]+/[A-Za-z0-9][A-Za-z0-9_.:-]*/"
            r"[A-Za-z0-9][A-Za-z0-9_.:-]*",
        },
        "administration/algorithme/version : ne change jamais.",
    ),
    (
        "administration",
        "Identifiant de l'administration",
        "string",
        {"required": True, "pattern": ADMINISTRATION_PATTERN.strip("^$")},
        "",
    ),
    ("administration_nom", "Nom de l'administration concernée", "string", {"required": True}, ""),
    (
        "siren",
        "SIREN de l'administration",
        "string",
        {"pattern": r"\d{9}"},
        "Vide quand il n'est pas connu.",
    ),
    ("service", "Direction/service porteur", "string", {"required": True}, ""),
    (
        "contact_courriel",
        "Contact au sein de l'administration concernée",
        "string",
        {"required": True},
        "Adresse électronique du service.",
    ),
    ("contact_telephone", "Téléphone du service", "string", {}, ""),
    ("contact_adresse", "Adresse postale du service", "string", {}, ""),
    (
        "date_mise_a_jour",
        "Date de mise à jour des informations",
        "date",
        {"required": True},
        "Date d'enregistrement de cette version dans le registre.",
    ),
    ("algorithme", "Identifiant de l'algorithme", "string", {"required": True}, ""),
    ("version", "Version", "string", {"required": True}, ""),
    (
        "statut",
        "État de la version",
        "string",
        {"required": True, "enum": ["en service", "retirée"]},
        "",
    ),
    ("date_mise_en_service", "Date de mise en service", "date", {}, ""),
    ("nom", "Nom de l'algorithme", "string", {"required": True}, ""),
    ("contexte", "Contexte global", "string", {}, ""),
    ("finalite", "Finalité de l'algorithme", "string", {"required": True}, ""),
    (
        "intervention",
        "Comment et quand l'algorithme intervient-il dans la prise de décision ?",
        "string",
        {},
        "",
    ),
    (
        "niveau_automatisation",
        "Niveau d'automatisation de la décision",
        "string",
        {"required": True, "enum": list(text.AUTOMATION.values())},
        "",
    ),
    ("decideur", "Qui décide avec l'aide de l'algorithme", "string", {}, ""),
    (
        "fondements_juridiques",
        "Fondements juridiques",
        "string",
        {"required": True},
        "Textes séparés par « | ».",
    ),
    (
        "fondements_juridiques_liens",
        "Liens vers les textes, dans leur version datée",
        "string",
        {},
        "Adresses séparées par des espaces, dans l'ordre des textes qui en ont une.",
    ),
    (
        "ressources_connexes",
        "Ressources connexes",
        "string",
        {},
        "Adresses séparées par des espaces.",
    ),
    (
        "decisions_par_an",
        "Nombre de décisions administratives prises par an",
        "string",
        # 0, 11 or more, or « moins de 11 »: the schema itself refuses a published small count.
        {"required": True, "pattern": r"0|1[1-9]|[2-9][0-9]|[1-9][0-9]{2,}|moins de 11"},
        "Décisions journalisées avec cette version au cours des 12 derniers mois ; « moins de 11 »"
        " quand il y en a de 1 à 10, pour protéger les personnes.",
    ),
    ("portee", "Portée de la décision", "string", {"enum": ["externe", "interne"]}, ""),
    ("public_concerne", "Public concerné par la décision", "string", {}, ""),
    (
        "donnees_traitees",
        "Données traitées",
        "string",
        {"required": True},
        "Critères séparés par « | ».",
    ),
    ("sources_donnees", "Source des données traitées", "string", {}, ""),
    ("mode_collecte", "Mode de collecte des données traitées", "string", {}, ""),
    (
        "type_algorithme",
        "Type d'algorithme",
        "string",
        {"required": True, "enum": sorted(set(KINDS.values()))},
        "",
    ),
    ("operations", "Opérations effectuées par l'algorithme", "string", {"required": True}, ""),
    (
        "motifs_proteges",
        "Critères touchant un motif protégé (code pénal, article 225-1)",
        "string",
        {},
        "Motifs séparés par « | ».",
    ),
    ("evaluation_publiee", "Évaluation publiée", "boolean", {"required": True}, ""),
    (
        "url",
        "Page de cette version dans le registre",
        "string",
        {"required": True, "pattern": r"https?://.+"},
        "",
    ),
    (
        "url_algorithme",
        "Page de l'algorithme (toutes ses versions)",
        "string",
        {"required": True, "pattern": r"https?://.+"},
        "",
    ),
    (
        "url_donnees",
        "Cette version en JSON",
        "string",
        {"required": True, "pattern": r"https?://.+"},
        "",
    ),
)
COLUMNS = tuple(name for name, *_ in FIELDS)


def table_schema(addresses: Addresses) -> dict[str, Any]:
    """The Table Schema of the CSV (https://specs.frictionlessdata.io/table-schema/)."""
    fields = []
    for name, title, kind, constraints, description in FIELDS:
        field: dict[str, Any] = {"name": name, "title": title, "type": kind}
        if description:
            field["description"] = description
        if kind == "date":
            field["format"] = "%Y-%m-%d"
        if kind == "boolean":
            field.update(trueValues=["oui"], falseValues=["non"])
        if constraints:
            field["constraints"] = constraints
        fields.append(field)
    return {
        "fields": fields,
        "primaryKey": ["identifiant"],
        "missingValues": [""],
        "name": "inventaire-algorithmes-publics",
        "version": SCHEMA_VERSION,
        "path": addresses.export(SCHEMA_FILE),
    }


def row(entry: Entry, addresses: Addresses) -> dict[str, str]:
    document, inventory = entry.document, entry.inventory
    service = document["responsible_service"]
    key = entry.key
    links = [u for u in (link(b) for b in document["legal_bases"]) if u]
    values = {
        "identifiant": entry.identifier,
        "administration": entry.administration,
        "administration_nom": entry.organisation_name,
        "siren": entry.siren or "",
        "service": service["name"],
        "contact_courriel": service["email"],
        "contact_telephone": service.get("phone") or "",
        "contact_adresse": service.get("address") or "",
        "date_mise_a_jour": entry.registered_at.date().isoformat(),
        "algorithme": entry.algorithm_id,
        "version": entry.version,
        "statut": "en service" if entry.in_use else "retirée",
        "date_mise_en_service": inventory.get("in_service_since") or "",
        "nom": document["name"],
        "contexte": inventory.get("context") or "",
        "finalite": document["purpose"],
        "intervention": inventory.get("procedure_step") or "",
        "niveau_automatisation": text.AUTOMATION[document["automation_allowed"]],
        "decideur": document.get("human_role") or "",
        "fondements_juridiques": text.legal_bases(entry),
        "fondements_juridiques_liens": " ".join(links),
        "ressources_connexes": " ".join(r["url"] for r in inventory.get("related_resources", [])),
        "decisions_par_an": count_text(entry.decisions_last_year).replace("\u202f", ""),
        "portee": {"external": "externe", "internal": "interne"}.get(
            inventory.get("scope") or "", ""
        ),
        "public_concerne": inventory.get("public_concerned") or "",
        "donnees_traitees": text.data_processed(entry),
        "sources_donnees": text.data_sources(entry),
        "mode_collecte": inventory.get("data_collection") or "",
        "type_algorithme": KINDS[document["model"]["kind"]],
        "operations": text.operations(entry),
        "motifs_proteges": " | ".join(
            sorted({c["protected_ground"] for c in text.protected_criteria(entry)})
        ),
        "evaluation_publiee": "oui" if document.get("evaluation") else "non",
        "url": addresses.version(*key),
        "url_algorithme": addresses.algorithm(*key[:2]),
        "url_donnees": addresses.api(*key),
    }
    return {name: text.spreadsheet_safe(value) for name, value in values.items()}


def to_csv(entries: list[Entry], addresses: Addresses) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for entry in entries:
        writer.writerow(row(entry, addresses))
    return buffer.getvalue()
