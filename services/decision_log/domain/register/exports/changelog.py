"""Announced changes of the export schemas. A change that could break a reader gets a new
schema version at a new address (`/register/exports/v2/…`); the previous one stays served
for at least six months after the announcement, and is listed here with its end date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Announcement:
    published_on: date
    schema_version: int
    exports: tuple[str, ...]
    text: str
    effective_on: date


CHANGELOG: tuple[Announcement, ...] = (
    Announcement(
        date(2026, 12, 1),
        1,
        (
            "dcat.jsonld",
            "inventaire.csv",
            "inventaire.schema.json",
            "algoritmeregister.json",
            "algoritmeregister.schema.json",
            "atrs.json",
            "atrs.schema.json",
        ),
        "Première version des exports : catalogue DCAT-AP 3.0 (JSON-LD), inventaire au format "
        "du guide des algorithmes publics (CSV et Table Schema), standard néerlandais de "
        "publication 1.0.0 et standard britannique ATRS (JSON). Les exports "
        "/register/algorithms.csv et /register/algorithms.json restent servis tels quels.",
        date(2026, 12, 1),
    ),
)


def as_json() -> list[dict[str, object]]:
    return [
        {
            "published_on": a.published_on.isoformat(),
            "schema_version": a.schema_version,
            "exports": list(a.exports),
            "text": a.text,
            "effective_on": a.effective_on.isoformat(),
        }
        for a in CHANGELOG
    ]
